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
            "clip_grad_norm: the total norm of order \(normType) of the gradients is \(total); the loss or gradients hold NaN or Inf")
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
        var acc = 0.0, sawNaN = false
        // Blocks of 4096 keep the float32 lane sums short, so rounding stays far below 1e-6.
        var start = range.lowerBound
        while start < range.upperBound {
            let block = start..<min(start + 4096, range.upperBound)
            var lanes = Lanes(repeating: 0)
            forEachBlock(block) { i, width in
                let u = load(x, i, width)
                let v = pointwiseMax(u, -u)
                if p == .infinity {
                    sawNaN = sawNaN || any(v .!= v)
                    lanes = pointwiseMax(lanes, v)
                } else if p == 2 {
                    lanes = lanes.addingProduct(v, v)
                } else {
                    for k in 0..<width { acc += pow(Double(v[k]), p) }
                }
            }
            acc = p == .infinity ? max(acc, Double(lanes.max())) : acc + Double(lanes.sum())
            start = block.upperBound
        }
        if sawNaN { acc = .nan }
        total.withLock { sum in
            if sum.isNaN || acc.isNaN { sum = .nan } else { sum = p == .infinity ? max(sum, acc) : sum + acc }
        }
    }
    let sum = total.withLock { $0 }
    return p == .infinity ? sum : combine([sum], p: p)
}

/// x[i] *= factor for i in 0..<count.
private func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    Parallel.forEachRange(count: count, cost: 2) { range in
        forEachBlock(range) { i, width in store(load(x, i, width) * factor, x, i, width) }
    }
}
