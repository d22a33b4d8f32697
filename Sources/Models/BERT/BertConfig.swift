/// A BERT configuration with Hugging Face's `config.json` field names and defaults
/// (MODELS.md §5; `BertConfig` in transformers). UNITER reads the same fields. Properties are the
/// fields in lowerCamelCase (`hidden_size` → ``hiddenSize``).
public struct BertConfig: ModelConfig {
    public var vocabSize = 30522
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var hiddenDropoutProb = 0.1
    public var attentionProbsDropoutProb = 0.1
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    public var initializerRange = 0.02
    public var layerNormEps = 1e-12
    /// The `[PAD]` id: its embedding row starts at zero and receives no gradient.
    public var padTokenId: Int? = 0
    /// Dropout before the sequence classifier; nil means `hidden_dropout_prob`.
    public var classifierDropout: Double?
    /// The classes of `BertForSequenceClassification` (`id2label` / `num_labels`).
    public var labels: ClassLabels?

    /// Hugging Face's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob", attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case initializerRange = "initializer_range", layerNormEps = "layer_norm_eps", padTokenId = "pad_token_id"
        case classifierDropout = "classifier_dropout", positionEmbeddingType = "position_embedding_type"
        case isDecoder = "is_decoder"
    }

    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BertConfig()
        vocabSize = try c.value(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        hiddenDropoutProb = try c.value(.hiddenDropoutProb, or: d.hiddenDropoutProb)
        attentionProbsDropoutProb = try c.value(.attentionProbsDropoutProb, or: d.attentionProbsDropoutProb)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        typeVocabSize = try c.value(.typeVocabSize, or: d.typeVocabSize)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        padTokenId = c.contains(.padTokenId) ? try c.decodeIfPresent(Int.self, forKey: .padTokenId) : d.padTokenId
        classifierDropout = try c.decodeIfPresent(Double.self, forKey: .classifierDropout)
        labels = try ClassLabels.decodeIfPresent(from: decoder)
        try checkTransformerShape(c, hidden: .hiddenSize, heads: .numAttentionHeads, hiddenSize, numAttentionHeads)
        try checkActivation(c, .hiddenAct, hiddenAct)
        // Relative position embeddings and decoder (cross-attention) use add weights Ember lacks.
        if let kind = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType), kind != "absolute" {
            throw DecodingError.dataCorruptedError(
                forKey: .positionEmbeddingType, in: c,
                debugDescription: "only \"absolute\" is supported, got \"\(kind)\"")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .isDecoder) == true {
            throw DecodingError.dataCorruptedError(
                forKey: .isDecoder, in: c, debugDescription: "decoder BERT is not supported")
        }
        if let p = padTokenId, p < 0 || p >= vocabSize {
            throw DecodingError.dataCorruptedError(
                forKey: .padTokenId, in: c, debugDescription: "\(p) is outside the vocabulary of \(vocabSize)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(hiddenDropoutProb, forKey: .hiddenDropoutProb)
        try c.encode(attentionProbsDropoutProb, forKey: .attentionProbsDropoutProb)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(typeVocabSize, forKey: .typeVocabSize)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(classifierDropout, forKey: .classifierDropout)
        try c.encode("absolute", forKey: .positionEmbeddingType)
        try labels?.encode(to: encoder)
    }
}
