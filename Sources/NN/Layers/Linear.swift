import TensorCore

/// y = x·Wᵀ + b (`nn.Linear`): weight `[out, in]`, bias `[out]`; input `[..., in]` → `[..., out]`.
public final class Linear: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let inFeatures: Int, outFeatures: Int

    /// PyTorch's default initialisation (uniform ±1/√in for weight and bias).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: RandomGenerator = .shared) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Initializer.pytorchDefault([outFeatures, inFeatures], fanIn: inFeatures, generator: generator)
        self.bias = bias ? Initializer.pytorchDefault([outFeatures], fanIn: inFeatures, generator: generator) : nil
        super.init()
        register(parameter: "weight", weight)
        if let b = self.bias { register(parameter: "bias", b) }
    }

    public override var summaryDetail: String { "in=\(inFeatures), out=\(outFeatures)\(bias == nil ? ", bias=false" : "")" }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight: weight, bias: bias) }
}

/// A lookup table of `count` vectors of `dimension` (`nn.Embedding`); ids are 0-based int64.
public final class Embedding: Module, Layer {
    public let weight: Tensor

    /// N(0, 1) initialisation, as PyTorch.
    public init(_ count: Int, _ dimension: Int, generator: RandomGenerator = .shared) {
        weight = Tensor.randn([count, dimension], generator: generator)
        super.init()
        register(parameter: "weight", weight)
    }

    public override var summaryDetail: String { "\(weight.shape[0]), \(weight.shape[1])" }

    public func callAsFunction(_ ids: Tensor) throws -> Tensor { try weight.embedding(ids) }
}
