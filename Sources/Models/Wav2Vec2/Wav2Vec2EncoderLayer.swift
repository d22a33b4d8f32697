import NN
import TensorCore

/// Bidirectional multi-head self-attention with separate q/k/v projections (`Wav2Vec2Attention`;
/// keys `k_proj`, `v_proj`, `q_proj`, `out_proj`, D → D).
public final class Wav2Vec2Attention: Module {
    let attention: SelfAttention

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        let d = config.hiddenSize
        let (key, value, query, output) = (
            weights.linear(d, d), weights.linear(d, d), weights.linear(d, d), weights.linear(d, d)
        )
        attention = SelfAttention(
            query: query, key: key, value: value, output: output, heads: config.numAttentionHeads,
            dropout: config.attentionDropout)
        super.init()
        register(["k_proj": key, "v_proj": value, "q_proj": query, "out_proj": output])
    }

    public override var summaryDetail: String { "heads=\(attention.heads)" }

    /// `x [B, L, D]`, additive key mask `[B, 1, 1, L]` → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        try attention(x, mask: mask, training: isTraining)
    }
}

/// `output_dense(dropout(act(intermediate_dense(x))))`, D → I → D (`Wav2Vec2FeedForward`).
public final class Wav2Vec2FeedForward: Module {
    /// Dropout after the activation (`activation_dropout`).
    public let intermediateDropout: Dropout
    /// D → I.
    public let intermediateDense: Linear
    /// I → D.
    public let outputDense: Linear
    /// Dropout on the output (`hidden_dropout`).
    public let outputDropout: Dropout
    /// `hidden_act`.
    public let activation: Activation

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        intermediateDropout = Dropout(config.activationDropout, generator: weights.generator)
        intermediateDense = weights.linear(config.hiddenSize, config.intermediateSize)
        outputDense = weights.linear(config.intermediateSize, config.hiddenSize)
        outputDropout = Dropout(config.hiddenDropout, generator: weights.generator)
        activation = config.hiddenAct
        super.init()
        register([
            "intermediate_dropout": intermediateDropout, "intermediate_dense": intermediateDense,
            "output_dense": outputDense, "output_dropout": outputDropout,
        ])
    }

    /// `[B, L, D]` → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try outputDropout(outputDense(intermediateDropout(activation(intermediateDense(x)))))
    }
}

/// One transformer layer, post-norm (base, `Wav2Vec2EncoderLayer`) or pre-norm (stable,
/// `Wav2Vec2EncoderLayerStableLayerNorm`); both have the same parameters:
///
///     post-norm: h = LN₁(x + Attn(x));      out = LN₂(h + FFN(h))
///     pre-norm:  h = x + Attn(LN₁(x));      out = h + FFN(LN₂(h))
///
/// where LN₁ is `layer_norm` and LN₂ `final_layer_norm`.
public final class Wav2Vec2EncoderLayer: Module {
    /// Self-attention.
    public let attention: Wav2Vec2Attention
    /// Dropout on the attention output (`hidden_dropout`).
    public let dropout: Dropout
    /// LN₁ (`layer_norm`).
    public let layerNorm: LayerNorm
    /// The feed-forward block.
    public let feedForward: Wav2Vec2FeedForward
    /// LN₂ (`final_layer_norm`).
    public let finalLayerNorm: LayerNorm
    /// Pre-norm (stable) rather than post-norm.
    public let preNorm: Bool

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        attention = Wav2Vec2Attention(config: config, weights: weights)
        dropout = Dropout(config.hiddenDropout, generator: weights.generator)
        layerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        feedForward = Wav2Vec2FeedForward(config: config, weights: weights)
        finalLayerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        preNorm = config.doStableLayerNorm
        super.init()
        register([
            "attention": attention, "dropout": dropout, "layer_norm": layerNorm, "feed_forward": feedForward,
            "final_layer_norm": finalLayerNorm,
        ])
    }

    public override var typeName: String { preNorm ? "Wav2Vec2EncoderLayerStableLayerNorm" : "Wav2Vec2EncoderLayer" }

    /// `x [B, L, D]`, additive key mask `[B, 1, 1, L]` or nil → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        if preNorm {
            let h = try x + dropout(attention(layerNorm(x), mask: mask))
            return try h + feedForward(finalLayerNorm(h))
        }
        let h = try layerNorm(x + dropout(attention(x, mask: mask)))
        return try finalLayerNorm(h + feedForward(h))
    }
}
