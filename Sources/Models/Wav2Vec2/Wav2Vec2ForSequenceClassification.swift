import NN
import TensorCore

/// Wav2Vec2 with an utterance-level classifier (`Wav2Vec2ForSequenceClassification`): keyword
/// spotting, speaker or emotion classes.
///
///     h      = last_hidden_state, or Σ_l softmax(layer_weights)_l · hidden_states[l]
///     p      = projector(h)                         [B, T', classifier_proj_size]
///     pooled = mean of p over each item's valid frames   [B, P]
///     logits = classifier(pooled)                   [B, num_labels]
///
/// With int64 `labels [B]` the loss is the cross-entropy (mean over the batch).
public final class Wav2Vec2ForSequenceClassification: Module, Wav2Vec2HeadModel {
    public static let modelType = "wav2vec2"
    /// The encoder (`wav2vec2.*`).
    public let wav2vec2: Wav2Vec2Model
    /// `[num_hidden_layers + 1]`, initialised uniform, when `use_weighted_layer_sum`.
    public let layerWeights: Tensor?
    /// `projector`: D → classifier_proj_size.
    public let projector: Linear
    /// `classifier`: classifier_proj_size → num_labels.
    public let classifier: Linear

    /// The encoder and the classifier, initialised as ``Wav2Vec2Model``.
    /// - Throws: ``ModelError/config(_:)`` when the configuration fails ``Wav2Vec2Config/validate()``.
    public init(
        config: Wav2Vec2Config, initialization: WeightInitialization = .huggingFace, generator: RandomGenerator
    ) throws {
        wav2vec2 = try Wav2Vec2Model(config: config, initialization: initialization, generator: generator)
        let states = config.numHiddenLayers + 1
        layerWeights = config.useWeightedLayerSum ? Tensor.full([states], 1 / Double(states)) : nil
        let weights = Wav2Vec2Init(config, initialization, generator: generator)
        projector = weights.linear(config.hiddenSize, config.classifierProjSize)
        classifier = weights.linear(config.classifierProjSize, config.numLabels)
        super.init()
        register(child: "wav2vec2", wav2vec2)
        if let layerWeights { register(parameter: "layer_weights", layerWeights) }
        register(child: "projector", projector)
        register(child: "classifier", classifier)
    }

    /// Classifies `inputValues [B, T]`.
    /// - Parameters:
    ///   - attentionMask: `[B, T]`, 1 for real samples; pooling then covers only valid frames.
    ///   - labels: int64 `[B]` class ids, for the loss.
    ///   - outputHiddenStates: also return the encoder's hidden states.
    /// - Returns: `logits [B, num_labels]`, the loss when labels were given, and the encoder output.
    public func callAsFunction(
        _ inputValues: Tensor, attentionMask: Tensor? = nil, labels: Tensor? = nil,
        outputHiddenStates: Bool = false
    ) throws -> (logits: Tensor, loss: Tensor?, encoder: Wav2Vec2Output) {
        let out = try wav2vec2(
            inputValues, attentionMask: attentionMask, outputHiddenStates: outputHiddenStates || layerWeights != nil)
        var h = out.lastHiddenState
        if let layerWeights {
            let w = try layerWeights.softmax(axis: 0).reshaped([-1, 1, 1, 1])
            h = try (Tensor.stack(out.hiddenStates, axis: 0) * w).sum(axes: [0])  // [B, T', D]
        }
        let logits = try classifier(out.meanPooled(projector(h)))
        guard let labels else { return (logits, nil, out) }
        return (logits, try Loss.crossEntropy(logits, labels.reshaped([-1])), out)
    }

    /// Stops gradients to the whole encoder; only the projector and classifier (and the layer
    /// weights) train (`freeze_base_model`).
    public func freezeBaseModel() throws { try freeze("wav2vec2") }

    // MARK: - PretrainedModel

    public var architecture: String { "Wav2Vec2ForSequenceClassification" }
    public var classLabels: ClassLabels? { config.labels }
    public var headNames: Set<String> {
        layerWeights == nil ? ["projector", "classifier"] : ["projector", "classifier", "layer_weights"]
    }
}
