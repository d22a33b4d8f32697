import Foundation
import Models
import TensorCore

/// A reference case under `Tests/Fixtures/models/<name>/` (written by
/// `scripts/make-reference models`, listed in `cases.json`): a model folder with the inputs it
/// was run on, transformers' (or UNITER's) outputs, and for one case per family the parameter
/// gradients of one backward pass, keyed by checkpoint name.
struct ModelFixture {
    /// One entry of `cases.json`.
    struct Case: Decodable {
        struct Gradients: Decodable { let count: Int; let loss: String }
        let name: String
        let `class`: String
        let outputs: [String]
        let grads: Gradients?
    }

    /// `Tests/Fixtures/models`, found from this source file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("models").path

    static let all: [Case] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: root + "/cases.json"))  // committed with the fixtures
        return try! JSONDecoder().decode([Case].self, from: data)
    }()

    /// The cases of the architectures in this part of Models (Wav2Vec2 has its own tests; the
    /// UNITER BERT-init state dict has no outputs).
    static let modelCases = all.filter { !$0.class.hasPrefix("Wav2Vec2") && $0.class != "state dict" }.map(\.name)

    let name: String
    var directory: String { ModelFixture.root + "/" + name }
    var reference: Case { ModelFixture.all.first { $0.name == name }! }

    init(_ name: String) { self.name = name }

    func tensors(_ file: String) throws -> [String: Tensor] {
        try SafeTensors.load(path: directory + "/" + file + ".safetensors")
    }

    /// The model, read as ``Models/load(directory:strict:)`` reads it; UNITER's repository
    /// config names no `model_type`, so its folder is read by ``UNITERModel`` itself.
    func model() throws -> any PretrainedModel {
        if reference.class == "UniterForItm" { return try UNITERModel.load(directory: directory) }
        return try Models.load(directory: directory).model
    }

    /// The reference inputs under Ember's names (UNITER's ITM `targets` are `itm_labels`), with
    /// the loss and every hidden state asked for.
    var inputs: ModelInput {
        get throws {
            var tensors = try self.tensors("inputs")
            if let targets = tensors.removeValue(forKey: "targets") { tensors["itm_labels"] = targets }
            return ModelInput(tensors, returnLoss: true, outputHiddenStates: true)
        }
    }

    /// The Ember output holding reference output `key`, or nil for the few that Ember does not
    /// return (said why in ``unreturnedOutputs``).
    func emberOutput(_ key: String) -> String? {
        switch reference.class {
        case "CLIPModel":
            // transformers 5.24 names the towers' outputs `text_model_output`, and its
            // `pooler_output` is the projected feature vector.
            if key == "text_features" { return "text_model_output.pooler_output" }
            if key == "image_features" { return "vision_model_output.pooler_output" }
            if key.hasPrefix("text_model.") || key.hasPrefix("vision_model.") {
                return key.hasSuffix(".pooler_output")
                    ? nil : key.replacingOccurrences(of: "_model.", with: "_model_output.")
            }
            return key
        case "UniterForItm":
            let names = [
                "sequence_output": "last_hidden_state", "pooled_output": "pooler_output", "itm_logits": "itm_logits",
                "itm_loss": "loss", "embedding_output": "hidden_states.0",
            ]
            return names[key]
        default:
            return key
        }
    }

    /// Reference outputs no Ember call returns, and why they are covered anyway.
    static let unreturnedOutputs = [
        "text_model.pooler_output": "the text tower's own pooled vector: CLIPTextModel returns it (clip-text-* cases)",
        "vision_model.pooler_output":
            "the vision tower's own pooled vector: CLIPVisionModel returns it (clip-vision-* cases)",
        "text_embeddings": "UNITER's text embeddings before the gather: part of embedding_output",
        "img_embeddings": "UNITER's region embeddings before the gather: part of embedding_output",
    ]
}

/// The largest |x|.
func maxMagnitude(_ t: Tensor) -> Double { t.toArray(of: Double.self).map(abs).max() ?? 0 }
