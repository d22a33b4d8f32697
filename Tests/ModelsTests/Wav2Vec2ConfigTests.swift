import Foundation
import Models
import NN
import TensorCore
import Testing

/// Reading and writing Wav2Vec2 `config.json` files.
@Suite struct Wav2Vec2ConfigTests {
    @Test func readsTransformersConfigAndKeepsOtherFields() throws {
        let path = Wav2Vec2Fixture.path("layer-cls-weighted", "config.json")
        let config = try Wav2Vec2Config(contentsOf: path)
        #expect(
            config.featExtractNorm == .layer && config.doStableLayerNorm && config.convBias
                && config.useWeightedLayerSum)
        #expect(config.convDim == [16, 16, 16] && config.convKernel == [10, 3, 3] && config.numConvPosEmbeddings == 6)
        #expect(config.numLabels == 4 && config.classifierProjSize == 10 && config.hiddenSize == 32)
        #expect(config.extra["tdnn_dim"] != nil)
        // Written back, the fields read the same (and transformers' own fields are all kept).
        let file = try JSONDecoder().decode(
            [String: JSONValue].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try Wav2Vec2Config(json: config.json) == config)
        #expect(
            Set(file.keys).subtracting(["architectures", "dtype", "transformers_version"]).isSubset(
                of: Set(config.json.keys)))
        let model = try Wav2Vec2ForSequenceClassification(config: config)
        #expect(model.configJSON["id2label"] == file["id2label"] && model.configJSON["label2id"] == file["label2id"])
        #expect(model.classLabels?.names == config.labels.names)
    }

    @Test func missingFieldsTakeTransformersDefaults() throws {
        let config = try Wav2Vec2Config(json: [:])
        #expect(config == Wav2Vec2Config())
        #expect(config.convStride == [5, 2, 2, 2, 2, 2, 2] && config.ctcLossReduction == .sum && config.numLabels == 2)
        #expect(try Wav2Vec2Config(json: ["num_labels": .number(5)]).numLabels == 5)
    }

    @Test(arguments: [
        ("feat_extract_norm", JSONValue.string("batch")),
        ("hidden_size", .string("big")),
        ("conv_kernel", .array([.number(10), .number(3)])),
        ("num_attention_heads", .number(5)),
        ("hidden_act", .string("swish2")),
        ("conv_bias", .number(1)),
        ("ctc_loss_reduction", .string("average")),
        ("add_adapter", .bool(true)),
        ("model_type", .string("bert")),
    ])
    func badFieldIsAnErrorNamingFileAndField(_ field: String, _ value: JSONValue) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-w2v-config-\(field)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("config.json").path
        try JSONEncoder().encode([field: value]).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ModelError.self) { try Wav2Vec2Config(contentsOf: path) }
        #expect(error.description.contains(path) && error.description.contains("'\(field)'"), "\(error)")
    }

    @Test func ctcHeadNeedsAVocabulary() throws {
        let error = try #require(throws: ModelError.self) {
            try Wav2Vec2ForCTC(config: Wav2Vec2Config(json: ["vocab_size": .null]))
        }
        #expect(error.description.contains("'vocab_size'"), "\(error)")
    }
}
