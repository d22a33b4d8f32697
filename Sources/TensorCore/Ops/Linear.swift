/// The affine map of `nn.Linear`, fused: one gemm with the bias preloaded into the output.
extension Tensor {
    /// `x · weightᵀ + bias` over the last axis: `[..., in]` with weight `[out, in]` and bias
    /// `[out]` → `[..., out]`.
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard weight.rank == 2, rank >= 1, shape[rank - 1] == weight.shape[1] else {
            throw TensorError.shape(
                "linear: input \(describe(shape)) does not match weight \(describe(weight.shape)) ([out, in])")
        }
        let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shape("linear: bias \(describe(bias.shape)) should be [\(outFeatures)]")
        }
        let type = promotedType(dtype, weight.dtype)
        guard type.isComputeFloat else {
            throw TensorError.invalidArgument("linear: float tensors expected, got \(dtype)")
        }
        let x = try detached().converted(to: type).contiguous().reshaped([-1, inFeatures])
        let w = weight.detached().converted(to: type).contiguous()
        let rows = x.shape[0]
        let out =
            inFeatures > 0
            ? Tensor(uninitialized: [rows, outFeatures], dtype: type) : Tensor(zeros: [rows, outFeatures], dtype: type)
        if let bias {
            let b = try bias.detached().converted(to: type).expanded(to: [rows, outFeatures])
            copyElements(from: b, to: out)
        }
        gemm(x, transA: false, w, transB: true, into: out, accumulate: bias != nil)
        let input = self, outShape = Array(shape.dropLast()) + [outFeatures]
        return try out.reshaped(outShape).detached().recorded("linear", [input, weight] + (bias.map { [$0] } ?? [])) {
            g in
            let g2 = try g.contiguous().reshaped([rows, outFeatures])
            var grads: [Tensor?] = []
            if input.requiresGrad {
                let gx = Tensor(uninitialized: [rows, inFeatures], dtype: type)
                gemm(g2, transA: false, w, transB: false, into: gx, accumulate: false)
                grads.append(try gx.reshaped(input.shape))
            } else {
                grads.append(nil)
            }
            if weight.requiresGrad {
                let gw =
                    rows > 0
                    ? Tensor(uninitialized: [outFeatures, inFeatures], dtype: type)
                    : Tensor(zeros: [outFeatures, inFeatures], dtype: type)
                gemm(g2, transA: true, x, transB: false, into: gw, accumulate: false)
                grads.append(gw)
            } else {
                grads.append(nil)
            }
            if let bias { grads.append(bias.requiresGrad ? try g2.sum(axes: [0]) : nil) }
            return grads
        }
    }
}

/// c ← op(a)·op(b) (+ c when `accumulate`), for contiguous 2-D float tensors.
func gemm(_ a: Tensor, transA: Bool, _ b: Tensor, transB: Bool, into c: Tensor, accumulate: Bool) {
    let m = c.shape[0], n = c.shape[1]
    let k = transA ? a.shape[0] : a.shape[1]
    guard m > 0, n > 0, k > 0 else { return }
    if c.dtype == .float64 {
        BLAS.gemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
            a: a.pointer(as: Double.self), lda: a.shape[1], b: b.pointer(as: Double.self), ldb: b.shape[1],
            beta: accumulate ? 1 : 0, c: c.pointer(as: Double.self), ldc: n)
    } else {
        BLAS.gemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
            a: a.pointer(as: Float.self), lda: a.shape[1], b: b.pointer(as: Float.self), ldb: b.shape[1],
            beta: accumulate ? 1 : 0, c: c.pointer(as: Float.self), ldc: n)
    }
}
