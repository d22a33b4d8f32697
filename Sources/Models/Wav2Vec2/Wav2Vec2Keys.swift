import NN
import TensorCore

/// Checkpoint-key and `config.json` rules shared by the three Wav2Vec2 classes (MODELS.md §0, §4).
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
    /// - Old `weight_norm` names `…conv.weight_g`/`weight_v` become
    ///   `…conv.parametrizations.weight.original0`/`original1` (the same tensors).
    /// - Heads the model lacks are ignored; so is `masked_spec_embed` when the model has none.
    ///   Other unknown keys are passed through, so loading reports them as unexpected.
    /// - Parameters:
    ///   - prefix: `"wav2vec2."` for head models, `""` for ``Wav2Vec2Model``.
    ///   - ownHeads: the head names `model` has (loaded without the prefix).
    static func name(forCheckpointKey key: String, in model: Module, prefix: String, heads ownHeads: Set<String>)
        -> String?
    {
        var k = key
        for (old, new) in [
            ("weight_g", "parametrizations.weight.original0"), ("weight_v", "parametrizations.weight.original1"),
        ]
        where k.hasSuffix(".conv." + old) {
            k = String(k.dropLast(old.count)) + new
        }
        let head = String(k.prefix { $0 != "." })
        if ownHeads.contains(head) { return k }
        if heads.contains(head) { return nil }
        if k.hasPrefix("wav2vec2.") { k.removeFirst("wav2vec2.".count) }
        if k == "masked_spec_embed", !model.namedParameters().contains(where: { $0.name == prefix + k }) { return nil }
        return prefix + k
    }

    /// `config.json` for saving: the config's fields, the class name and the stored dtype.
    static func configJSON(_ config: Wav2Vec2Config, architecture: String) -> [String: JSONValue] {
        var json = config.json
        json["architectures"] = .array([.string(architecture)])
        // Parameters are float32 whatever dtype the loaded checkpoint had; 4.x named this field torch_dtype.
        json["torch_dtype"] = nil
        json["dtype"] = .string("float32")
        return json
    }
}
