import NN
import TensorCore

/// What the two head models (``Wav2Vec2ForCTC``, ``Wav2Vec2ForSequenceClassification``) share:
/// the encoder under `wav2vec2.*`, its configuration, the named inputs and outputs of a call, and
/// their checkpoint names.
public protocol Wav2Vec2HeadModel: ConfiguredModel where Config == Wav2Vec2Config {
    /// The encoder (`wav2vec2.*`).
    var wav2vec2: Wav2Vec2Model { get }
    /// The top-level checkpoint names of the head's parameters (`lm_head`).
    var headNames: Set<String> { get }
    /// The encoder and the head, initialised as ``Wav2Vec2Model``, drawn from `generator`.
    init(config: Wav2Vec2Config, initialization: WeightInitialization, generator: RandomGenerator) throws
    /// Runs the model on `inputValues [B, T]` (`attentionMask` `[B, T]`, 1 for real samples);
    /// the loss when `labels` are given.
    func callAsFunction(_ inputValues: Tensor, attentionMask: Tensor?, labels: Tensor?, outputHiddenStates: Bool)
        throws -> (logits: Tensor, loss: Tensor?, encoder: Wav2Vec2Output)
}

extension Wav2Vec2HeadModel {
    /// A model drawing from the shared generator.
    public init(config: Wav2Vec2Config, initialization: WeightInitialization) throws {
        try self.init(config: config, initialization: initialization, generator: .shared)
    }

    /// The configuration.
    public var config: Wav2Vec2Config { wav2vec2.config }

    /// Stops gradients to the convolutional feature encoder (`freeze_feature_encoder`), the usual
    /// first step of fine-tuning.
    public func freezeFeatureEncoder() throws { try wav2vec2.freezeFeatureEncoder() }

    /// Inputs `input_values`, optional `attention_mask` and `labels`; outputs `logits`, `loss`
    /// and, when asked for, `hidden_states.k`.
    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let (logits, loss, encoder) = try self(
            input.require("input_values", for: architecture), attentionMask: input["attention_mask"],
            labels: input["labels"], outputHiddenStates: input.outputHiddenStates)
        var out = ["logits": logits]
        out["loss"] = loss
        if input.outputHiddenStates { encoder.writeHiddenStates(into: &out) }
        return out
    }

    public func parameterName(forCheckpointKey key: String) -> String? {
        Wav2Vec2Keys.name(forCheckpointKey: key, in: self, prefix: "wav2vec2.", heads: headNames)
    }
}

/// Checkpoint-key rules shared by the three Wav2Vec2 classes (MODELS.md §0, §4); the old
/// weight-norm names are renamed before, by ``ModelWeights/currentName(of:)``.
enum Wav2Vec2Keys {
    /// Top-level names of task heads in Wav2Vec2 checkpoints: `lm_head` (CTC), `projector`,
    /// `classifier`, `layer_weights` (sequence classification), `quantizer`, `project_hid`,
    /// `project_q` (pre-training). A model loads the ones it has and ignores the others.
    static let heads: Set<String> = [
        "lm_head", "projector", "classifier", "layer_weights", "quantizer", "project_hid", "project_q",
    ]

    /// Maps a checkpoint key to a parameter name of `model`, or nil for keys it ignores.
    ///
    /// - The base-model prefix `wav2vec2.` is stripped, then `prefix` is put back: a bare
    ///   `Wav2Vec2Model` checkpoint loads into a head model and vice versa.
    /// - Heads the model lacks are ignored; so is `masked_spec_embed` when the model has none.
    ///   Other unknown keys are passed through, so loading reports them as unexpected.
    /// - Parameters:
    ///   - prefix: `"wav2vec2."` for head models, `""` for ``Wav2Vec2Model``.
    ///   - ownHeads: the head names `model` has (loaded without the prefix).
    static func name(forCheckpointKey key: String, in model: Module, prefix: String, heads ownHeads: Set<String>)
        -> String?
    {
        let head = String(key.prefix { $0 != "." })
        if ownHeads.contains(head) { return key }
        if heads.contains(head) { return nil }
        let k = key.hasPrefix("wav2vec2.") ? String(key.dropFirst("wav2vec2.".count)) : key
        if k == "masked_spec_embed", !model.namedParameters().contains(where: { $0.name == prefix + k }) { return nil }
        return prefix + k
    }
}
