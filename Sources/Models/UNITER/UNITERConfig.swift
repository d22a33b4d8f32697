import TensorCore

/// A UNITER configuration (MODELS.md §6): the BERT fields of UNITER's `uniter-base.json` (or of
/// any BERT `config.json`, to start UNITER from a BERT checkpoint) plus the region-feature width,
/// all at the top level of the file; reading and writing are ``ModelConfig``'s.
///
/// UNITER's own configs carry no `layer_norm_eps`; the BERT default 1e-12 is UNITER's fixed value.
public struct UNITERConfig: ModelConfig {
    /// The text backbone: vocabulary, sizes, dropouts; `labels` sets the classification head.
    public var bert = BertConfig()
    /// The width of a region feature (`IMG_DIM`, 2048 for BUTD Faster R-CNN features).
    public var imgDim = 2048
    /// Ember's audio tokens: the audio encoder's configuration, or nil for image–text UNITER.
    public var audioConfig: Wav2Vec2Config?
    /// The fields neither UNITER nor BERT reads, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case bert, imgDim = "img_dim", audioConfig = "audio_config", extra
    }

    public static var nestedConfigs: [String: any ModelConfig.Type] { ["audio_config": Wav2Vec2Config.self] }
    public static var flattenedConfigs: [String: any ModelConfig.Type] { ["bert": BertConfig.self] }

    public func validate() throws {
        try ConfigLimits.width.check(("img_dim", imgDim))
    }

    public var parameterCount: Double {
        let d = Double(bert.hiddenSize)
        let regions = Double(imgDim + 8 + 6) * d + 2 * d * d
        return bert.parameterCount + regions + (audioConfig?.parameterCount ?? 0)
    }
}
