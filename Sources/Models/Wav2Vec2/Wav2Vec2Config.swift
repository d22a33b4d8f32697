import NN
import TensorCore

/// The configuration of a Wav2Vec2 model, read from and written to Hugging Face's `config.json`
/// (`Wav2Vec2Config`): the same field names, the same defaults (those of wav2vec2-base); reading
/// and writing are ``ModelConfig``'s.
///
/// Properties are the `config.json` fields in lowerCamelCase (`conv_dim` → ``convDim``). Fields
/// this port does not use (`tdnn_dim`, `num_negatives`, …) are kept in ``extra`` and written back
/// unchanged, so a load → save round trip preserves the file's meaning for `transformers`.
public struct Wav2Vec2Config: EncoderConfig {
    /// How the convolutional feature encoder normalises (`feat_extract_norm`).
    public enum FeatureNorm: String, NamedChoice {
        /// Base models: a GroupNorm with one group per channel after the first convolution only.
        case group
        /// Large "lv60" models: a LayerNorm over channels after every convolution.
        case layer
    }

    /// CTC vocabulary (`lm_head` rows); nil in configs made for pre-training only.
    public var vocabSize: Int? = 32
    /// The transformer's shape: `hidden_size` (D, the width of `last_hidden_state`),
    /// `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, `hidden_act`,
    /// `layer_norm_eps` (of the transformer LayerNorms and the feature projection's; the
    /// convolution norms always use 1e-5), `initializer_range` (of the Linear weights).
    public var encoder = EncoderFields(
        hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072, hiddenAct: .gelu,
        layerNormEps: 1e-5)
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
    /// Feature-encoder normalisation: `group` (base) or `layer` (large).
    public var featExtractNorm = FeatureNorm.group
    /// Activation after each convolution and of the positional embedding.
    public var featExtractActivation = Activation.gelu
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
    public var ctcLossReduction = Loss.CTCReduction.sum
    /// Replace impossible (infinite) CTC losses and their gradients by 0.
    public var ctcZeroInfinity = false
    /// Sequence classification: softmax-weighted sum of all hidden states instead of the last.
    public var useWeightedLayerSum = false
    /// Width of the sequence-classification projector.
    public var classifierProjSize = 256
    /// The CTC blank id.
    public var padTokenId: Int? = 0
    /// The classes of the sequence-classification head (`id2label` / `num_labels`; two by default,
    /// as in `transformers`).
    public var labels = ClassLabels(count: 2)
    /// Every other `config.json` field, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// The defaults of `transformers`' `Wav2Vec2Config()` (wav2vec2-base).
    public init() {}

    public static var modelType: String? { "wav2vec2" }

    /// Number of classes of the sequence-classification head; setting it names them `LABEL_i`.
    public var numLabels: Int {
        get { labels.count }
        set { labels = ClassLabels(count: newValue) }
    }

    /// Frames the feature encoder makes from `samples` inputs: for each convolution (k, s),
    /// `n = floor((n − k)/s) + 1` — 49 frames per second of 16 kHz audio with the defaults.
    /// Floor division, so too-short inputs give zero or negative counts exactly as `transformers`.
    public func frameCount(forSamples samples: Int) -> Int {
        zip(convKernel, convStride).reduce(samples) { n, ks in floorDivide(n - ks.0, ks.1) + 1 }
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size", encoder
        case hiddenDropout = "hidden_dropout", activationDropout = "activation_dropout"
        case attentionDropout = "attention_dropout", featProjDropout = "feat_proj_dropout"
        case finalDropout = "final_dropout", layerdrop, featExtractNorm = "feat_extract_norm"
        case featExtractActivation = "feat_extract_activation", convDim = "conv_dim", convStride = "conv_stride"
        case convKernel = "conv_kernel", convBias = "conv_bias", numConvPosEmbeddings = "num_conv_pos_embeddings"
        case numConvPosEmbeddingGroups = "num_conv_pos_embedding_groups", doStableLayerNorm = "do_stable_layer_norm"
        case maskTimeProb = "mask_time_prob", maskFeatureProb = "mask_feature_prob"
        case ctcLossReduction = "ctc_loss_reduction", ctcZeroInfinity = "ctc_zero_infinity"
        case useWeightedLayerSum = "use_weighted_layer_sum", classifierProjSize = "classifier_proj_size"
        case padTokenId = "pad_token_id", labels, extra
    }

    /// Checks the sizes, that the convolution lists agree, that the heads and groups divide the
    /// width, and refuses the features this port lacks (`add_adapter`, `adapter_attn_dim`).
    public func validate() throws {
        guard !convDim.isEmpty else {
            throw ConfigIssue("conv_dim", "is empty; the feature encoder needs a convolution")
        }
        try ConfigLimits.layers.check(("conv_dim", convDim.count))
        for (name, values) in [("conv_stride", convStride), ("conv_kernel", convKernel)]
        where values.count != convDim.count {
            throw ConfigIssue(
                name, "has \(values.count) entries but conv_dim has \(convDim.count); there is one per convolution")
        }
        for (dim, (stride, kernel)) in zip(convDim, zip(convStride, convKernel)) {
            try ConfigLimits.width.check(("conv_dim", dim))
            try ConfigLimits.kernel.check(("conv_stride", stride), ("conv_kernel", kernel))
        }
        try ConfigLimits.kernel.check(("num_conv_pos_embeddings", numConvPosEmbeddings))
        try ConfigLimits.width.check(("classifier_proj_size", classifierProjSize))
        try ConfigLimits.tableRows.check(("vocab_size", vocabSize ?? 1))
        guard numConvPosEmbeddingGroups >= 1, encoder.hiddenSize % numConvPosEmbeddingGroups == 0 else {
            throw ConfigIssue(
                "num_conv_pos_embedding_groups",
                "\(numConvPosEmbeddingGroups) does not divide hidden_size \(encoder.hiddenSize)")
        }
        if extra["add_adapter"] == .bool(true) {
            throw ConfigIssue("add_adapter", "is true; Wav2Vec2 adapters are not supported")
        }
        if let dim = extra["adapter_attn_dim"], dim != .null {
            throw ConfigIssue("adapter_attn_dim", "is set; attention adapters (MMS) are not supported")
        }
    }

    public var parameterCount: Double {
        let d = Double(encoder.hiddenSize), channels = [1] + convDim
        let convolutions = zip(channels, zip(convDim, convKernel)).reduce(0.0) { sum, layer in
            sum + Double(layer.0 * layer.1.0 * layer.1.1 + 3 * layer.1.0)
        }
        let projection = Double((convDim.last ?? 0) + 1) * d + Double(2 * (convDim.last ?? 0))
        let positional = d * d / Double(numConvPosEmbeddingGroups) * Double(numConvPosEmbeddings) + d
        let ctc = Double(vocabSize ?? 0) * (d + 1)
        let classifier = Double(classifierProjSize) * (d + 1 + Double(labels.count))
        return convolutions + projection + positional + encoder.parameterCount + 3 * d + max(ctc, classifier)
    }
}

/// Python's `//` for the length formula (rounds toward −∞, unlike Swift's `/`).
private func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
