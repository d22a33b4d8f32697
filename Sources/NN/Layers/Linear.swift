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

    public override var summaryDetail: String {
        "in=\(inFeatures), out=\(outFeatures)\(bias == nil ? ", bias=false" : "")"
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight: weight, bias: bias) }
}

/// A lookup table of `count` vectors of `dimension` (`nn.Embedding`); ids are 0-based int64.
///
/// With a `paddingIndex` (PyTorch's `padding_idx`) that row starts at zero and receives no
/// gradient, so padding tokens never train it.
public final class Embedding: Module, Layer {
    public let weight: Tensor
    /// The id whose row stays zero and untrained, or nil.
    public let paddingIndex: Int?

    /// N(0, 1) initialisation, as PyTorch.
    public init(_ count: Int, _ dimension: Int, paddingIndex: Int? = nil, generator: RandomGenerator = .shared) {
        precondition(
            paddingIndex.map { (0..<count).contains($0) } ?? true, "Embedding: padding index outside 0..<\(count)")
        weight = Tensor.randn([count, dimension], generator: generator)
        self.paddingIndex = paddingIndex
        super.init()
        register(parameter: "weight", weight)
        if let paddingIndex {
            // The index is in range: checked above.
            noGrad { try! weight.select(axis: 0, index: paddingIndex).assign(Tensor.zeros([dimension])) }
        }
    }

    public override var summaryDetail: String {
        "\(weight.shape[0]), \(weight.shape[1])" + (paddingIndex.map { ", padding_idx=\($0)" } ?? "")
    }

    /// `ids` (int64, any shape) → `ids.shape + [dimension]`.
    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        let e = try weight.embedding(ids)
        guard let paddingIndex, e.requiresGrad else { return e }
        // Rows looked up at padding positions are cut from the graph: the same values, no gradient.
        let isPadding = try ids.eq(Double(paddingIndex)).unsqueezed(at: -1)
        return try Tensor.where(isPadding, e.detached(), e)
    }
}
