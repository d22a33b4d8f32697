import NN
import TensorCore

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
