import Foundation
import Models
import NN
import TensorCore
import Testing

/// Bad configurations and checkpoints fail with errors that name the file and the field or key.
@Suite struct LoadingErrorTests {
    /// A saved tiny BERT whose `config.json` or weights a test then spoils.
    static func savedBert() throws -> String {
        var config = BertConfig()
        (
            config.vocabSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads,
            config.intermediateSize
        ) = (20, 8, 1, 2, 12)
        let directory = SaveLoadTests.temporaryDirectory()
        try BertModel(config: config).save(directory: directory)
        return directory
    }

    static func editConfig(_ directory: String, _ edit: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: directory + "/config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    static func editWeights(_ directory: String, _ edit: (inout [String: Tensor]) throws -> Void) throws {
        var tensors = try SafeTensors.load(path: directory + "/model.safetensors")
        try edit(&tensors)
        try SafeTensors.save(tensors.mapValues { $0.copied() }, to: directory + "/model.safetensors")
    }

    /// The message of the `ModelError` that loading `directory` throws.
    static func loadError(_ directory: String, strict: Bool = true) -> String {
        do {
            _ = try Models.load(directory: directory, strict: strict)
            return "no error"
        } catch let error as ModelError {
            return error.description
        } catch {
            return "not a ModelError: \(error)"
        }
    }

    @Test func configFieldOfTheWrongType() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.editConfig(directory) { $0["hidden_size"] = "eight" }
        let message = Self.loadError(directory)
        #expect(message.hasPrefix(directory + "/config.json: field 'hidden_size': expected an integer"), "\(message)")
    }

    @Test func missingModelType() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.editConfig(directory) { $0["model_type"] = nil }
        #expect(
            Self.loadError(directory) == directory
                + "/config.json: missing required field 'model_type' (for a UNITER repository config, load with UNITERModel)"
        )
    }

    @Test func nestedFieldsAreNamedWithTheirPath() throws {
        let json: [String: JSONValue] = ["text_config": .object(["num_attention_heads": .string("8")])]
        #expect(
            throws: ModelError.config(
                "clip: field 'text_config.num_attention_heads': expected an integer (Expected to decode Int but found a string instead.)"
            )
        ) {
            _ = try CLIPConfig(json: json, source: "clip")
        }
        let heads: [String: JSONValue] = ["hidden_size": .number(10), "num_attention_heads": .number(4)]
        #expect(
            throws: ModelError.config(
                "nn.ViT: field 'num_attention_heads': hidden size 10 is not a multiple of 4 heads")
        ) {
            _ = try ViTConfig(json: heads, source: "nn.ViT")
        }
    }

    @Test func unknownFields() throws {
        // Typed by hand, a misspelt field is caught, nested ones too; in a config.json it is kept
        // (and written back) but not read.
        let typo: [String: JSONValue] = ["hidden_sise": .number(64)]
        #expect(throws: ModelError.config("nn.BERT: unknown field 'hidden_sise' (did you mean 'hidden_size'?)")) {
            _ = try BertConfig(json: typo, source: "nn.BERT", rejectingUnknownFields: true)
        }
        let nested: [String: JSONValue] = ["audio": .object(["colour": .number(1)])]
        let error = try #require(throws: ModelError.self) {
            _ = try FusionConfig(json: nested, source: "nn.Fusion", rejectingUnknownFields: true)
        }
        #expect(error.description.hasPrefix("nn.Fusion: unknown field 'audio.colour' (known fields: "), "\(error)")
        let read = try BertConfig(json: typo, source: "config.json")
        #expect(read.hiddenSize == BertConfig().hiddenSize && read.extra == typo)
        #expect(read.json["hidden_sise"] == .number(64))
        #expect(
            try BertConfig(
                json: ["hidden_dropout_prob": .number(0.2), "model_type": .string("bert")], rejectingUnknownFields: true
            ).hiddenDropoutProb == 0.2)
    }

    @Test func tensorOfTheWrongShape() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.editWeights(directory) { $0["encoder.layer.0.output.dense.weight"] = Tensor.zeros([8, 11]) }
        #expect(
            Self.loadError(directory)
                == directory
                + "/model.safetensors: tensor 'encoder.layer.0.output.dense.weight' has shape [8, 11], but BertModel expects [8, 12] for 'encoder.layer.0.output.dense.weight'"
        )
    }

    @Test func missingAndUnexpectedTensors() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.editWeights(directory) { tensors in
            tensors["pooler.dense.bias"] = nil
            tensors["encoder.layer.7.output.dense.weight"] = Tensor.zeros([8, 12])
        }
        #expect(
            Self.loadError(directory) == directory
                + "/model.safetensors: does not match BertModel: missing tensors for 'pooler.dense.bias'; "
                + "unexpected tensors 'encoder.layer.7.output.dense.weight' (load with strict=false to accept)")
        let loaded = try Models.load(directory: directory, strict: false)
        #expect(loaded.report.missing == ["pooler.dense.bias"])
        #expect(loaded.report.unexpected == ["encoder.layer.7.output.dense.weight"])
    }

    @Test func integerTensorForAFloatParameter() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.editWeights(directory) { $0["pooler.dense.bias"] = Tensor.zeros([8], dtype: .int64) }
        #expect(
            Self.loadError(directory).hasSuffix(
                "tensor 'pooler.dense.bias' has dtype int64; parameter 'pooler.dense.bias' needs floating point"))
    }

    @Test func truncatedCheckpoint() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        let message = Self.loadError(directory)
        #expect(message.hasPrefix(path + ": not a valid safetensors file: tensor '"), "\(message)")
        #expect(message.contains("outside the"), "\(message)")
    }

    @Test func legacyNamesAndPrefixesLoad() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = try Models.load(directory: directory).model
        // An old hub file: `bert.` prefix, LayerNorm gamma/beta, a position_ids buffer, an MLM head.
        try Self.editWeights(directory) { tensors in
            var renamed: [String: Tensor] = [:]
            for (key, value) in tensors {
                let old = key.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma")
                    .replacingOccurrences(of: "LayerNorm.bias", with: "LayerNorm.beta")
                renamed["bert." + old] = value
            }
            renamed["bert.embeddings.position_ids"] = try Tensor.arange(0, 512).reshaped([1, 512])
            renamed["cls.predictions.bias"] = Tensor.zeros([20])
            tensors = renamed
        }
        let legacy = try Models.load(directory: directory).model
        for (key, value) in original.stateDict() {
            #expect(legacy.stateDict()[key]!.toArray(of: Float.self) == value.toArray(of: Float.self), "\(key)")
        }
    }

    @Test func halfPrecisionCheckpointsUpcast() throws {
        let directory = try Self.savedBert()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = try Models.load(directory: directory).model
        try Self.editWeights(directory) { tensors in
            tensors = tensors.mapValues { $0.converted(to: .bfloat16) }
        }
        let loaded = try Models.load(directory: directory).model
        for (key, value) in original.stateDict() {
            let expected = value.converted(to: .bfloat16).converted(to: .float32)
            #expect(loaded.stateDict()[key]!.dtype == .float32)
            #expect(loaded.stateDict()[key]!.toArray(of: Float.self) == expected.toArray(of: Float.self), "\(key)")
        }
    }
}
