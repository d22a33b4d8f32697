import NN
import TensorCore

/// A BERT configuration with Hugging Face's `config.json` field names and defaults
/// (MODELS.md §5; `BertConfig` in transformers). UNITER reads the same fields. Properties are the
/// fields in lowerCamelCase (`vocab_size` → ``vocabSize``); reading and writing are
/// ``ModelConfig``'s.
public struct BertConfig: EncoderConfig {
    public var vocabSize = 30522
    /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps`, `initializer_range`.
    public var encoder = EncoderFields()
    public var hiddenDropoutProb = 0.1
    public var attentionProbsDropoutProb = 0.1
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    /// The `[PAD]` id: its embedding row starts at zero and receives no gradient.
    public var padTokenId: Int? = 0
    /// Dropout before the sequence classifier; nil means `hidden_dropout_prob`.
    public var classifierDropout: Double?
    /// Only `"absolute"`: relative position embeddings need weights Ember lacks.
    public var positionEmbeddingType = "absolute"
    /// Only false: a decoder BERT (cross-attention) needs weights Ember lacks.
    public var isDecoder = false
    /// The classes of `BertForSequenceClassification` (`id2label` / `num_labels`).
    public var labels: ClassLabels?
    /// The fields BERT does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", encoder
        case hiddenDropoutProb = "hidden_dropout_prob", attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case padTokenId = "pad_token_id"
        case classifierDropout = "classifier_dropout", positionEmbeddingType = "position_embedding_type"
        case isDecoder = "is_decoder", labels, extra
    }

    public func validate() throws {
        try ConfigLimits.tableRows.check(
            ("vocab_size", vocabSize), ("max_position_embeddings", maxPositionEmbeddings),
            ("type_vocab_size", typeVocabSize))
        guard positionEmbeddingType == "absolute" else {
            throw ConfigIssue(
                "position_embedding_type", "only \"absolute\" is supported, got \"\(positionEmbeddingType)\"")
        }
        guard !isDecoder else { throw ConfigIssue("is_decoder", "decoder BERT is not supported") }
        if let p = padTokenId, p < 0 || p >= vocabSize {
            throw ConfigIssue("pad_token_id", "\(p) is outside the vocabulary of \(vocabSize)")
        }
    }

    public var parameterCount: Double {
        let d = Double(encoder.hiddenSize)
        let embeddings = Double(vocabSize + maxPositionEmbeddings + typeVocabSize + 2) * d
        return embeddings + encoder.parameterCount + d * (d + 1) + Double(labels?.count ?? 2) * (d + 1)
    }
}
