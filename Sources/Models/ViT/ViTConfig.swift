import NN

/// A ViT configuration with Hugging Face's `config.json` field names and defaults
/// (MODELS.md §2; `ViTConfig` in transformers). Properties are the fields in lowerCamelCase
/// (`hidden_size` → ``hiddenSize``); reading and writing are ``ModelConfig``'s.
public struct ViTConfig: ModelConfig {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = Activation.gelu
    public var hiddenDropoutProb = 0.0
    public var attentionProbsDropoutProb = 0.0
    public var initializerRange = 0.02
    public var layerNormEps = 1e-12
    public var imageSize = 224
    public var patchSize = 16
    public var numChannels = 3
    public var qkvBias = true
    /// The pooler's output width; nil means `hidden_size`.
    public var poolerOutputSize: Int?
    public var poolerAct = Activation.tanh
    /// Used only by masked-image modelling; kept so saved configs round-trip.
    public var encoderStride = 16
    /// The classes of `ViTForImageClassification` (`id2label` / `num_labels`).
    public var labels: ClassLabels?
    /// The fields ViT does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    /// `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob", initializerRange = "initializer_range"
        case layerNormEps = "layer_norm_eps", imageSize = "image_size", patchSize = "patch_size"
        case numChannels = "num_channels", qkvBias = "qkv_bias", poolerOutputSize = "pooler_output_size"
        case poolerAct = "pooler_act", encoderStride = "encoder_stride", labels, extra
    }

    public func validate() throws {
        try checkEncoder(
            hiddenSize: hiddenSize, intermediateSize: intermediateSize, layers: numHiddenLayers,
            heads: numAttentionHeads)
        try ConfigLimits.pixels.check(
            ("image_size", imageSize), ("patch_size", patchSize), ("num_channels", numChannels))
        try ConfigLimits.width.check(("pooler_output_size", poolerOutputSize ?? hiddenSize))
        guard imageSize % patchSize == 0 else {
            throw ConfigIssue("patch_size", "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public var parameterCount: Double {
        let d = Double(hiddenSize), p = Double(patchSize)
        let embeddings = (Double(numChannels) * p * p + 1 + Double(patchCount + 1)) * d
        let pooler = Double(poolerOutputSize ?? hiddenSize) * (d + 1)
        let head = Double(labels?.count ?? 2) * (d + 1)
        return embeddings
            + encoderParameters(
                hiddenSize: hiddenSize, intermediateSize: intermediateSize, layers: numHiddenLayers) + 2 * d + pooler
            + head
    }
}
