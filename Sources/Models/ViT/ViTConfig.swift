import NN
import TensorCore

/// A ViT configuration with Hugging Face's `config.json` field names and defaults
/// (MODELS.md §2; `ViTConfig` in transformers). Properties are the fields in lowerCamelCase
/// (`image_size` → ``imageSize``); reading and writing are ``ModelConfig``'s.
public struct ViTConfig: EncoderConfig {
    /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps`, `initializer_range`.
    public var encoder = EncoderFields()
    public var hiddenDropoutProb = 0.0
    public var attentionProbsDropoutProb = 0.0
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
        case encoder, hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case imageSize = "image_size", patchSize = "patch_size"
        case numChannels = "num_channels", qkvBias = "qkv_bias", poolerOutputSize = "pooler_output_size"
        case poolerAct = "pooler_act", encoderStride = "encoder_stride", labels, extra
    }

    public func validate() throws {
        try ConfigLimits.pixels.check(
            ("image_size", imageSize), ("patch_size", patchSize), ("num_channels", numChannels))
        try ConfigLimits.width.check(("pooler_output_size", poolerOutputSize ?? encoder.hiddenSize))
        guard imageSize % patchSize == 0 else {
            throw ConfigIssue("patch_size", "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public var parameterCount: Double {
        let d = Double(encoder.hiddenSize), p = Double(patchSize)
        let embeddings = (Double(numChannels) * p * p + 1 + Double(patchCount + 1)) * d
        let pooler = Double(poolerOutputSize ?? encoder.hiddenSize) * (d + 1)
        let head = Double(labels?.count ?? 2) * (d + 1)
        return embeddings + encoder.parameterCount + 2 * d + pooler + head
    }
}
