import NN
import TensorCore

/// The Wav2Vec2 encoder (`Wav2Vec2Model`): raw 16 kHz audio → one D-wide vector per 20 ms frame.
///
/// Base checkpoints (`feat_extract_norm "group"`, post-norm) and large/stable ones (`"layer"`,
/// pre-norm with a final LayerNorm) share this class; ``Wav2Vec2Config`` picks the variant.
///
/// ```swift
/// let model = try Wav2Vec2Model(config: Wav2Vec2Config(contentsOf: "w2v/config.json"))
/// let out = try model(inputValues, attentionMask: mask)   // [B, T] float, [B, T] 0/1
/// out.lastHiddenState                                     // [B, T', D]
/// try out.meanPooled()                                    // [B, D], over valid frames only
/// ```
///
/// With the `group` variant the GroupNorm sees the padded length, so padding changes the result;
/// `transformers`' advice for base models is to pad with zeros and pass no mask.
public final class Wav2Vec2Model: Module, ConfiguredModel, AudioTower {
    public static let modelType = "wav2vec2"
    /// The configuration the model was built from.
    public let config: Wav2Vec2Config
    /// SpecAugment's mask vector `[D]`, present when `mask_time_prob` or `mask_feature_prob` is
    /// positive (as in checkpoints). SpecAugment is not applied, so it receives no gradient.
    public let maskedSpecEmbed: Tensor?
    /// The convolutional front end (`feature_extractor`).
    public let featureExtractor: Wav2Vec2FeatureEncoder
    /// `feature_projection`.
    public let featureProjection: Wav2Vec2FeatureProjection
    /// The transformer (`encoder`).
    public let encoder: Wav2Vec2Encoder

    /// A model with Hugging Face's from-scratch initialisation (or, when a checkpoint is about to
    /// be loaded, the layers' defaults), drawn from `generator` as the layers are built.
    /// - Throws: ``ModelError/config(_:)`` when the configuration fails ``Wav2Vec2Config/validate()``.
    public init(
        config: Wav2Vec2Config, initialization: WeightInitialization = .huggingFace, generator: RandomGenerator
    ) throws {
        try config.validated(source: "Wav2Vec2Model")
        self.config = config
        let weights = Wav2Vec2Init(config, initialization, generator: generator)
        featureExtractor = Wav2Vec2FeatureEncoder(config: config, weights: weights)
        featureProjection = Wav2Vec2FeatureProjection(config: config, weights: weights)
        let d = config.hiddenSize
        maskedSpecEmbed =
            config.maskTimeProb > 0 || config.maskFeatureProb > 0
            ? weights.tensor([d]) { Tensor.uniform([d], low: 0, high: 1, generator: $0) } : nil
        encoder = Wav2Vec2Encoder(config: config, weights: weights)
        super.init()
        if let maskedSpecEmbed { register(parameter: "masked_spec_embed", maskedSpecEmbed) }
        register(["feature_extractor": featureExtractor, "feature_projection": featureProjection, "encoder": encoder])
    }

    /// A model drawing from the shared generator.
    public convenience init(config: Wav2Vec2Config, initialization: WeightInitialization) throws {
        try self.init(config: config, initialization: initialization, generator: .shared)
    }

    /// Encodes `inputValues [B, T]` (normalised 16 kHz samples, right-padded).
    /// - Parameters:
    ///   - attentionMask: `[B, T]`, 1 (or true) for real samples; its row sums give each item's
    ///     length, from which the frame mask follows (``frameMask(attentionMask:frames:)``).
    ///   - outputHiddenStates: also return every layer's hidden states.
    public func callAsFunction(_ inputValues: Tensor, attentionMask: Tensor? = nil, outputHiddenStates: Bool = false)
        throws -> Wav2Vec2Output
    {
        let features = try featureExtractor(inputValues).transposed(1, 2)  // [B, T', C]
        let frames = features.shape[1]
        var mask: (valid: Tensor, lengths: [Int])?
        if let attentionMask {
            guard attentionMask.rank == 2, attentionMask.shape[0] == inputValues.shape[0] else {
                throw ModelError.input(
                    "Wav2Vec2: attention_mask must be [batch, samples] like input_values \(inputValues.shape), got \(attentionMask.shape)"
                )
            }
            mask = try frameMask(attentionMask: attentionMask, frames: frames)
        }
        let (hidden, normed) = try featureProjection(features)
        let (last, states) = try encoder(hidden, frameMask: mask?.valid, outputHiddenStates: outputHiddenStates)
        return Wav2Vec2Output(
            lastHiddenState: last, extractFeatures: normed, hiddenStates: states, frameMask: mask?.valid,
            frameLengths: mask?.lengths ?? Array(repeating: frames, count: inputValues.shape[0]))
    }

    /// The frame-level mask for a sample-level `attentionMask [B, T]`, as `transformers` builds it
    /// (`_get_feature_vector_attention_mask`): item b has `n_b = Σ attentionMask[b]` samples and
    /// its first `frameCount(n_b)` frames are valid.
    ///
    /// Counts below one follow the reference's Python indexing: `frameCount(n_b) − 1` counts
    /// from the end, so a count of 0 marks every frame valid.
    /// - Returns: bool `[B, frames]` and the number of valid frames per item.
    public func frameMask(attentionMask: Tensor, frames: Int) throws -> (valid: Tensor, lengths: [Int]) {
        let samples = try attentionMask.converted(to: .float64).sum(axes: [1]).toArray(of: Double.self)
        let lengths = try samples.enumerated().map { b, n in
            var last = config.frameCount(forSamples: Int(n)) - 1
            if last < 0 { last += frames }
            guard (0..<frames).contains(last) else {
                throw ModelError.input(
                    "Wav2Vec2: attention_mask row \(b) has \(Int(n)) samples, too few for any frame")
            }
            return last + 1
        }
        let valid = try Tensor.arange(0, Double(frames)).unsqueezed(at: 0)
            .lt(Tensor(shape: [lengths.count, 1], scalars: lengths.map(Int64.init)))
        return (valid, lengths)
    }

    /// Stops gradients to the convolutional feature encoder (`freeze_feature_encoder`), the
    /// usual first step of fine-tuning.
    public func freezeFeatureEncoder() throws { try freeze("feature_extractor") }

    // MARK: - PretrainedModel, AudioTower

    public var architecture: String { "Wav2Vec2Model" }

    /// The hidden size D of the encoder's frames.
    public var frameWidth: Int { config.hiddenSize }

    /// The encoder's `last_hidden_state` `[B, T', D]` with its valid-frame mask.
    public func encodeAudio(_ inputValues: Tensor, attentionMask: Tensor?) throws -> AudioFrames {
        let out = try self(inputValues, attentionMask: attentionMask)
        return AudioFrames(states: out.lastHiddenState, mask: out.frameMask)
    }

    /// Inputs `input_values` and optional `attention_mask`; outputs `last_hidden_state`,
    /// `extract_features` and, when asked for, `hidden_states.k`.
    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let out = try self(
            input.require("input_values", for: architecture), attentionMask: input["attention_mask"],
            outputHiddenStates: input.outputHiddenStates)
        var outputs = ["last_hidden_state": out.lastHiddenState, "extract_features": out.extractFeatures]
        out.writeHiddenStates(into: &outputs)
        return outputs
    }

    public func parameterName(forCheckpointKey key: String) -> String? {
        Wav2Vec2Keys.name(forCheckpointKey: key, in: self, prefix: "", heads: [])
    }
}
