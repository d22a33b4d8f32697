import TensorCore

/// Layer normalisation over the trailing `normalizedShape` (`nn.LayerNorm`), weight 1, bias 0.
public final class LayerNorm: Module, Layer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let eps: Double

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, affine: Bool = true) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = affine ? Tensor.ones(normalizedShape) : nil
        bias = affine ? Tensor.zeros(normalizedShape) : nil
        super.init()
        if let weight { register(parameter: "weight", weight) }
        if let bias { register(parameter: "bias", bias) }
    }

    public convenience init(_ size: Int, eps: Double = 1e-5) { self.init([size], eps: eps) }

    public override var summaryDetail: String { "\(normalizedShape), eps=\(eps)" }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(normalizedShape, weight: weight, bias: bias, eps: eps)
    }
}

/// Group normalisation of `[N, C, ...]` (`nn.GroupNorm`), per-channel weight 1 and bias 0.
public final class GroupNorm: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor
    public let groups: Int
    public let eps: Double

    public init(groups: Int, channels: Int, eps: Double = 1e-5) {
        self.groups = groups
        self.eps = eps
        weight = Tensor.ones([channels])
        bias = Tensor.zeros([channels])
        super.init()
        register(parameter: "weight", weight)
        register(parameter: "bias", bias)
    }

    public override var summaryDetail: String { "\(groups), \(weight.shape[0]), eps=\(eps)" }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.groupNorm(groups: groups, weight: weight, bias: bias, eps: eps)
    }
}
