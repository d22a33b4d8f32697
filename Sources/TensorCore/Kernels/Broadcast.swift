/// Broadcasting rules (NumPy/PyTorch): shapes align from the right; each pair of sizes must be
/// equal or one of them 1; missing leading axes count as 1.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or an error naming `op` and both shapes.
    static func shape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            guard x == y || x == 1 || y == 1 else {
                throw TensorError.shape("\(op): shapes \(describe(a)) and \(describe(b)) cannot be broadcast together")
            }
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// Strides that read `t` as if it had `shape` (0 on broadcast axes).
    static func strides(of t: Tensor, to shape: [Int]) -> [Int] {
        let lead = shape.count - t.rank
        return shape.indices.map { i in
            i < lead || t.shape[i - lead] == 1 ? 0 : t.strides[i - lead]
        }
    }
}

/// The dtype an arithmetic op on `a` and `b` computes in: float64 > float32 > int64 > bool, with
/// the half types computing in float32 (PyTorch's promotion, minus the half arithmetic).
func promotedType(_ a: DType, _ b: DType) -> DType {
    let order: [DType] = [.bool, .int64, .float32, .float64]
    func rankOf(_ d: DType) -> Int { order.firstIndex(of: d == .float16 || d == .bfloat16 ? .float32 : d)! }
    return order[max(rankOf(a), rankOf(b))]
}

extension Tensor {
    /// This tensor in `dtype` (itself when it already is). Differentiable between float types.
    public func converted(to type: DType) -> Tensor {
        if type == dtype { return self }
        let out = Tensor(uninitialized: shape, dtype: type)
        copyElements(from: self, to: out)
        let source = dtype
        guard type.isComputeFloat && source.isComputeFloat else { return out }
        return out.recorded("to(\(type))", [self]) { g in [g.converted(to: source)] }
    }

    /// The gradient `g` of a broadcast result reduced back to `shape`: summed over the axes that
    /// broadcasting added or stretched.
    public func summed(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        guard lead >= 0 else {
            throw TensorError.shape("sum_to: cannot reduce \(describe(shape)) to \(describe(target))")
        }
        var axes = Array(0..<lead)
        for (k, size) in target.enumerated() where size == 1 && shape[lead + k] != 1 { axes.append(lead + k) }
        let s = axes.isEmpty ? self : try sum(axes: axes, keepingAxes: true)
        return try s.reshaped(target)
    }
}
