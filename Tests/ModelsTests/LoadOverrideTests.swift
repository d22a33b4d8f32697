import Foundation
import Models
import NN
import TensorCore
import Testing

/// ``Models/load(directory:strict:overrides:)`` replaces `config.json` fields before building,
/// as `from_pretrained(dir, num_labels=…)` does.
@Suite struct LoadOverrideTests {
    /// A backbone checkpoint loads under a new classification head, reported missing.
    @Test func newHeadOnABackbone() throws {
        let directory = try LoadingErrorTests.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let overrides: [String: JSONValue] = [
            "architectures": .array([.string("BertForSequenceClassification")]), "num_labels": .number(4),
        ]
        let loaded = try Models.load(directory: directory, strict: false, overrides: overrides)
        let model = try #require(loaded.model as? BertForSequenceClassification)
        #expect(model.config.labels?.count == 4)
        #expect(loaded.report.missing == ["classifier.weight", "classifier.bias"])
        #expect(loaded.report.unexpected.isEmpty)
        let saved = try BertModel.load(directory: directory)
        #expect(
            model.bert.stateDict()["encoder.layer.0.output.dense.weight"]!.toArray(of: Float.self)
                == saved.stateDict()["encoder.layer.0.output.dense.weight"]!.toArray(of: Float.self))
    }

    /// A folder whose config names no model type (UNITER's repository layout) loads with one given.
    @Test func modelTypeForAConfigWithoutOne() throws {
        let directory = try LoadingErrorTests.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try LoadingErrorTests.editConfig(directory) { $0["model_type"] = nil }
        let loaded = try Models.load(directory: directory, overrides: ["model_type": .string("bert")])
        #expect(loaded.model is BertModel)
        #expect(!loaded.model.isTraining)
    }
}
