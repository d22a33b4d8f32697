import FoundationEssentials
import NN
import TensorCore

/// The configuration of a Wav2Vec2 model, read from and written to Hugging Face's `config.json`
/// (`Wav2Vec2Config`): the same field names, the same defaults (those of wav2vec2-base).
///
/// Properties are the `config.json` fields in lowerCamelCase (`conv_dim` → ``convDim``). Fields
/// this port does not use (`tdnn_dim`, `num_negatives`, …) are kept in ``extra`` and written back
/// unchanged, so a load → save round trip preserves the file's meaning for `transformers`.
public struct Wav2Vec2Config: Sendable, Equatable, Codable {
    /// How the convolutional feature encoder normalises (`feat_extract_norm`).
    public enum FeatureNorm: String, Sendable, CaseIterable {
        /// Base models: a GroupNorm with one group per channel after the first convolution only.
        case group
        /// Large "lv60" models: a LayerNorm over channels after every convolution.
        case layer
    }

    /// CTC vocabulary (`lm_head` rows); nil in configs made for pre-training only.
    public var vocabSize: Int? = 32
    /// Width D of the transformer and of `last_hidden_state`.
    public var hiddenSize = 768
    /// Transformer layers.
    public var numHiddenLayers = 12
    /// Attention heads (they divide D).
    public var numAttentionHeads = 12
    /// Feed-forward width I.
    public var intermediateSize = 3072
    /// The feed-forward activation (`hidden_act`).
    public var hiddenAct: Activation = .gelu
    /// Dropout after attention and feed-forward outputs and on the positional sum (training only).
    public var hiddenDropout = 0.1
    /// Dropout after the feed-forward activation.
    public var activationDropout = 0.1
    /// Dropout on attention probabilities.
    public var attentionDropout = 0.1
    /// Dropout after the feature projection.
    public var featProjDropout = 0.0
    /// Dropout before the CTC head.
    public var finalDropout = 0.1
    /// Probability of skipping each encoder layer in training (LayerDrop).
    public var layerdrop = 0.1
    /// Standard deviation of the normal initialisation of Linear weights.
    public var initializerRange = 0.02
    /// Epsilon of the transformer LayerNorms and the feature projection's LayerNorm; the
    /// convolution norms always use 1e-5.
    public var layerNormEps = 1e-5
    /// Feature-encoder normalisation: `group` (base) or `layer` (large).
    public var featExtractNorm: FeatureNorm = .group
    /// Activation after each convolution and of the positional embedding.
    public var featExtractActivation: Activation = .gelu
    /// Output channels of each feature-encoder convolution.
    public var convDim = [512, 512, 512, 512, 512, 512, 512]
    /// Stride of each feature-encoder convolution (the product, 320, is the frame hop).
    public var convStride = [5, 2, 2, 2, 2, 2, 2]
    /// Kernel width of each feature-encoder convolution.
    public var convKernel = [10, 3, 3, 3, 3, 2, 2]
    /// Whether the feature-encoder convolutions have biases (large models).
    public var convBias = false
    /// Kernel width K of the positional convolution.
    public var numConvPosEmbeddings = 128
    /// Groups G of the positional convolution.
    public var numConvPosEmbeddingGroups = 16
    /// Pre-norm encoder with a final LayerNorm (large models) instead of post-norm (base).
    public var doStableLayerNorm = false
    /// SpecAugment probabilities. Masking itself is not implemented; they decide only whether the
    /// model has a `masked_spec_embed` parameter (when either is positive), as in `transformers`.
    public var maskTimeProb = 0.05
    /// See ``maskTimeProb``.
    public var maskFeatureProb = 0.0
    /// CTC loss reduction: `sum` (default), `mean` (per target length, then batch) or `none`.
    public var ctcLossReduction: Loss.CTCReduction = .sum
    /// Replace impossible (infinite) CTC losses and their gradients by 0.
    public var ctcZeroInfinity = false
    /// Sequence classification: softmax-weighted sum of all hidden states instead of the last.
    public var useWeightedLayerSum = false
    /// Width of the sequence-classification projector.
    public var classifierProjSize = 256
    /// The CTC blank id.
    public var padTokenId: Int? = 0
    /// Class names by id (`id2label`); its count is `num_labels`.
    public var id2label: [Int: String] = [0: "LABEL_0", 1: "LABEL_1"]
    /// Every other `config.json` field, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// The defaults of `transformers`' `Wav2Vec2Config()` (wav2vec2-base).
    public init() {}

    /// Number of classes of the sequence-classification head.
    public var numLabels: Int {
        get { id2label.count }
        set { id2label = Dictionary(uniqueKeysWithValues: (0..<newValue).map { ($0, "LABEL_\($0)") }) }
    }

    /// Frames the feature encoder makes from `samples` inputs: for each convolution (k, s),
    /// `n = floor((n − k)/s) + 1` — 49 frames per second of 16 kHz audio with the defaults.
    /// Floor division, so too-short inputs give zero or negative counts exactly as `transformers`.
    public func frameCount(forSamples samples: Int) -> Int {
        zip(convKernel, convStride).reduce(samples) { n, ks in floorDivide(n - ks.0, ks.1) + 1 }
    }

    // MARK: - Reading

    /// Reads `config.json` at `path`. - Throws: errors naming the file and the field.
    public init(contentsOf path: String) throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(filePath: path)) } catch {
            throw TensorError.io("\(path): cannot read the Wav2Vec2 config (\(error))")
        }
        let json: [String: JSONValue]
        do { json = try JSONDecoder().decode([String: JSONValue].self, from: bytes) } catch {
            throw TensorError.io("\(path): not a JSON object (\(error))")
        }
        try self.init(json: json, source: path)
    }

    /// Builds a config from `config.json` fields (or a Lua table with the same names); missing
    /// fields take `transformers`' defaults. `num_labels` may be given instead of `id2label`.
    /// - Throws: an error naming `source` and the field that has a wrong type or value, or that
    ///   asks for a feature this port lacks (`add_adapter`, `adapter_attn_dim`).
    public init(json: [String: JSONValue], source: String = "config.json") throws {
        let f = Fields(json: json, source: source)
        if let type = try f.string("model_type"), type != "wav2vec2" {
            throw f.error("model_type", "is \"\(type)\", not \"wav2vec2\"")
        }
        vocabSize = try f.optionalInt("vocab_size", vocabSize)
        hiddenSize = try f.int("hidden_size", hiddenSize, minimum: 1)
        numHiddenLayers = try f.int("num_hidden_layers", numHiddenLayers, minimum: 0)
        numAttentionHeads = try f.int("num_attention_heads", numAttentionHeads, minimum: 1)
        intermediateSize = try f.int("intermediate_size", intermediateSize, minimum: 1)
        hiddenAct = try f.activation("hidden_act", hiddenAct)
        hiddenDropout = try f.double("hidden_dropout", hiddenDropout)
        activationDropout = try f.double("activation_dropout", activationDropout)
        attentionDropout = try f.double("attention_dropout", attentionDropout)
        featProjDropout = try f.double("feat_proj_dropout", featProjDropout)
        finalDropout = try f.double("final_dropout", finalDropout)
        layerdrop = try f.double("layerdrop", layerdrop)
        initializerRange = try f.double("initializer_range", initializerRange)
        layerNormEps = try f.double("layer_norm_eps", layerNormEps)
        featExtractNorm = try f.choice("feat_extract_norm", featExtractNorm, among: FeatureNorm.allCases)
        featExtractActivation = try f.activation("feat_extract_activation", featExtractActivation)
        convDim = try f.ints("conv_dim", convDim)
        convStride = try f.ints("conv_stride", convStride)
        convKernel = try f.ints("conv_kernel", convKernel)
        convBias = try f.bool("conv_bias", convBias)
        numConvPosEmbeddings = try f.int("num_conv_pos_embeddings", numConvPosEmbeddings, minimum: 1)
        numConvPosEmbeddingGroups = try f.int("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups, minimum: 1)
        doStableLayerNorm = try f.bool("do_stable_layer_norm", doStableLayerNorm)
        maskTimeProb = try f.double("mask_time_prob", maskTimeProb)
        maskFeatureProb = try f.double("mask_feature_prob", maskFeatureProb)
        ctcLossReduction = try f.choice("ctc_loss_reduction", ctcLossReduction, among: [.mean, .sum, .none])
        ctcZeroInfinity = try f.bool("ctc_zero_infinity", ctcZeroInfinity)
        useWeightedLayerSum = try f.bool("use_weighted_layer_sum", useWeightedLayerSum)
        classifierProjSize = try f.int("classifier_proj_size", classifierProjSize, minimum: 1)
        padTokenId = try f.optionalInt("pad_token_id", padTokenId)
        id2label = try f.labels(default: id2label)
        extra = json.filter { !Self.modelled.contains($0.key) }
        try validate(f)
    }

    private func validate(_ f: Fields) throws {
        guard !convDim.isEmpty else { throw f.error("conv_dim", "is empty; the feature encoder needs a convolution") }
        for (name, values) in [("conv_stride", convStride), ("conv_kernel", convKernel)]
        where values.count != convDim.count {
            throw f.error(
                name, "has \(values.count) entries but conv_dim has \(convDim.count); there is one per convolution")
        }
        for (name, values) in [("conv_dim", convDim), ("conv_stride", convStride), ("conv_kernel", convKernel)]
        where values.contains(where: { $0 < 1 }) {
            throw f.error(name, "must hold positive integers, got \(values)")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw f.error("num_attention_heads", "\(numAttentionHeads) does not divide hidden_size \(hiddenSize)")
        }
        guard hiddenSize % numConvPosEmbeddingGroups == 0 else {
            throw f.error(
                "num_conv_pos_embedding_groups",
                "\(numConvPosEmbeddingGroups) does not divide hidden_size \(hiddenSize)")
        }
        if try f.bool("add_adapter", false) {
            throw f.error("add_adapter", "is true; Wav2Vec2 adapters are not supported")
        }
        if let dim = f.json["adapter_attn_dim"], dim != .null {
            throw f.error("adapter_attn_dim", "is set; attention adapters (MMS) are not supported")
        }
    }

    // MARK: - Writing

    /// The fields as `config.json` holds them, for saving; `architectures` is set by the model.
    public var json: [String: JSONValue] {
        var out = extra
        func put(_ key: String, _ value: Int) { out[key] = .number(Double(value)) }
        func put(_ key: String, _ value: Double) { out[key] = .number(value) }
        func put(_ key: String, _ value: Bool) { out[key] = .bool(value) }
        func put(_ key: String, _ value: String) { out[key] = .string(value) }
        func put(_ key: String, _ values: [Int]) { out[key] = .array(values.map { .number(Double($0)) }) }
        out["model_type"] = .string("wav2vec2")
        out["vocab_size"] = vocabSize.map { .number(Double($0)) } ?? .null
        put("hidden_size", hiddenSize)
        put("num_hidden_layers", numHiddenLayers)
        put("num_attention_heads", numAttentionHeads)
        put("intermediate_size", intermediateSize)
        put("hidden_act", hiddenAct.rawValue)
        put("hidden_dropout", hiddenDropout)
        put("activation_dropout", activationDropout)
        put("attention_dropout", attentionDropout)
        put("feat_proj_dropout", featProjDropout)
        put("final_dropout", finalDropout)
        put("layerdrop", layerdrop)
        put("initializer_range", initializerRange)
        put("layer_norm_eps", layerNormEps)
        put("feat_extract_norm", featExtractNorm.rawValue)
        put("feat_extract_activation", featExtractActivation.rawValue)
        put("conv_dim", convDim)
        put("conv_stride", convStride)
        put("conv_kernel", convKernel)
        put("conv_bias", convBias)
        put("num_feat_extract_layers", convDim.count)
        put("num_conv_pos_embeddings", numConvPosEmbeddings)
        put("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups)
        put("do_stable_layer_norm", doStableLayerNorm)
        put("mask_time_prob", maskTimeProb)
        put("mask_feature_prob", maskFeatureProb)
        put("ctc_loss_reduction", ctcLossReduction.rawValue)
        put("ctc_zero_infinity", ctcZeroInfinity)
        put("use_weighted_layer_sum", useWeightedLayerSum)
        put("classifier_proj_size", classifierProjSize)
        out["pad_token_id"] = padTokenId.map { .number(Double($0)) } ?? .null
        let ids = id2label.keys.sorted()
        out["id2label"] = .object(
            Dictionary(uniqueKeysWithValues: ids.map { (String($0), JSONValue.string(id2label[$0]!)) }))
        out["label2id"] = .object(
            Dictionary(ids.map { (id2label[$0]!, JSONValue.number(Double($0))) }, uniquingKeysWith: { a, _ in a }))
        return out
    }

    /// Decodes a `config.json` object (see ``init(json:source:)``).
    public init(from decoder: Decoder) throws {
        try self.init(json: decoder.singleValueContainer().decode([String: JSONValue].self))
    }

    /// Encodes ``json``.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(json)
    }

    /// Fields read into properties (and `num_labels`/`label2id`, derived from `id2label`).
    private static let modelled: Set<String> = [
        "model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "hidden_act", "hidden_dropout", "activation_dropout", "attention_dropout", "feat_proj_dropout", "final_dropout",
        "layerdrop", "initializer_range", "layer_norm_eps", "feat_extract_norm", "feat_extract_activation", "conv_dim",
        "conv_stride", "conv_kernel", "conv_bias", "num_feat_extract_layers", "num_conv_pos_embeddings",
        "num_conv_pos_embedding_groups", "do_stable_layer_norm", "mask_time_prob", "mask_feature_prob",
        "ctc_loss_reduction", "ctc_zero_infinity", "use_weighted_layer_sum", "classifier_proj_size", "pad_token_id",
        "id2label", "label2id", "num_labels",
    ]
}

/// Python's `//` for the length formula (rounds toward −∞, unlike Swift's `/`).
private func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
