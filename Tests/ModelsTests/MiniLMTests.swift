import Foundation
import Models
import NN
import TensorCore
import Testing
import TestSupport

/// The real all-MiniLM-L6-v2 (fetched by scripts/fetch-assets into the asset folder) loaded as a
/// BertModel reproduces transformers' hidden states on a few sentences
/// (Tests/Fixtures/minilm, made by `scripts/make-reference minilm`). Without the asset the test
/// is skipped, and Swift Testing prints the note saying why.
@Suite struct MiniLMTests {
    static let assets =
        ProcessInfo.processInfo.environment["EMBER_ASSETS"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ember/assets").path
    static let model = assets + "/all-MiniLM-L6-v2"
    static let present = FileManager.default.fileExists(atPath: model + "/model.safetensors")
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/minilm/reference.safetensors").path

    @Test(.enabled(if: present, "all-MiniLM-L6-v2 is not in the asset folder; run scripts/fetch-assets"))
    func hiddenStatesMatchTransformers() throws {
        let loaded = try Models.load(directory: Self.model)
        let bert = try #require(loaded.model as? BertModel)
        #expect(bert.config.hiddenSize == 384 && bert.config.numHiddenLayers == 6)
        let expected = try SafeTensors.load(path: Self.reference)
        let inputs = ModelInput(
            ["input_ids": expected["input_ids"]!, "attention_mask": expected["attention_mask"]!],
            outputHiddenStates: true)
        let outputs = try noGrad { try bert.forward(inputs) }
        var worst = (key: "", error: 0.0)
        for (key, value) in expected where key.hasPrefix("hidden_states.") || key == "pooler_output" {
            let error = relativeError(try #require(outputs[key]), value)
            #expect(error < 1e-4, "\(key): relative error \(error)")
            if error >= worst.error { worst = (key, error) }
        }
        print("parity all-MiniLM-L6-v2: largest relative error \(worst.error) (\(worst.key))")
        #expect(relativeError(outputs["last_hidden_state"]!, expected["hidden_states.6"]!) < 1e-4)
    }

    @Test(.enabled(if: present, "all-MiniLM-L6-v2 is not in the asset folder; run scripts/fetch-assets"))
    func startsUNITER() throws {
        let uniter = try UNITERModel(config: UNITERConfig(contentsOf: Self.model + "/config.json")).eval()
        let report = try uniter.loadCheckpoint(directory: Self.model, strict: false)
        #expect(report.unexpected.isEmpty)
        #expect(
            !report.missing.isEmpty
                && report.missing.allSatisfy { $0.hasPrefix("uniter.img_embeddings.") || $0.hasPrefix("itm_output.") })
        let expected = try SafeTensors.load(path: Self.reference)
        let inputs = ModelInput(["input_ids": expected["input_ids"]!, "attention_mask": expected["attention_mask"]!])
        let outputs = try noGrad { try uniter.forward(inputs) }
        #expect(relativeError(outputs["last_hidden_state"]!, expected["hidden_states.6"]!) < 1e-4)
        #expect(relativeError(outputs["pooler_output"]!, expected["pooler_output"]!) < 1e-4)
    }
}
