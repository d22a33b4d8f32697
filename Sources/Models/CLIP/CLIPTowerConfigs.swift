import NN

/// The fields both CLIP towers share (they build the same encoder layers).
protocol CLIPTowerConfig: ModelConfig {
    var hiddenSize: Int { get }
    var intermediateSize: Int { get }
    var numHiddenLayers: Int { get }
    var numAttentionHeads: Int { get }
    var hiddenAct: Activation { get }
    var layerNormEps: Double { get }
    var attentionDropout: Double { get }
    var initializerRange: Double { get }
    var initializerFactor: Double { get }
}

extension CLIPTowerConfig {
    /// The encoder's checks, and its parameters with the final norm.
    func validateEncoder() throws {
        try checkEncoder(
            hiddenSize: hiddenSize, intermediateSize: intermediateSize, layers: numHiddenLayers,
            heads: numAttentionHeads)
    }

    var encoderParameterCount: Double {
        encoderParameters(hiddenSize: hiddenSize, intermediateSize: intermediateSize, layers: numHiddenLayers)
            + Double(4 * hiddenSize)
    }
}

/// CLIP's text tower configuration (`text_config`, or a `clip_text_model` config.json), with
/// Hugging Face's field names and defaults (MODELS.md §3); properties are the fields in
/// lowerCamelCase.
public struct CLIPTextConfig: CLIPTowerConfig {
    public var vocabSize = 49408
    public var hiddenSize = 512
    public var intermediateSize = 2048
    /// Used only by `CLIPTextModelWithProjection`; kept so configs round-trip.
    public var projectionDim = 512
    public var numHiddenLayers = 12
    public var numAttentionHeads = 8
    public var maxPositionEmbeddings = 77
    public var hiddenAct = Activation.quickGelu
    public var layerNormEps = 1e-5
    public var attentionDropout = 0.0
    public var initializerRange = 0.02
    public var initializerFactor = 1.0
    public var padTokenId = 1
    public var bosTokenId = 49406
    /// The pooling token; `2` selects the legacy rule (pool at the largest id), see ``CLIPTextModel``.
    public var eosTokenId = 49407
    /// The fields the text tower does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public static var modelType: String? { "clip_text_model" }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range", initializerFactor = "initializer_factor"
        case padTokenId = "pad_token_id", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id", extra
    }

    public func validate() throws {
        try validateEncoder()
        try ConfigLimits.tableRows.check(
            ("vocab_size", vocabSize), ("max_position_embeddings", maxPositionEmbeddings))
    }

    public var parameterCount: Double {
        encoderParameterCount + Double((vocabSize + maxPositionEmbeddings) * hiddenSize)
    }
}

/// CLIP's vision tower configuration (`vision_config`, or a `clip_vision_model` config.json).
public struct CLIPVisionConfig: CLIPTowerConfig {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    /// Used only by `CLIPVisionModelWithProjection`; kept so configs round-trip.
    public var projectionDim = 512
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var numChannels = 3
    public var imageSize = 224
    public var patchSize = 32
    public var hiddenAct = Activation.quickGelu
    public var layerNormEps = 1e-5
    public var attentionDropout = 0.0
    public var initializerRange = 0.02
    public var initializerFactor = 1.0
    /// The fields the vision tower does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public static var modelType: String? { "clip_vision_model" }

    /// `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels", imageSize = "image_size", patchSize = "patch_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", attentionDropout = "attention_dropout"
        case initializerRange = "initializer_range", initializerFactor = "initializer_factor", extra
    }

    public func validate() throws {
        try validateEncoder()
        try ConfigLimits.pixels.check(
            ("image_size", imageSize), ("patch_size", patchSize), ("num_channels", numChannels))
        guard imageSize % patchSize == 0 else {
            throw ConfigIssue("patch_size", "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public var parameterCount: Double {
        let patch = Double(numChannels * patchSize * patchSize)
        return encoderParameterCount + (patch + Double(patchCount + 2)) * Double(hiddenSize)
    }
}
