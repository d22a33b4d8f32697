import Models
import TensorCore
import Testing

/// The generic renames of MODELS.md §0 and the floating-point conversion helper.
@Suite struct CheckpointNameTests {
    @Test(arguments: [
        ("bert.embeddings.LayerNorm.gamma", "bert.embeddings.LayerNorm.weight"),
        ("encoder.layer.0.output.LayerNorm.beta", "encoder.layer.0.output.LayerNorm.bias"),
        ("encoder.pos_conv_embed.conv.weight_g", "encoder.pos_conv_embed.conv.parametrizations.weight.original0"),
        ("encoder.pos_conv_embed.conv.weight_v", "encoder.pos_conv_embed.conv.parametrizations.weight.original1"),
        ("encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.weight"),
        ("gamma.weight", "gamma.weight"),
    ])
    func currentName(old: String, new: String) {
        #expect(ModelWeights.currentName(of: old) == new)
    }

    @Test func normalizingKeepsTensorsAndSources() throws {
        let t = Tensor.ones([2])
        let weights = ModelWeights(
            tensors: ["a.LayerNorm.gamma": t, "b": t], sources: ["a.LayerNorm.gamma": "f.bin", "b": "f.bin"])
        let renamed = try weights.normalizingLegacyNames()
        #expect(Set(renamed.tensors.keys) == ["a.LayerNorm.weight", "b"])
        #expect(renamed.tensors["a.LayerNorm.weight"] === t)
        #expect(renamed.sources["a.LayerNorm.weight"] == "f.bin")
    }

    @Test func collidingNamesAreAnError() throws {
        let t = Tensor.ones([2])
        let weights = ModelWeights(
            tensors: ["x.LayerNorm.gamma": t, "x.LayerNorm.weight": t],
            sources: ["x.LayerNorm.gamma": "f.bin", "x.LayerNorm.weight": "f.bin"])
        let error = try #require(checkpointError { _ = try weights.normalizingLegacyNames() })
        #expect(error.path == "f.bin")
        #expect(error.key == "x.LayerNorm.weight")
    }

    @Test func convertsOnlyFloatingPoint() throws {
        let weights = try ModelWeights.load(file: CheckpointFixture.path("zip.pt")).convertingFloatingPoint(
            to: .float32)
        let original = try TorchCheckpoint.read(path: CheckpointFixture.path("zip.pt"))
        for (name, tensor) in weights.tensors {
            let before = try #require(original[name])
            #expect(tensor.dtype == (before.dtype.isFloatingPoint ? .float32 : before.dtype), "\(name)")
            #expect(tensor.toArray(of: Double.self) == before.toArray(of: Double.self), "\(name)")
        }
    }
}
