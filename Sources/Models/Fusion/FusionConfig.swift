import TensorCore

/// The configuration of Ember's ViT + audio classifier (`model_type` `ember-fusion`), as
/// `nn.Fusion{vision=, audio=, num_labels=, fusion=}` takes it and `config.json` stores it.
public struct FusionConfig: ModelConfig {
    /// How the two pooled embeddings are combined.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// `classifier([v ; a])`.
        case concat
        /// Each modality's pooled embedding attends to the other's frames (one cross-attention
        /// block per direction), then `classifier([v' ; a'])`.
        case attention
    }

    /// The vision tower (a ViT without pooler).
    public var vision = ViTConfig()
    /// The audio tower's `config.json` object; `model_type` defaults to `wav2vec2`.
    public var audio: [String: JSONValue] = ["model_type": .string("wav2vec2")]
    public var labels = ClassLabels(count: 2)
    public var fusion = Mode.concat
    /// The common width of the attention block; nil means the vision hidden size.
    public var fusionHiddenSize: Int?
    /// Heads of each cross-attention block.
    public var fusionHeads = 4
    /// Dropout on the fused vector before the classifier.
    public var classifierDropout = 0.1
    public var initializerRange = 0.02

    /// Hugging Face's defaults.
    public init() {}

    /// The width of the attention block.
    public var fusionWidth: Int { fusionHiddenSize ?? vision.hiddenSize }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vision, audio, fusion, fusionHiddenSize = "fusion_hidden_size", fusionHeads = "fusion_heads"
        case classifierDropout = "classifier_dropout", initializerRange = "initializer_range"
    }

    public static var fieldNames: Set<String> {
        Set(CodingKeys.allCases.map(\.rawValue)).union(["num_labels", "id2label", "label2id"])
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FusionConfig()
        vision = try c.decode(ViTConfig.self, forKey: .vision)
        audio = try c.decode([String: JSONValue].self, forKey: .audio)
        labels = try ClassLabels(from: decoder)
        fusion = try c.value(.fusion, or: d.fusion)
        fusionHiddenSize = try c.decodeIfPresent(Int.self, forKey: .fusionHiddenSize)
        fusionHeads = try c.value(.fusionHeads, or: d.fusionHeads)
        classifierDropout = try c.value(.classifierDropout, or: d.classifierDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        guard fusionHeads > 0, fusionWidth > 0, fusionWidth % fusionHeads == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .fusionHeads, in: c,
                debugDescription: "the fusion width \(fusionWidth) is not a multiple of \(fusionHeads) heads")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vision, forKey: .vision)
        try c.encode(audio, forKey: .audio)
        try c.encode(fusion, forKey: .fusion)
        try c.encodeIfPresent(fusionHiddenSize, forKey: .fusionHiddenSize)
        try c.encode(fusionHeads, forKey: .fusionHeads)
        try c.encode(classifierDropout, forKey: .classifierDropout)
        try c.encode(initializerRange, forKey: .initializerRange)
        try labels.encode(to: encoder)
    }
}
