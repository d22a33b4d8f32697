import TensorCore

/// A CLIP configuration (`CLIPConfig`, MODELS.md §3): both towers plus the shared embedding
/// space. The projections use the top-level `projection_dim`. Reading and writing are
/// ``ModelConfig``'s; the towers' configurations are nested (`text_config`, `vision_config`).
public struct CLIPConfig: ModelConfig {
    public var textConfig = CLIPTextConfig()
    public var visionConfig = CLIPVisionConfig()
    public var projectionDim = 512
    /// The initial `logit_scale` (the log of the logits' temperature scale).
    public var logitScaleInitValue = 2.6592
    public var initializerFactor = 1.0
    /// Ember's third tower: the audio encoder's configuration, or nil for plain CLIP.
    /// transformers ignores the field.
    public var audioConfig: Wav2Vec2Config?
    /// The fields CLIP does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case textConfig = "text_config", visionConfig = "vision_config", projectionDim = "projection_dim"
        case logitScaleInitValue = "logit_scale_init_value", initializerFactor = "initializer_factor"
        case audioConfig = "audio_config", extra
    }

    public static var nestedConfigs: [String: any ModelConfig.Type] {
        [
            "text_config": CLIPTextConfig.self, "vision_config": CLIPVisionConfig.self,
            "audio_config": Wav2Vec2Config.self,
        ]
    }

    public func validate() throws {
        try ConfigLimits.width.check(("projection_dim", projectionDim))
    }

    public var parameterCount: Double {
        let projections = Double(projectionDim * (textConfig.hiddenSize + visionConfig.hiddenSize))
        let audio = audioConfig.map { $0.parameterCount + Double(projectionDim * $0.hiddenSize) } ?? 0
        return textConfig.parameterCount + visionConfig.parameterCount + projections + audio
    }
}
