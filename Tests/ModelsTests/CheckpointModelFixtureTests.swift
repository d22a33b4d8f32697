import Foundation
import Models
import TensorCore
import Testing

/// The model fixtures' weight files in their old layouts read back to the current ones.
@Suite struct CheckpointModelFixtureTests {
    static let models = CheckpointFixture.directory.deletingLastPathComponent().appendingPathComponent("models")

    static func path(_ relative: String) -> String { models.appendingPathComponent(relative).path }

    struct Case: Decodable { let name: String }

    @Test func everyCaseFolderLoads() throws {
        let cases = try JSONDecoder().decode(
            [Case].self, from: Data(contentsOf: Self.models.appendingPathComponent("cases.json")))
        #expect(cases.count >= 20)
        for c in cases {
            let weights = try ModelWeights.load(directory: Self.path(c.name))
            #expect(!weights.tensors.isEmpty, "\(c.name)")
        }
    }

    /// UNITER's float16 legacy-format .pt, with tied tensors sharing one storage, upcasts to the
    /// float32 safetensors file exactly (the weights are float16-exact).
    @Test func uniterHalfPrecisionPickle() throws {
        let pt = try TorchCheckpoint.read(path: Self.path("uniter/model_step_100.pt"))
        #expect(pt["uniter.pooler.dense.weight"]?.dtype == .float16)
        #expect(
            pt["cls.predictions.decoder.weight"]!.storage === pt["uniter.embeddings.word_embeddings.weight"]!.storage)
        #expect(pt["feat_regress.weight"]!.storage === pt["uniter.img_embeddings.img_linear.weight"]!.storage)
        let upcast = ModelWeights(tensors: pt, sources: [:]).convertingFloatingPoint(to: .float32).tensors
        let expected = try SafeTensors.load(path: Self.path("uniter/model.safetensors"))
        #expect(differences(upcast, expected) == [])
    }

    @Test func uniterBertInitialisationRenames() throws {
        let initial = try ModelWeights.load(directory: Self.path("uniter-init")).normalizingLegacyNames()
        #expect(initial.tensors.keys.contains { $0.hasSuffix("LayerNorm.gamma") } == false)
        let full = try SafeTensors.load(path: Self.path("uniter/model.safetensors"))
        #expect(differences(initial.tensors, full.filter { initial.tensors[$0.key] != nil }) == [])
        #expect(
            initial.tensors.count
                == full.keys.filter { $0.hasPrefix("uniter.") && !$0.hasPrefix("uniter.img_embeddings.") }.count)
    }

    /// An old hub BERT file: legacy format, `bert.` prefix, gamma/beta, extra keys.
    @Test func oldStyleBertFile() throws {
        let old = try ModelWeights.load(directory: Self.path("bert-legacy-names")).normalizingLegacyNames()
        #expect(old.files == [Self.path("bert-legacy-names/pytorch_model.bin")])
        let expected = try SafeTensors.load(path: Self.path("bert-model/model.safetensors"))
        var stripped: [String: Tensor] = [:]
        for (name, tensor) in old.tensors where name.hasPrefix("bert.") { stripped[String(name.dropFirst(5))] = tensor }
        let extra = Set(stripped.keys).subtracting(expected.keys)
        #expect(extra == ["embeddings.position_ids"])
        #expect(differences(stripped.filter { expected[$0.key] != nil }, expected) == [])
        #expect(old.tensors["cls.seq_relationship.weight"]?.shape == [2, 32])
    }

    @Test func legacyWeightNormNames() throws {
        let old = try ModelWeights.load(directory: Self.path("wav2vec2-legacy-weight-norm"))
        #expect(old.tensors["encoder.pos_conv_embed.conv.weight_g"] != nil)
        let expected = try SafeTensors.load(path: Self.path("wav2vec2-base-group/model.safetensors"))
        #expect(differences(try old.normalizingLegacyNames().tensors, expected) == [])
    }
}
