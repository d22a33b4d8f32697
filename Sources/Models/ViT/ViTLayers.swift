import NN
import TensorCore

/// Patch embedding, class token and position table (keys `embeddings.*`, MODELS.md §2).
final class ViTEmbeddings: Module {
    let clsToken: Tensor  // [1, 1, D]
    let positionEmbeddings: Tensor  // [1, N+1, D]
    let projection: Conv2d  // kernel = stride = P, with bias
    let dropout: Double

    init(_ config: ViTConfig) {
        let d = config.hiddenSize, p = config.patchSize
        clsToken = Tensor.zeros([1, 1, d])
        positionEmbeddings = Tensor.zeros([1, config.patchCount + 1, d])
        projection = Conv2d(config.numChannels, d, kernelSize: (p, p), options: Conv2DOptions(stride: (p, p)))
        dropout = config.hiddenDropoutProb
        super.init()
        register(parameter: "cls_token", clsToken)
        register(parameter: "position_embeddings", positionEmbeddings)
        register(child: "patch_embeddings", Scope("ViTPatchEmbeddings", ["projection": projection]))
    }

    /// `[B, C, S, S]` → `[B, N+1, D]`: patches flattened row-major, the class token in front,
    /// the position table added.
    func callAsFunction(_ images: Tensor) throws -> Tensor {
        let b = images.shape[0], d = clsToken.shape[2]
        let patches = try embedPatches(images, projection)  // [B, N, D]
        let tokens = try Tensor.cat([clsToken.expanded(to: [b, 1, d]), patches], axis: 1)  // [B, N+1, D]
        return try (tokens + positionEmbeddings).dropout(p: dropout, training: isTraining)
    }
}

/// One pre-norm encoder layer (keys `encoder.layer.{i}.*`): `x + O(Attn(LN_before(x)))`, then
/// `x + fc2(act(fc1(LN_after(x))))`.
final class ViTLayer: Module {
    let layernormBefore: LayerNorm, layernormAfter: LayerNorm
    let attention: SelfAttention
    let feedForward: FeedForward
    let hiddenDropout: Double

    init(_ config: ViTConfig) {
        let d = config.hiddenSize
        layernormBefore = LayerNorm(d, eps: config.layerNormEps)
        layernormAfter = LayerNorm(d, eps: config.layerNormEps)
        attention = SelfAttention(
            width: d, heads: config.numAttentionHeads, dropout: config.attentionProbsDropoutProb,
            qkvBias: config.qkvBias)
        feedForward = FeedForward(width: d, inner: config.intermediateSize, activation: config.hiddenAct)
        hiddenDropout = config.hiddenDropoutProb
        super.init()
        let selfAttention = Scope(
            "ViTSelfAttention", ["query": attention.query, "key": attention.key, "value": attention.value])
        register(
            child: "attention",
            Scope(
                "ViTAttention",
                ["attention": selfAttention, "output": Scope("ViTSelfOutput", ["dense": attention.output])]))
        register(child: "intermediate", Scope("ViTIntermediate", ["dense": feedForward.up]))
        register(child: "output", Scope("ViTOutput", ["dense": feedForward.down]))
        register(child: "layernorm_before", layernormBefore)
        register(child: "layernorm_after", layernormAfter)
    }

    /// `[B, L, D]` → `[B, L, D]`.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let a = try attention(layernormBefore(x), mask: nil, training: isTraining)
        let x1 = try x + a.dropout(p: hiddenDropout, training: isTraining)
        return try x1 + feedForward(layernormAfter(x1)).dropout(p: hiddenDropout, training: isTraining)
    }
}
