import Synchronization
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// Rescales the gradients of `parameters` so that their joint norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_`, and returns the joint norm before clipping.
///
/// The joint norm is the `normType`-norm of all gradients viewed as one vector (the norm of the
/// per-tensor norms). Every gradient is multiplied in place by `min(maxNorm / (norm + 1e-6), 1)`,
/// computed in float32 as PyTorch does. Parameters without a gradient are ignored; with no
/// gradients at all the result is 0. Call it between the last backward pass of an accumulation
/// and ``Optimizer/step()``.
/// - Parameters:
///   - normType: p of the p-norm (any p > 0), or `.infinity` for the largest magnitude.
///   - errorIfNonfinite: throw when the norm is NaN or infinite instead of scaling by it.
/// - Returns: the joint norm of the gradients before clipping.
@discardableResult
public func clipGradNorm(
    _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
) throws -> Double {
    guard normType > 0 else {
        throw TensorError.invalidArgument("clip_grad_norm: norm type must be > 0 or infinity, got \(normType)")
    }
    let grads = parameters.compactMap(\.grad)
    guard !grads.isEmpty else { return 0 }
    // Each tensor's norm is rounded to float32 before the norms are combined, as torch.stack of
    // float32 norms does.
    let norms = grads.map { Float(norm(of: $0, p: normType)) }
    let total: Float
    if normType == .infinity {
        total = norms.contains(where: \.isNaN) ? .nan : norms.max()!
    } else {
        total = Float(combine(norms.map { pow(Double($0), normType) }, p: normType))
    }
    if errorIfNonfinite && !total.isFinite {
        throw TensorError.invalidArgument(
            "clip_grad_norm: the total norm of order \(normType) of the gradients is \(total); the loss or gradients hold NaN or Inf"
        )
    }
    let coefficient = min(Float(maxNorm) / (total + Float(1e-6)), 1)
    try noGrad {
        for p in parameters {
            guard let g = p.grad else { continue }
            if g.dtype == .float32 && g.isContiguous {
                scale(g.pointer(as: Float.self), count: g.count, by: coefficient)
            } else {
                p.grad = try g.converted(to: .float32) * Double(coefficient)
            }
        }
    }
    return Double(total)
}

/// (Σ terms)^(1/p).
private func combine(_ terms: [Double], p: Double) -> Double {
    let sum = terms.reduce(0, +)
    return p == 2 ? sum.squareRoot() : pow(sum, 1 / p)
}

/// The p-norm of a tensor's elements, accumulated in double over float32 blocks. NaN anywhere
/// gives NaN, as in PyTorch (for the max norm too).
private func norm(of tensor: Tensor, p: Double) -> Double {
    let t = tensor.dtype == .float32 && tensor.isContiguous ? tensor : tensor.converted(to: .float32).contiguous()
    let x = UnsafePointer(t.pointer(as: Float.self))
    let total = Mutex<Double>(0)
    Parallel.forEachRange(count: t.count, cost: 2) { range in
        let part: Double
        switch p {
        case 2: part = sumOfSquares(x, range)
        case .infinity: part = maxMagnitude(x, range)
        default: part = range.reduce(0.0) { $0 + pow(Double(Swift.abs(x[$1])), p) }
        }
        total.withLock { sum in
            if sum.isNaN || part.isNaN { sum = .nan } else { sum = p == .infinity ? max(sum, part) : sum + part }
        }
    }
    let sum = total.withLock { $0 }
    return p == .infinity ? sum : combine([sum], p: p)
}

/// Σ x² over `range`: float32 lanes summed over blocks of 4096 (short enough that their rounding
/// stays far below 1e-6), blocks summed in double.
private func sumOfSquares(_ x: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
    var total = 0.0
    var start = range.lowerBound
    while start < range.upperBound {
        let end = min(start + 4096, range.upperBound)
        var lanes = Lanes(repeating: 0)
        var i = start
        while i + Lanes.scalarCount <= end {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            lanes = lanes.addingProduct(v, v)
            i += Lanes.scalarCount
        }
        var tail: Float = 0
        while i < end { tail += x[i] * x[i]; i += 1 }
        total += Double(lanes.sum()) + Double(tail)
        start = end
    }
    return total
}

/// max |x| over `range`, NaN when any element is NaN.
private func maxMagnitude(_ x: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
    var lanes = Lanes(repeating: 0)
    var sawNaN = false
    var i = range.lowerBound
    while i + Lanes.scalarCount <= range.upperBound {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
        sawNaN = sawNaN || any(v .!= v)
        lanes = pointwiseMax(lanes, pointwiseMax(v, -v))
        i += Lanes.scalarCount
    }
    var result = Double(lanes.max())
    while i < range.upperBound {
        sawNaN = sawNaN || x[i].isNaN
        result = max(result, Double(Swift.abs(x[i])))
        i += 1
    }
    return sawNaN ? .nan : result
}

/// x[i] *= factor for i in 0..<count.
private func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    Parallel.forEachRange(count: count, cost: 2) { range in
        var i = range.lowerBound
        while i + Lanes.scalarCount <= range.upperBound {
            let raw = UnsafeMutableRawPointer(x + i)
            raw.storeBytes(of: raw.loadUnaligned(as: Lanes.self) * factor, as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < range.upperBound { x[i] *= factor; i += 1 }
    }
}
