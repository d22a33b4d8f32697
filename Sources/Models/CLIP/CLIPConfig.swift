import TensorCore

/// A CLIP configuration (`CLIPConfig`, MODELS.md §3): both towers plus the shared embedding
/// space. The projections use the top-level `projection_dim`.
public struct CLIPConfig: ModelConfig {
    public var textConfig = CLIPTextConfig()
    public var visionConfig = CLIPVisionConfig()
    public var projectionDim = 512
    /// The initial `logit_scale` (the log of the logits' temperature scale).
    public var logitScaleInitValue = 2.6592
    public var initializerFactor = 1.0
    /// Ember's third tower: the audio encoder's `config.json` object (`model_type` defaults to
    /// `wav2vec2`), or nil for plain CLIP. transformers ignores the field.
    public var audioConfig: [String: JSONValue]?

    /// Hugging Face's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case textConfig = "text_config", visionConfig = "vision_config", projectionDim = "projection_dim"
        case logitScaleInitValue = "logit_scale_init_value", initializerFactor = "initializer_factor"
        case audioConfig = "audio_config"
    }

    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPConfig()
        textConfig = try c.value(.textConfig, or: d.textConfig)
        visionConfig = try c.value(.visionConfig, or: d.visionConfig)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        logitScaleInitValue = try c.value(.logitScaleInitValue, or: d.logitScaleInitValue)
        initializerFactor = try c.value(.initializerFactor, or: d.initializerFactor)
        audioConfig = try c.decodeIfPresent([String: JSONValue].self, forKey: .audioConfig)
        guard projectionDim > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .projectionDim, in: c, debugDescription: "must be positive, got \(projectionDim)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(textConfig, forKey: .textConfig)
        try c.encode(visionConfig, forKey: .visionConfig)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(logitScaleInitValue, forKey: .logitScaleInitValue)
        try c.encode(initializerFactor, forKey: .initializerFactor)
        try c.encodeIfPresent(audioConfig, forKey: .audioConfig)
    }
}
