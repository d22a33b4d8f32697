import NN
import TensorCore

/// CLIP's vision tower (keys `vision_model.*`): bias-free patch embedding with a class token,
/// `pre_layrnorm` (sic), pre-norm encoder, and `post_layernorm` on the class token as the pooled
/// output. The sequence itself gets no final norm.
final class CLIPVisionTransformer: Module {
    let config: CLIPVisionConfig
    let classEmbedding: Tensor  // [D]
    let patchEmbedding: Conv2d
    let positionEmbedding: Embedding  // [N+1, D]
    let preLayerNorm: LayerNorm, postLayerNorm: LayerNorm
    let layers: ModuleList<CLIPEncoderLayer>

    init(_ config: CLIPVisionConfig) {
        self.config = config
        let d = config.hiddenSize, p = config.patchSize
        classEmbedding = Tensor.zeros([d])
        patchEmbedding = Conv2d(
            config.numChannels, d, kernelSize: (p, p), options: Conv2DOptions(stride: (p, p)), bias: false)
        positionEmbedding = Embedding(config.patchCount + 1, d)
        preLayerNorm = LayerNorm(d, eps: config.layerNormEps)
        postLayerNorm = LayerNorm(d, eps: config.layerNormEps)
        layers = ModuleList((0..<config.numHiddenLayers).map { _ in CLIPEncoderLayer(config) })
        super.init()
        let embeddings = Scope(
            "CLIPVisionEmbeddings", ["patch_embedding": patchEmbedding, "position_embedding": positionEmbedding])
        embeddings.register(parameter: "class_embedding", classEmbedding)
        register(child: "embeddings", embeddings)
        register(child: "pre_layrnorm", preLayerNorm)
        register(child: "encoder", Scope("CLIPEncoder", ["layers": layers]))
        register(child: "post_layernorm", postLayerNorm)
    }

    /// CLIP's initialisation of the tower: class embedding N(0, D⁻¹·factor²), patch and position
    /// embeddings N(0, (initializer_range·factor)²), scaled layers.
    func resetParameters() {
        let (d, f) = (config.hiddenSize, config.initializerFactor)
        setNormal(classEmbedding, std: f / Double(d).squareRoot())
        setNormal(patchEmbedding.weight, std: config.initializerRange * f)
        setNormal(positionEmbedding.weight, std: config.initializerRange * f)
        for layer in layers.items { layer.resetParameters(config) }
    }

    override var summaryDetail: String {
        "\(config.imageSize)px/\(config.patchSize), \(encoderShape(width: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads))"
    }

    /// Images `[N, C, S, S]` → `last_hidden_state` `[N, P+1, D]` and the pooled `[N, D]`.
    func callAsFunction(_ images: Tensor, hiddenStates: inout HiddenStates) throws -> (Tensor, Tensor) {
        let (n, d) = (images.shape[0], config.hiddenSize)
        let patches = try embedPatches(images, patchEmbedding)  // [N, P, D]
        let cls = try classEmbedding.reshaped([1, 1, d]).expanded(to: [n, 1, d])
        let tokens = try Tensor.cat([cls, patches], axis: 1) + positionEmbedding.weight  // [N, P+1, D]
        let last = try runLayers(layers, preLayerNorm(tokens), hiddenStates: &hiddenStates) { try $0($1, mask: nil) }
        return (last, try postLayerNorm(last.select(axis: 1, index: 0)))
    }
}
