import NN
import TensorCore

/// The weight-norm parametrisation of a convolution weight over `dim=2`
/// (`torch.nn.utils.parametrizations.weight_norm`): `original0` is the magnitude g `[1, 1, K]`,
/// `original1` the direction v `[O, I, K]`, and
///
///     W[o, i, t] = g[0, 0, t] · v[o, i, t] / √(Σ_{o,i} v[o, i, t]²)
///
/// — one norm per kernel tap, over output and input channels together. W is recomputed from
/// g and v at every call, so both receive gradients.
public final class Wav2Vec2WeightNorm: Module {
    /// g, `[1, 1, K]` (`original0`).
    public let magnitude: Tensor
    /// v, `[O, I, K]` (`original1`).
    public let direction: Tensor

    /// Starts as PyTorch does when weight norm wraps an existing weight: v = W, g = ‖W‖ per tap,
    /// so the effective weight is unchanged.
    init(weight: Tensor) throws {
        direction = weight
        magnitude = try noGrad { try weight.norm(axes: [0, 1], keepingAxes: true) }
        super.init()
        register(parameter: "original0", magnitude)
        register(parameter: "original1", direction)
    }

    public override var typeName: String { "_WeightNorm" }

    /// The effective weight `[O, I, K]`.
    public func weight() throws -> Tensor {
        try direction * (magnitude / direction.norm(axes: [0, 1], keepingAxes: true))
    }
}

/// The positional embedding of the encoder: a grouped, weight-normed convolution over time whose
/// output is added to the frames (`Wav2Vec2PositionalConvEmbedding`).
///
/// `pos = act(conv(h))` with kernel K, padding K/2 on both sides and G groups; for even K the
/// padded convolution is one frame too long and its **last** frame is dropped
/// (`Wav2Vec2SamePadLayer`). Parameters are named as `transformers` 5 saves them:
/// `conv.bias`, `conv.parametrizations.weight.original0` (g) and `….original1` (v).
public final class Wav2Vec2PositionalConvEmbedding: Module {
    /// The convolution bias `[D]` (`conv.bias`).
    public let bias: Tensor
    /// g and v of the weight (`conv.parametrizations.weight`).
    public let weightNorm: Wav2Vec2WeightNorm
    /// K and G.
    public let kernelSize: Int, groups: Int
    /// `feat_extract_activation`.
    public let activation: Activation

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        let d = config.hiddenSize
        kernelSize = config.numConvPosEmbeddings
        groups = config.numConvPosEmbeddingGroups
        activation = config.featExtractActivation
        // HF's normal init of this weight does not reach the parametrised tensor, so v keeps
        // PyTorch's default U(±1/√fan_in) and g its per-tap norm; the bias is set to 0.
        let (k, g) = (config.numConvPosEmbeddings, config.numConvPosEmbeddingGroups), shape = [d, d / g, k]
        let v = weights.tensor(shape) { Initializer.pytorchDefault(shape, fanIn: d / g * k, generator: $0) }
        weightNorm = try! Wav2Vec2WeightNorm(weight: v)  // a float tensor's norm cannot fail
        bias = Tensor.zeros([d])
        super.init()
        // Module tree conv → parametrizations → weight, so parameters carry the on-disk names.
        let conv = Wav2Vec2ParametrizedConv(summary: "\(d), \(d), kernel=\(kernelSize), groups=\(groups)")
        conv.register(parameter: "bias", bias)
        let parametrizations = Wav2Vec2ParametrizationList()
        parametrizations.register(child: "weight", weightNorm)
        conv.register(child: "parametrizations", parametrizations)
        register(child: "conv", conv)
    }

    /// `h [B, T, D]` → positional embedding `[B, T, D]`.
    public func callAsFunction(_ h: Tensor) throws -> Tensor {
        let frames = h.shape[1]
        var y = try h.transposed(1, 2).conv1d(
            weight: weightNorm.weight(), bias: bias, padding: kernelSize / 2, groups: groups)
        if kernelSize % 2 == 0 { y = try y.narrow(axis: 2, start: 0, length: frames) }  // [B, D, T]
        return try activation(y).transposed(1, 2)
    }
}

/// The `conv` node of the positional embedding (PyTorch's `ParametrizedConv1d`); holds the bias.
final class Wav2Vec2ParametrizedConv: Module {
    let summary: String
    init(summary: String) { self.summary = summary }
    override var typeName: String { "ParametrizedConv1d" }
    override var summaryDetail: String { summary }
}

/// The `parametrizations` node (PyTorch's `ModuleDict` of parametrisations).
final class Wav2Vec2ParametrizationList: Module {
    override var typeName: String { "ParametrizationList" }
}
