import NN
import TensorCore

/// The transformer encoder over projected frames (`Wav2Vec2Encoder` and
/// `Wav2Vec2EncoderStableLayerNorm`).
///
/// 1. With a frame mask, padded frames are zeroed (before the positional convolution).
/// 2. `h = h + pos_conv_embed(h)`.
/// 3. Post-norm (base): `h = layer_norm(h)`, then the layers.
///    Pre-norm (stable): the layers, then `layer_norm` on the last output.
///
/// Attention never looks at padded frames (an additive key mask). In training, dropout applies
/// and each layer is skipped with probability `layerdrop`.
public final class Wav2Vec2Encoder: Module {
    /// `pos_conv_embed`.
    public let posConvEmbed: Wav2Vec2PositionalConvEmbedding
    /// `layer_norm`: before the layers (post-norm) or after them (pre-norm).
    public let layerNorm: LayerNorm
    /// Dropout on the embedded frames (`hidden_dropout`).
    public let dropout: Dropout
    /// `layers.{i}`.
    public let layers: ModuleList<Wav2Vec2EncoderLayer>
    /// The stable (pre-norm) variant.
    public let preNorm: Bool
    /// Probability of skipping a layer in training.
    public let layerdrop: Double
    let generator: RandomGenerator

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        posConvEmbed = Wav2Vec2PositionalConvEmbedding(config: config, weights: weights)
        layerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(config.hiddenDropout, generator: weights.generator)
        layers = ModuleList(
            (0..<config.numHiddenLayers).map { _ in Wav2Vec2EncoderLayer(config: config, weights: weights) })
        preNorm = config.doStableLayerNorm
        layerdrop = config.layerdrop
        generator = weights.generator
        super.init()
        register(["pos_conv_embed": posConvEmbed, "layer_norm": layerNorm, "dropout": dropout, "layers": layers])
    }

    public override var typeName: String { preNorm ? "Wav2Vec2EncoderStableLayerNorm" : "Wav2Vec2Encoder" }

    /// Encodes `h [B, T, D]`.
    /// - Parameters:
    ///   - frameMask: bool `[B, T]`, true for real frames; nil when nothing is padded.
    ///   - outputHiddenStates: also return the input of the first layer and every layer's output
    ///     (`transformers`' `hidden_states`; in the pre-norm variant the last one is taken before
    ///     the final `layer_norm`, as in 5.x).
    /// - Returns: `lastHiddenState [B, T, D]` and the hidden states (empty unless asked).
    public func callAsFunction(_ h: Tensor, frameMask: Tensor?, outputHiddenStates: Bool = false) throws -> (
        lastHiddenState: Tensor, hiddenStates: [Tensor]
    ) {
        var x = h
        var keyMask: Tensor?
        if let frameMask {
            x = try Tensor.where(frameMask.unsqueezed(at: 2), x, Tensor.zeros([], dtype: x.dtype))
            keyMask = try additiveMask(from: frameMask)  // [B, 1, 1, T]
        }
        x = try x + posConvEmbed(x)
        if !preNorm { x = try layerNorm(x) }
        x = try dropout(x)
        var states = outputHiddenStates ? [x] : []
        for layer in layers.items {
            // LayerDrop: a skipped layer passes its input through unchanged.
            if !(isTraining && layerdrop > 0 && generator.uniform() < layerdrop) {
                x = try layer(x, mask: keyMask)
            }
            if outputHiddenStates { states.append(x) }
        }
        if preNorm { x = try layerNorm(x) }
        return (x, states)
    }
}
