import NN
import TensorCore

/// Bidirectional multi-head self-attention with separate q/k/v projections (`Wav2Vec2Attention`).
public final class Wav2Vec2Attention: Module {
    /// The `q_proj`, `k_proj`, `v_proj` and `out_proj` Linears (D → D).
    public let qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    /// Number of heads.
    public let heads: Int
    /// Dropout on the attention probabilities (`attention_dropout`).
    public let dropout: Double

    init(config: Wav2Vec2Config, weights: Wav2Vec2Init) {
        let d = config.hiddenSize
        kProj = weights.linear(d, d)
        vProj = weights.linear(d, d)
        qProj = weights.linear(d, d)
        outProj = weights.linear(d, d)
        heads = config.numAttentionHeads
        dropout = config.attentionDropout
        super.init()
        register(child: "k_proj", kProj)
        register(child: "v_proj", vProj)
        register(child: "q_proj", qProj)
        register(child: "out_proj", outProj)
    }

    public override var summaryDetail: String { "heads=\(heads)" }

    /// `x [B, L, D]`, additive key mask `[B, 1, 1, L]` → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let q = try splitHeads(qProj(x), heads: heads)  // [B, H, L, dh]
        let k = try splitHeads(kProj(x), heads: heads)
        let v = try splitHeads(vProj(x), heads: heads)
        let o = try scaledDotProductAttention(
            query: q, key: k, value: v, mask: mask, dropout: dropout, training: isTraining)
        return try outProj(mergeHeads(o))
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
        register(child: "intermediate_dropout", intermediateDropout)
        register(child: "intermediate_dense", intermediateDense)
        register(child: "output_dense", outputDense)
        register(child: "output_dropout", outputDropout)
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
        register(child: "attention", attention)
        register(child: "dropout", dropout)
        register(child: "layer_norm", layerNorm)
        register(child: "feed_forward", feedForward)
        register(child: "final_layer_norm", finalLayerNorm)
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
