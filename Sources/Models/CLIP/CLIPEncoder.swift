import NN
import TensorCore

/// One pre-norm CLIP encoder layer (keys `encoder.layers.{i}.*`, the same in both towers):
/// `x + out_proj(Attn(layer_norm1(x)))`, then `x + fc2(act(fc1(layer_norm2(x))))`.
final class CLIPEncoderLayer: Module {
    let layerNorm1: LayerNorm, layerNorm2: LayerNorm
    let attention: SelfAttention
    let mlp: FeedForward

    init<C: CLIPTowerConfig>(_ config: C) {
        let d = config.hiddenSize
        layerNorm1 = LayerNorm(d, eps: config.layerNormEps)
        layerNorm2 = LayerNorm(d, eps: config.layerNormEps)
        attention = SelfAttention(width: d, heads: config.numAttentionHeads, dropout: config.attentionDropout)
        mlp = FeedForward(width: d, inner: config.intermediateSize, activation: config.hiddenAct)
        super.init()
        let projections: KeyValuePairs<String, Module> = [
            "k_proj": attention.key, "v_proj": attention.value, "q_proj": attention.query, "out_proj": attention.output,
        ]
        register(child: "self_attn", Scope("CLIPAttention", projections))
        register(child: "layer_norm1", layerNorm1)
        register(child: "mlp", Scope("CLIPMLP", ["fc1": mlp.up, "fc2": mlp.down]))
        register(child: "layer_norm2", layerNorm2)
    }

    /// `[B, L, D]` with an optional additive mask broadcasting to `[B, H, L, L]`.
    func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let x1 = try x + attention(layerNorm1(x), mask: mask, training: isTraining)
        return try x1 + mlp(layerNorm2(x1))
    }

    /// CLIP's scaled initialisation: q/k/v `D^-½·(2L)^-½`, out_proj `D^-½`, fc1 `(2D)^-½`,
    /// fc2 `D^-½·(2L)^-½` (each times `initializer_factor`); zero biases.
    func resetParameters<C: CLIPTowerConfig>(_ config: C) {
        let d = Double(config.hiddenSize), f = config.initializerFactor
        let inStd = 1 / d.squareRoot() / Double(2 * config.numHiddenLayers).squareRoot() * f
        for (linear, std) in [
            (attention.query, inStd), (attention.key, inStd), (attention.value, inStd),
            (attention.output, f / d.squareRoot()), (mlp.up, f / (2 * d).squareRoot()), (mlp.down, inStd),
        ] {
            setNormal(linear.weight, std: std)
            setZero(linear.bias!)
        }
    }
}
