import Foundation
import Models
import NN
import TensorCore

/// The committed Wav2Vec2 fixtures of `scripts/reference/models.py` (transformers 5.24):
/// `Tests/Fixtures/models/wav2vec2/<case>/`.
enum Wav2Vec2Fixture {
    static let cases = ["group-ctc", "layer-ctc", "group-cls", "layer-cls-weighted"]

    /// `file` of case `name`.
    static func path(_ name: String, _ file: String) -> String { path(name + "/" + file) }

    /// A path under `Tests/Fixtures/models/wav2vec2`.
    static func path(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/models/wav2vec2/" + relative).path
    }

    static func tensors(_ name: String, _ file: String) throws -> [String: Tensor] {
        try SafeTensors.load(path: path(name, file))
    }

    static func config(_ name: String) throws -> Wav2Vec2Config {
        try Wav2Vec2Config(contentsOf: path(name, "config.json"))
    }

    /// The case's model (CTC or sequence classification) with the checkpoint `weights` loaded
    /// strictly, in eval mode.
    static func model(_ name: String, weights: String = "model.safetensors") throws -> any PretrainedModel {
        let config = try config(name)
        let model: any PretrainedModel =
            name.hasSuffix("ctc")
            ? try Wav2Vec2ForCTC(config: config) : try Wav2Vec2ForSequenceClassification(config: config)
        try load(model, from: tensors(name, weights))
        model.eval()
        return model
    }

    /// Loads checkpoint tensors strictly, through the legacy renames and the model's key mapping
    /// (what `Models.load` does).
    static func load(_ model: any PretrainedModel, from checkpoint: [String: Tensor]) throws {
        try model.loadCheckpoint(ModelWeights(tensors: checkpoint, sources: [:]))
    }

    /// Runs the case's model on its inputs; `masked` passes the attention mask, `labels` the labels.
    static func run(_ model: any PretrainedModel, _ name: String, masked: Bool = true, labels: Bool = true) throws
        -> [String: Tensor]
    {
        let inputs = try tensors(name, "inputs.safetensors")
        var given = ["input_values": inputs["input_values"]!]
        if masked { given["attention_mask"] = inputs["attention_mask"]! }
        if labels { given["labels"] = inputs["labels"]! }
        return try model.forward(ModelInput(given))
    }
}
