import Foundation
import Models
import NN
import TensorCore
import Testing
import TestSupport

/// `save(directory:)` then ``Models/load(directory:strict:)`` gives back the same model: same
/// architecture, same configuration, same tensors, same outputs.
@Suite struct SaveLoadTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ember-models-\(UUID().uuidString)").path
    }

    /// Saves `model`, loads it back strictly, and checks every tensor and the configuration.
    static func roundTrip(_ model: any PretrainedModel) throws -> any PretrainedModel {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.save(directory: directory)
        let loaded = try Models.load(directory: directory)
        #expect(loaded.report.missing.isEmpty && loaded.report.unexpected.isEmpty)
        #expect(type(of: loaded.model) == type(of: model))
        #expect(loaded.model.architecture == model.architecture)
        #expect(loaded.model.configJSON == model.configJSON)
        let original = model.stateDict(), reloaded = loaded.model.stateDict()
        #expect(Set(original.keys) == Set(reloaded.keys))
        for (key, tensor) in original {
            #expect(
                reloaded[key].map { $0.toArray(of: Float.self) == tensor.toArray(of: Float.self) } == true, "\(key)")
        }
        return loaded.model
    }

    @Test(arguments: ParityTests.cases)
    func referenceModelsRoundTrip(_ name: String) throws {
        let fixture = ModelFixture(name)
        let model = try fixture.model()
        let reloaded = try Self.roundTrip(model)
        let inputs = try fixture.inputs
        let a = try noGrad { try model.forward(inputs) }, b = try noGrad { try reloaded.forward(inputs) }
        #expect(Set(a.keys) == Set(b.keys))
        for (key, value) in a { #expect(relativeError(b[key]!, value) == 0, "\(name).\(key)") }
    }

    @Test func savedConfigNamesTheArchitecture() throws {
        var config = BertConfig()
        (
            config.vocabSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads,
            config.intermediateSize
        ) = (30, 8, 1, 2, 12)
        config.labels = ClassLabels(names: ["negative", "positive", "neutral"])
        let model = try BertForSequenceClassification(config: config)
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.save(directory: directory)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/config.json")))
            as! [String: Any]
        #expect(json["model_type"] as? String == "bert")
        #expect(json["architectures"] as? [String] == ["BertForSequenceClassification"])
        #expect(json["id2label"] as? [String: String] == ["0": "negative", "1": "positive", "2": "neutral"])
        #expect(json["label2id"] as? [String: Int] == ["negative": 0, "positive": 1, "neutral": 2])
        let keys = try SafeTensorsFile(path: directory + "/model.safetensors").names
        #expect(keys.contains("bert.embeddings.word_embeddings.weight") && keys.contains("classifier.weight"))
        let reloaded = try Self.roundTrip(model) as! BertForSequenceClassification
        #expect(reloaded.config.labels?.names == ["negative", "positive", "neutral"])
    }

    @Test func labelNamesSurviveConfigJSON() throws {
        var config = BertConfig()
        (config.vocabSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads) = (30, 8, 1, 2)
        config.intermediateSize = 12
        let names = ["say \"hi\"", "back\\slash", "two\nlines", "é/ü", "bell\u{7}"]
        config.labels = ClassLabels(names: names)
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try BertForSequenceClassification(config: config).save(directory: directory)
        let text = try String(contentsOfFile: directory + "/config.json", encoding: .utf8)
        #expect(text.contains("\"é/ü\"") && text.contains("\"say \\\"hi\\\"\""), "\(text)")
        let loaded = try #require(Models.load(directory: directory).model as? BertForSequenceClassification)
        #expect(loaded.config.labels?.names == names)
    }

    @Test func floatFieldsStayFloatsInConfigJSON() throws {
        // transformers 5.24 rejects `"initializer_factor": 1` (an int in a float-only field).
        var config = CLIPConfig()
        (config.textConfig.hiddenSize, config.textConfig.intermediateSize, config.textConfig.numHiddenLayers) = (
            8, 8, 1
        )
        (config.visionConfig.hiddenSize, config.visionConfig.intermediateSize, config.visionConfig.numHiddenLayers) = (
            8, 8, 1
        )
        (config.textConfig.numAttentionHeads, config.visionConfig.numAttentionHeads) = (2, 2)
        (config.textConfig.vocabSize, config.visionConfig.imageSize, config.projectionDim, config.logitScaleInitValue) =
            (20, 64, 4, 2)
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try CLIPModel(config: config).save(directory: directory)
        let text = try String(contentsOfFile: directory + "/config.json", encoding: .utf8)
        #expect(text.contains("\"initializer_factor\": 1.0,"))
        #expect(text.contains("\"logit_scale_init_value\": 2.0,"))
        #expect(text.contains("\"hidden_size\": 8,"))
        #expect(text.contains("\"layer_norm_eps\": 1e-05,"))
    }

    @Test func audioHostsRoundTripWithTheirTower() throws {
        // The test tower is not a registered model type, so the folder cannot be rebuilt from
        // config.json alone; its config and keys must still be written out.
        let model = try AudioTowerHostTests.clip()
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.save(directory: directory)
        let keys = try SafeTensorsFile(path: directory + "/model.safetensors").names
        #expect(
            keys.contains("audio_model.projection.weight") && keys.contains("audio_projection.weight")
                && keys.contains("audio_logit_scale"))
        #expect(throws: ModelError.self) { try Models.load(directory: directory) }
        // Rebuilt by hand (plain CLIP + the tower), the folder loads strictly.
        var plain = model.config
        plain.audioConfig = nil
        let rebuilt = try CLIPModel(config: plain)
        try rebuilt.attachAudioTower(FrameTower(seed: 99))
        try rebuilt.loadCheckpoint(directory: directory)
        let inputs = ModelInput(["input_values": AudioTowerHostTests.audio, "pixel_values": AudioTowerHostTests.images])
        let a = try noGrad { try model.forward(inputs) }, b = try noGrad { try rebuilt.forward(inputs) }
        #expect(relativeError(b["logits_per_audio"]!, a["logits_per_audio"]!) == 0)
    }
}
