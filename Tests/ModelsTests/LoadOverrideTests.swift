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

    /// A model names the classes of its classification head, whatever the family; models without
    /// one (base encoders, CLIP, a CTC head) name none.
    @Test func classLabelsComeFromTheHead() throws {
        let tiny: [String: JSONValue] = [
            "hidden_size": .number(8), "num_hidden_layers": .number(1), "num_attention_heads": .number(2),
            "intermediate_size": .number(8), "vocab_size": .number(12), "image_size": .number(8),
            "patch_size": .number(4), "img_dim": .number(4),
        ]
        func build(_ type: String, _ fields: [String: JSONValue] = [:]) throws -> any PretrainedModel {
            try Models.build(config: tiny.merging(fields) { $1 }.merging(["model_type": .string(type)]) { $1 })
        }
        let names: JSONValue = .object(["0": .string("idle"), "1": .string("typing"), "2": .string("talking")])
        let wav2vec2: [String: JSONValue] = [
            "conv_dim": .array([.number(4)]), "conv_kernel": .array([.number(4)]), "conv_stride": .array([.number(4)]),
            "num_conv_pos_embeddings": .number(3), "num_conv_pos_embedding_groups": .number(2),
        ]
        func head(_ name: String) -> [String: JSONValue] {
            ["architectures": .array([.string(name)]), "id2label": names]
        }
        let classifiers: [(String, [String: JSONValue])] = [
            ("vit", head("ViTForImageClassification")), ("bert", head("BertForSequenceClassification")),
            ("uniter", ["id2label": names]),
            ("wav2vec2", wav2vec2.merging(head("Wav2Vec2ForSequenceClassification")) { $1 }),
        ]
        for (type, fields) in classifiers {
            let classified = try build(type, fields)
            #expect(classified.classLabels?.names == ["idle", "typing", "talking"], "\(type)")
        }
        for (type, fields) in [("vit", [:]), ("bert", [:]), ("uniter", [:]), ("wav2vec2", wav2vec2)] {
            #expect(try build(type, fields).classLabels == nil, "\(type)")
        }
        let ctc = try build("wav2vec2", wav2vec2.merging(["architectures": .array([.string("Wav2Vec2ForCTC")])]) { $1 })
        #expect(ctc is Wav2Vec2ForCTC && ctc.classLabels == nil)
    }
}
