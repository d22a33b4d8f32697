import Models
import NN
import TensorCore
import Testing
import TestSupport

/// Ember's audio extensions have no transformers reference; their parts are parity-tested, so
/// these tests check how the parts are put together and invariances the design promises.
@Suite struct AudioCompositionTests {
    static func tinyViT() -> ViTConfig {
        var c = ViTConfig()
        (c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (16, 1, 2, 20)
        (c.imageSize, c.patchSize) = (8, 4)
        return c
    }

    static func fusion(_ mode: FusionConfig.Mode) throws -> FusionModel {
        let vit = try ViTModel(config: tinyViT(), addPoolingLayer: false)
        return try FusionModel(vision: vit, audio: FrameTower(), labels: ClassLabels(count: 3), fusion: mode).eval()
    }

    /// Two clips of 3 frames and two waveforms of 24 samples, the second padded after 12.
    static func batch() throws -> [String: Tensor] {
        let g = RandomGenerator(seed: 11)
        let audio = Tensor.randn([2, 24], generator: g)
        let mask = try Tensor(shape: [2, 24], scalars: (0..<48).map { $0 < 24 || $0 % 24 < 12 ? Int64(1) : 0 })
        return [
            "pixel_values": Tensor.randn([2, 3, 3, 8, 8], generator: g), "input_values": audio, "attention_mask": mask,
            "labels": try Tensor(shape: [2], scalars: [Int64(2), 0]),
        ]
    }

    @Test(arguments: FusionConfig.Mode.allCases)
    func fusionPermutingTheBatchPermutesTheLogits(_ mode: FusionConfig.Mode) throws {
        let model = try Self.fusion(mode)
        let batch = try Self.batch()
        let order = try Tensor(shape: [2], scalars: [Int64(1), 0])
        let swapped = try batch.mapValues { try $0.indexSelect(axis: 0, indices: order) }
        let a = try noGrad { try model.forward(ModelInput(batch))["logits"]! }
        let b = try noGrad { try model.forward(ModelInput(swapped))["logits"]! }
        #expect(relativeError(try b.indexSelect(axis: 0, indices: order), a) < 1e-6)
    }

    @Test(arguments: FusionConfig.Mode.allCases)
    func fusionIgnoresAudioPadding(_ mode: FusionConfig.Mode) throws {
        let model = try Self.fusion(mode)
        let batch = try Self.batch()
        let padded = try noGrad { try model.forward(ModelInput(batch))["logits"]! }.select(axis: 0, index: 1)
        let alone: [String: Tensor] = [
            "pixel_values": try batch["pixel_values"]!.narrow(axis: 0, start: 1, length: 1),
            "input_values": try batch["input_values"]!.narrow(axis: 0, start: 1, length: 1).narrow(
                axis: 1, start: 0, length: 12),
        ]
        let single = try noGrad { try model.forward(ModelInput(alone))["logits"]! }.select(axis: 0, index: 0)
        #expect(relativeError(padded, single) < 1e-5)
    }

    @Test func fusionConcatIsTheClassifierOfBothPooledEmbeddings() throws {
        let model = try Self.fusion(.concat)
        let batch = try Self.batch()
        let outputs = try noGrad { try model.forward(ModelInput(batch)) }
        // Vision: the final class token of each frame, averaged over frames.
        let frames = try batch["pixel_values"]!.reshaped([6, 3, 8, 8])
        let tokens = try noGrad { try model.vision.forward(ModelInput(["pixel_values": frames]))["last_hidden_state"]! }
        let vision = try tokens.select(axis: 1, index: 0).reshaped([2, 3, 16]).mean(axes: [1])
        // Audio: the valid frames averaged.
        let audio = try noGrad {
            try model.audio.encodeAudio(batch["input_values"]!, attentionMask: batch["attention_mask"]).meanPooled()
        }
        let state = model.stateDict()
        let expected = try Tensor.cat([vision, audio], axis: 1).linear(
            weight: state["classifier.weight"]!, bias: state["classifier.bias"]!)
        #expect(relativeError(outputs["logits"]!, expected) < 1e-5)
        #expect(relativeError(outputs["vision_embeds"]!, vision) < 1e-6)
        #expect(relativeError(outputs["audio_embeds"]!, audio) < 1e-6)
        let loss = try Loss.crossEntropy(expected, batch["labels"]!)
        #expect(relativeError(outputs["loss"]!, loss) < 1e-5)
    }

    @Test(arguments: FusionConfig.Mode.allCases)
    func fusionTrainsEveryParameter(_ mode: FusionConfig.Mode) throws {
        let model = try Self.fusion(mode)
        try model.forward(ModelInput(Self.batch()))["loss"]!.backward()
        let missing = model.namedParameters().filter { $0.tensor.grad == nil }.map(\.name)
        // The key bias cannot receive a gradient through softmax; nothing else may lack one.
        #expect(missing.allSatisfy { $0.hasSuffix("attention.attention.key.bias") }, "no gradient: \(missing)")
    }
}
