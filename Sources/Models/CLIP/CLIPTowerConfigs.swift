/// The fields both CLIP towers share (they build the same encoder layers).
protocol CLIPTowerConfig: ModelConfig {
    var hiddenSize: Int { get }
    var intermediateSize: Int { get }
    var numHiddenLayers: Int { get }
    var numAttentionHeads: Int { get }
    var hiddenAct: String { get }
    var layerNormEps: Double { get }
    var attentionDropout: Double { get }
    var initializerRange: Double { get }
    var initializerFactor: Double { get }
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
    public var hiddenAct = "quick_gelu"
    public var layerNormEps = 1e-5
    public var attentionDropout = 0.0
    public var initializerRange = 0.02
    public var initializerFactor = 1.0
    public var padTokenId = 1
    public var bosTokenId = 49406
    /// The pooling token; `2` selects the legacy rule (pool at the largest id), see ``CLIPTextModel``.
    public var eosTokenId = 49407

    /// Hugging Face's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim", numHiddenLayers = "num_hidden_layers", numAttentionHeads =
            "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act", layerNormEps =
            "layer_norm_eps"
        case attentionDropout = "attention_dropout", initializerRange = "initializer_range", initializerFactor =
            "initializer_factor"
        case padTokenId = "pad_token_id", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id", modelType =
            "model_type"
    }

    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfig()
        vocabSize = try c.value(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        attentionDropout = try c.value(.attentionDropout, or: d.attentionDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        initializerFactor = try c.value(.initializerFactor, or: d.initializerFactor)
        padTokenId = try c.value(.padTokenId, or: d.padTokenId)
        bosTokenId = try c.value(.bosTokenId, or: d.bosTokenId)
        eosTokenId = try c.value(.eosTokenId, or: d.eosTokenId)
        try checkTransformerShape(c, hidden: .hiddenSize, heads: .numAttentionHeads, hiddenSize, numAttentionHeads)
        try checkActivation(c, .hiddenAct, hiddenAct)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("clip_text_model", forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(attentionDropout, forKey: .attentionDropout)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode(initializerFactor, forKey: .initializerFactor)
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(bosTokenId, forKey: .bosTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
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
    public var hiddenAct = "quick_gelu"
    public var layerNormEps = 1e-5
    public var attentionDropout = 0.0
    public var initializerRange = 0.02
    public var initializerFactor = 1.0

    /// Hugging Face's defaults.
    public init() {}

    /// `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads", numChannels =
            "num_channels"
        case imageSize = "image_size", patchSize = "patch_size", hiddenAct = "hidden_act", layerNormEps =
            "layer_norm_eps"
        case attentionDropout = "attention_dropout", initializerRange = "initializer_range", initializerFactor =
            "initializer_factor"
        case modelType = "model_type"
    }

    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPVisionConfig()
        hiddenSize = try c.value(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.value(.intermediateSize, or: d.intermediateSize)
        projectionDim = try c.value(.projectionDim, or: d.projectionDim)
        numHiddenLayers = try c.value(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.value(.numAttentionHeads, or: d.numAttentionHeads)
        numChannels = try c.value(.numChannels, or: d.numChannels)
        imageSize = try c.value(.imageSize, or: d.imageSize)
        patchSize = try c.value(.patchSize, or: d.patchSize)
        hiddenAct = try c.value(.hiddenAct, or: d.hiddenAct)
        layerNormEps = try c.value(.layerNormEps, or: d.layerNormEps)
        attentionDropout = try c.value(.attentionDropout, or: d.attentionDropout)
        initializerRange = try c.value(.initializerRange, or: d.initializerRange)
        initializerFactor = try c.value(.initializerFactor, or: d.initializerFactor)
        try checkTransformerShape(c, hidden: .hiddenSize, heads: .numAttentionHeads, hiddenSize, numAttentionHeads)
        try checkActivation(c, .hiddenAct, hiddenAct)
        guard patchSize > 0, imageSize % patchSize == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .patchSize, in: c,
                debugDescription: "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("clip_vision_model", forKey: .modelType)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(projectionDim, forKey: .projectionDim)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numChannels, forKey: .numChannels)
        try c.encode(imageSize, forKey: .imageSize)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(attentionDropout, forKey: .attentionDropout)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode(initializerFactor, forKey: .initializerFactor)
    }
}
