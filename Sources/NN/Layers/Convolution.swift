import TensorCore

/// 1-D convolution (`nn.Conv1d`): `[N, C, L]` → `[N, O, Lout]`, weight `[O, C/groups, K]`.
public final class Conv1d: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: RandomGenerator = .shared
    ) {
        let fanIn = inChannels / max(groups, 1) * kernelSize
        weight = Initializer.pytorchDefault(
            [outChannels, inChannels / max(groups, 1), kernelSize], fanIn: fanIn, generator: generator)
        self.bias = bias ? Initializer.pytorchDefault([outChannels], fanIn: fanIn, generator: generator) : nil
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        super.init()
        register(parameter: "weight", weight)
        if let b = self.bias { register(parameter: "bias", b) }
    }

    public override var summaryDetail: String {
        "\(weight.shape[1] * groups), \(weight.shape[0]), kernel=\(weight.shape[2]), stride=\(stride)"
            + (groups > 1 ? ", groups=\(groups)" : "")
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 2-D convolution (`nn.Conv2d`): `[N, C, H, W]` → `[N, O, Hout, Wout]`, weight `[O, C/groups, kh, kw]`.
public final class Conv2d: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let options: Conv2DOptions

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), options: Conv2DOptions = Conv2DOptions(),
        bias: Bool = true, generator: RandomGenerator = .shared
    ) {
        let fanIn = inChannels / max(options.groups, 1) * kernelSize.0 * kernelSize.1
        weight = Initializer.pytorchDefault(
            [outChannels, inChannels / max(options.groups, 1), kernelSize.0, kernelSize.1],
            fanIn: fanIn, generator: generator)
        self.bias = bias ? Initializer.pytorchDefault([outChannels], fanIn: fanIn, generator: generator) : nil
        self.options = options
        super.init()
        register(parameter: "weight", weight)
        if let b = self.bias { register(parameter: "bias", b) }
    }

    public override var summaryDetail: String {
        "\(weight.shape[1] * options.groups), \(weight.shape[0]), kernel=\(weight.shape[2])×\(weight.shape[3]), stride=\(options.stride.0)×\(options.stride.1)"
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, options: options)
    }
}
