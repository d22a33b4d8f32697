import TensorCore

/// Central finite differences in float64 against autograd.
///
/// The function's output is projected to a scalar with fixed random weights, L = Σ f(x)·R, so
/// every output element takes part. Each input element is nudged by ±eps and the difference
/// quotient of L compared with the autograd gradient of L.
public struct GradientCheckResult: Sendable {
    /// Largest |autograd − numeric| over all input elements.
    public let maxAbsoluteError: Double
    /// Largest |numeric| (the scale the error is judged against).
    public let scale: Double
    /// Number of input elements checked.
    public let checked: Int
}

public enum GradientCheck {
    /// Checks `f` at `inputs` (converted to float64, made to require grad).
    public static func run(
        _ f: ([Tensor]) throws -> Tensor, inputs: [Tensor], eps: Double = 1e-6, seed: UInt64 = 7
    ) throws -> GradientCheckResult {
        let xs = try inputs.map { try $0.converted(to: .float64).copied().setRequiresGrad() }
        let y = try f(xs)
        let weights = Tensor.randn(y.shape, dtype: .float64, generator: RandomGenerator(seed: seed))
        try (y * weights).sum().backward()
        var maxError = 0.0, scale = 0.0, checked = 0
        for (k, x) in xs.enumerated() {
            let analytic = x.grad?.toArray(of: Double.self) ?? [Double](repeating: 0, count: x.count)
            for i in 0..<x.count {
                func loss(_ delta: Double) throws -> Double {
                    var perturbed = xs.map { $0.detached() }
                    var values = x.toArray(of: Double.self)
                    values[i] += delta
                    perturbed[k] = try Tensor(shape: x.shape, scalars: values)
                    return try noGrad { try (f(perturbed) * weights).sum().item() }
                }
                let numeric = (try loss(eps) - loss(-eps)) / (2 * eps)
                maxError = max(maxError, abs(numeric - analytic[i]))
                scale = max(scale, abs(numeric))
                checked += 1
            }
        }
        return GradientCheckResult(maxAbsoluteError: maxError, scale: scale, checked: checked)
    }
}

/// Largest elementwise |a − b| relative to the largest |b| (1 when b is all zeros).
public func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
    let x = a.toArray(of: Double.self), y = b.toArray(of: Double.self)
    precondition(x.count == y.count, "relativeError: \(a.shape) vs \(b.shape)")
    let diff = zip(x, y).map { abs($0 - $1) }.max() ?? 0
    let scale = max(y.map(abs).max() ?? 0, 1e-30)
    return diff / scale
}
