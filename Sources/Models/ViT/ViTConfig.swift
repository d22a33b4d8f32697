/// A ViT configuration with Hugging Face's `config.json` field names and defaults
/// (MODELS.md §2; `ViTConfig` in transformers). Properties are the fields in lowerCamelCase
/// (`hidden_size` → ``hiddenSize``).
public struct ViTConfig: ModelConfig {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
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
    public var poolerAct = "tanh"
    /// Used only by masked-image modelling; kept so saved configs round-trip.
    public var encoderStride = 16
    /// The classes of `ViTForImageClassification` (`id2label` / `num_labels`).
    public var labels: ClassLabels?

    /// Hugging Face's defaults.
    public init() {}

    /// `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers", numAttentionHeads =
            "num_attention_heads"
        case intermediateSize = "intermediate_size", hiddenAct = "hidden_act", hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob", initializerRange = "initializer_range"
        case layerNormEps = "layer_norm_eps", imageSize = "image_size", patchSize = "patch_size"
        case numChannels = "num_channels", qkvBias = "qkv_bias", poolerOutputSize = "pooler_output_size"
        case poolerAct = "pooler_act", encoderStride = "encoder_stride"
    }

    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ViTConfig()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        hiddenDropoutProb = try c.value(.hiddenDropoutProb, or: d.hiddenDropoutProb)
        attentionProbsDropoutProb = try c.value(.attentionProbsDropoutProb, or: d.attentionProbsDropoutProb)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        imageSize = try c.value(.imageSize, or: d.imageSize)
        patchSize = try c.value(.patchSize, or: d.patchSize)
        numChannels = try c.value(.numChannels, or: d.numChannels)
        qkvBias = try c.value(.qkvBias, or: d.qkvBias)
        poolerOutputSize = try c.decodeIfPresent(Int.self, forKey: .poolerOutputSize)
        poolerAct = try c.value(.poolerAct, or: d.poolerAct)
        encoderStride = try c.value(.encoderStride, or: d.encoderStride)
        labels = try ClassLabels.decodeIfPresent(from: decoder)
        try checkTransformerShape(c, hidden: .hiddenSize, heads: .numAttentionHeads, hiddenSize, numAttentionHeads)
        try checkActivation(c, .hiddenAct, hiddenAct)
        try checkActivation(c, .poolerAct, poolerAct)
        guard patchSize > 0, imageSize % patchSize == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .patchSize, in: c,
                debugDescription: "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(hiddenDropoutProb, forKey: .hiddenDropoutProb)
        try c.encode(attentionProbsDropoutProb, forKey: .attentionProbsDropoutProb)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(imageSize, forKey: .imageSize)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(numChannels, forKey: .numChannels)
        try c.encode(qkvBias, forKey: .qkvBias)
        try c.encode(poolerOutputSize ?? hiddenSize, forKey: .poolerOutputSize)
        try c.encode(poolerAct, forKey: .poolerAct)
        try c.encode(encoderStride, forKey: .encoderStride)
        try labels?.encode(to: encoder)
    }
}
