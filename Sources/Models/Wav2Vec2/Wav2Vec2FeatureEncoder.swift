import NN
import TensorCore

/// One convolution of the feature encoder: `conv → norm → activation`, `[B, C_in, T]` →
/// `[B, C_out, T']` with `T' = floor((T − k)/s) + 1` (no padding).
///
/// The norm is registered as `layer_norm` in every variant, as in the checkpoints — even when it
/// is a GroupNorm (`group` variant, first layer only), whose one group per channel normalises
/// each channel over time, per example, over the whole padded length.
public final class Wav2Vec2ConvLayer: Module {
    /// Which norm follows the convolution.
    public enum Norm: Sendable { case none, group, layer }

    /// The convolution (`conv`), no padding.
    public let conv: Conv1d
    /// The norm kind.
    public let norm: Norm
    /// The GroupNorm (`group`, layer 0) or the LayerNorm over channels (`layer`), else nil.
    public let layerNorm: Module?
    /// `feat_extract_activation`.
    public let activation: Activation

    init(config: Wav2Vec2Config, index j: Int, norm: Norm, weights: Wav2Vec2Init) {
        let inChannels = j == 0 ? 1 : config.convDim[j - 1], outChannels = config.convDim[j]
        conv = weights.convolution(
            inChannels, outChannels, kernel: config.convKernel[j], stride: config.convStride[j], bias: config.convBias)
        self.norm = norm
        // The convolution norms use PyTorch's default eps (1e-5) whatever layer_norm_eps says.
        switch norm {
        case .none: layerNorm = nil
        case .group: layerNorm = GroupNorm(groups: outChannels, channels: outChannels)
        case .layer: layerNorm = LayerNorm(outChannels)
        }
        activation = config.featExtractActivation
        super.init()
        register(child: "conv", conv)
        if let layerNorm { register(child: "layer_norm", layerNorm) }
    }

    public override var typeName: String {
        switch norm {
        case .none: return "Wav2Vec2NoLayerNormConvLayer"
        case .group: return "Wav2Vec2GroupNormConvLayer"
        case .layer: return "Wav2Vec2LayerNormConvLayer"
        }
    }

    /// `[B, C_in, T]` → `[B, C_out, T']`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try conv(x)
        switch layerNorm {
        case let gn as GroupNorm: h = try gn(h)
        case let ln as LayerNorm: h = try ln(h.transposed(1, 2)).transposed(1, 2)  // over channels per frame
        default: break
        }
        return try activation(h)
    }
}

/// The convolutional front end (`Wav2Vec2FeatureEncoder`): raw 16 kHz audio `[B, T]` → features
/// `[B, conv_dim[-1], T']`, one frame per 320 samples (20 ms) with the default strides.
public final class Wav2Vec2FeatureEncoder: Module {
    /// `conv_layers.{j}`, one per `conv_dim` entry.
    public let convLayers: ModuleList<Wav2Vec2ConvLayer>

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        convLayers = ModuleList(
            (0..<config.convDim.count).map { j in
                let norm: Wav2Vec2ConvLayer.Norm = config.featExtractNorm == .layer ? .layer : (j == 0 ? .group : .none)
                return Wav2Vec2ConvLayer(config: config, index: j, norm: norm, weights: weights)
            })
        super.init()
        register(child: "conv_layers", convLayers)
    }

    /// `inputValues [B, T]` → `[B, C, T']`.
    public func callAsFunction(_ inputValues: Tensor) throws -> Tensor {
        guard inputValues.rank == 2 else {
            throw ModelError.input("Wav2Vec2: input_values must be [batch, samples], got \(inputValues.shape)")
        }
        return try convLayers.items.reduce(inputValues.unsqueezed(at: 1)) { try $1($0) }
    }
}

/// LayerNorm then Linear from the last conv width C to the hidden size D
/// (`Wav2Vec2FeatureProjection`).
public final class Wav2Vec2FeatureProjection: Module {
    /// LayerNorm over the conv channels (eps `layer_norm_eps`).
    public let layerNorm: LayerNorm
    /// conv_dim[-1] → D.
    public let projection: Linear
    /// `feat_proj_dropout`.
    public let dropout: Dropout

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        let width = config.convDim.last!
        layerNorm = LayerNorm(width, eps: config.layerNormEps)
        // HF draws U(±1/√C) for both weight and bias: PyTorch's default Linear init.
        projection = Linear(width, config.hiddenSize, generator: weights.generator)
        dropout = Dropout(config.featProjDropout, generator: weights.generator)
        super.init()
        register(["layer_norm": layerNorm, "projection": projection, "dropout": dropout])
    }

    /// `features [B, T', C]` → (`hidden [B, T', D]`, `normed [B, T', C]`); the normed features are
    /// the model's `extract_features` output.
    public func callAsFunction(_ features: Tensor) throws -> (hidden: Tensor, normed: Tensor) {
        let normed = try layerNorm(features)
        return (try dropout(projection(normed)), normed)
    }
}
