import NN
import TensorCore

/// One pre-norm CLIP encoder layer (keys `encoder.layers.{i}.*`, the same in both towers):
/// `x + out_proj(Attn(layer_norm1(x)))`, then `x + fc2(act(fc1(layer_norm2(x))))`.
final class CLIPEncoderLayer: Module {
    let layerNorm1: LayerNorm, layerNorm2: LayerNorm
    let qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    let fc1: Linear, fc2: Linear
    let activation: Activation
    let heads: Int
    let attentionDropout: Double

    init<C: CLIPTowerConfig>(_ config: C) throws {
        let d = config.hiddenSize
        layerNorm1 = LayerNorm(d, eps: config.layerNormEps)
        layerNorm2 = LayerNorm(d, eps: config.layerNormEps)
        qProj = Linear(d, d)
        kProj = Linear(d, d)
        vProj = Linear(d, d)
        outProj = Linear(d, d)
        fc1 = Linear(d, config.intermediateSize)
        fc2 = Linear(config.intermediateSize, d)
        activation = try Activation(config: config.hiddenAct)
        heads = config.numAttentionHeads
        attentionDropout = config.attentionDropout
        super.init()
        register(
            child: "self_attn",
            Scope("CLIPAttention", ["k_proj": kProj, "v_proj": vProj, "q_proj": qProj, "out_proj": outProj]))
        register(child: "layer_norm1", layerNorm1)
        register(child: "mlp", Scope("CLIPMLP", ["fc1": fc1, "fc2": fc2]))
        register(child: "layer_norm2", layerNorm2)
    }

    override var typeName: String { "CLIPEncoderLayer" }

    /// `[B, L, D]` with an optional additive mask broadcasting to `[B, H, L, L]`.
    func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let h = try layerNorm1(x)
        let a = try multiHeadAttention(
            query: qProj(h), key: kProj(h), value: vProj(h), heads: heads, mask: mask,
            dropout: attentionDropout, training: isTraining)
        let x1 = try x + outProj(a)
        return try x1 + fc2(activation(fc1(layerNorm2(x1))))
    }

    /// CLIP's scaled initialisation: q/k/v `D^-½·(2L)^-½`, out_proj `D^-½`, fc1 `(2D)^-½`,
    /// fc2 `D^-½·(2L)^-½` (each times `initializer_factor`); zero biases.
    func resetParameters<C: CLIPTowerConfig>(_ config: C) {
        let d = Double(config.hiddenSize), f = config.initializerFactor
        let inStd = 1 / d.squareRoot() / Double(2 * config.numHiddenLayers).squareRoot() * f
        for (linear, std) in [
            (qProj, inStd), (kProj, inStd), (vProj, inStd), (outProj, f / d.squareRoot()),
            (fc1, f / (2 * d).squareRoot()), (fc2, inStd),
        ] {
            setNormal(linear.weight, std: std)
            setZero(linear.bias!)
        }
    }
}

/// Runs the layers in order, recording each layer's input (and the last output).
func runCLIPLayers(_ layers: ModuleList<CLIPEncoderLayer>, _ x: Tensor, mask: Tensor?, hiddenStates: inout HiddenStates)
    throws -> Tensor
{
    var h = x
    for layer in layers.items {
        hiddenStates.append(h)
        h = try layer(h, mask: mask)
    }
    hiddenStates.append(h)
    return h
}
