import TensorCore

/// A UNITER configuration (MODELS.md §6): the BERT fields of UNITER's `uniter-base.json` (or of
/// any BERT `config.json`, to start UNITER from a BERT checkpoint) plus the region-feature width.
///
/// UNITER's own configs carry no `layer_norm_eps`; the BERT default 1e-12 is UNITER's fixed value.
public struct UNITERConfig: ModelConfig {
    /// The text backbone: vocabulary, sizes, dropouts; `labels` sets the classification head.
    public var bert = BertConfig()
    /// The width of a region feature (`IMG_DIM`, 2048 for BUTD Faster R-CNN features).
    public var imgDim = 2048
    /// Ember's audio tokens: the audio encoder's `config.json` object (`model_type` defaults to
    /// `wav2vec2`), or nil for image–text UNITER.
    public var audioConfig: [String: JSONValue]?

    /// Hugging Face's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case imgDim = "img_dim", audioConfig = "audio_config"
    }

    public static var fieldNames: Set<String> { BertConfig.fieldNames.union(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        bert = try BertConfig(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imgDim = try c.value(.imgDim, or: 2048)
        audioConfig = try c.decodeIfPresent([String: JSONValue].self, forKey: .audioConfig)
        guard imgDim > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .imgDim, in: c, debugDescription: "must be positive, got \(imgDim)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        try bert.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(imgDim, forKey: .imgDim)
        try c.encodeIfPresent(audioConfig, forKey: .audioConfig)
    }
}
