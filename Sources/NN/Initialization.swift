import TensorCore

/// Weight initialisation schemes, drawing from an explicit generator.
public enum Initializer {
    /// PyTorch's default for Linear/Conv weights: kaiming_uniform with a = √5, i.e.
    /// U(−1/√fan_in, 1/√fan_in); the same bound is PyTorch's default for their biases.
    public static func pytorchDefault(_ shape: [Int], fanIn: Int, generator: RandomGenerator = .shared) -> Tensor {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        return Tensor.uniform(shape, low: -bound, high: bound, generator: generator)
    }

    /// N(0, std²) — Hugging Face's `initializer_range` init for Linear and Embedding weights.
    public static func normal(_ shape: [Int], std: Double, generator: RandomGenerator = .shared) -> Tensor {
        Tensor.normal(shape, mean: 0, std: std, generator: generator)
    }
}
