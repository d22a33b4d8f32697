import NN
import TensorCore

/// What both CLIP towers' configurations have (they build the same encoder layers): the encoder's
/// fields, attention dropout and CLIP's initialisation factor.
protocol CLIPTowerConfig: EncoderConfig {
    var attentionDropout: Double { get }
    var initializerFactor: Double { get }
}

/// CLIP's text tower configuration (`text_config`, or a `clip_text_model` config.json), with
/// Hugging Face's field names and defaults (MODELS.md §3); properties are the fields in
/// lowerCamelCase.
public struct CLIPTextConfig: CLIPTowerConfig {
    public var vocabSize = 49408
    /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps`, `initializer_range`.
    public var encoder = EncoderFields(
        hiddenSize: 512, numHiddenLayers: 12, numAttentionHeads: 8, intermediateSize: 2048, hiddenAct: .quickGelu,
        layerNormEps: 1e-5)
    /// Used only by `CLIPTextModelWithProjection`; kept so configs round-trip.
    public var projectionDim = 512
    public var maxPositionEmbeddings = 77
    public var attentionDropout = 0.0
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
        case vocabSize = "vocab_size", encoder, projectionDim = "projection_dim"
        case maxPositionEmbeddings = "max_position_embeddings", attentionDropout = "attention_dropout"
        case initializerFactor = "initializer_factor"
        case padTokenId = "pad_token_id", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id", extra
    }

    public func validate() throws {
        try ConfigLimits.tableRows.check(
            ("vocab_size", vocabSize), ("max_position_embeddings", maxPositionEmbeddings))
    }

    public var parameterCount: Double {
        encoder.parameterCount + Double((vocabSize + maxPositionEmbeddings + 2) * encoder.hiddenSize)
    }
}

/// CLIP's vision tower configuration (`vision_config`, or a `clip_vision_model` config.json).
public struct CLIPVisionConfig: CLIPTowerConfig {
    /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps`, `initializer_range`.
    public var encoder = EncoderFields(
        hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072, hiddenAct: .quickGelu,
        layerNormEps: 1e-5)
    /// Used only by `CLIPVisionModelWithProjection`; kept so configs round-trip.
    public var projectionDim = 512
    public var numChannels = 3
    public var imageSize = 224
    public var patchSize = 32
    public var attentionDropout = 0.0
    public var initializerFactor = 1.0
    /// The fields the vision tower does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    public static var modelType: String? { "clip_vision_model" }

    /// `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case encoder, projectionDim = "projection_dim"
        case numChannels = "num_channels", imageSize = "image_size", patchSize = "patch_size"
        case attentionDropout = "attention_dropout", initializerFactor = "initializer_factor", extra
    }

    public func validate() throws {
        try ConfigLimits.pixels.check(
            ("image_size", imageSize), ("patch_size", patchSize), ("num_channels", numChannels))
        guard imageSize % patchSize == 0 else {
            throw ConfigIssue("patch_size", "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public var parameterCount: Double {
        let patch = Double(numChannels * patchSize * patchSize)
        return encoder.parameterCount + (patch + Double(patchCount + 4)) * Double(encoder.hiddenSize)
    }
}
