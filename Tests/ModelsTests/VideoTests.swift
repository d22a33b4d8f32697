import Models
import NN
import TensorCore
import Testing
import TestSupport

/// Vision towers take video `[B, T, C, S, S]`: per-frame outputs come back as `[B, T, …]` and
/// pooled embeddings are the mean over frames of the per-frame ones.
@Suite struct VideoTests {
    static let video = Tensor.randn([2, 3, 3, 32, 32], generator: RandomGenerator(seed: 4))
    static var frames: Tensor { get throws { try video.reshaped([6, 3, 32, 32]) } }

    @Test func vitPoolsFrameEmbeddingsOverTime() throws {
        let model = try Models.load(directory: ModelFixture("vit-model").directory).model
        let clip = try noGrad { try model.forward(ModelInput(["pixel_values": Self.video])) }
        let single = try noGrad { try model.forward(ModelInput(["pixel_values": Self.frames])) }
        #expect(clip["last_hidden_state"]!.shape == [2, 3, 17, 32])
        #expect(
            relativeError(clip["last_hidden_state"]!, try single["last_hidden_state"]!.reshaped([2, 3, 17, 32])) == 0)
        let pooled = try single["pooler_output"]!.reshaped([2, 3, 32]).mean(axes: [1])
        #expect(relativeError(clip["pooler_output"]!, pooled) < 1e-6)
        // A one-frame video is the image.
        let one = try noGrad { try model.forward(ModelInput(["pixel_values": Self.frames.unsqueezed(at: 1)])) }
        #expect(relativeError(one["pooler_output"]!, single["pooler_output"]!) == 0)
    }

    @Test func classifierAveragesClassTokensOverTime() throws {
        let model = try Models.load(directory: ModelFixture("vit-classifier").directory).model
        let video = Tensor.randn([2, 4, 3, 32, 32], generator: RandomGenerator(seed: 8))
        let logits = try noGrad { try model.forward(ModelInput(["pixel_values": video]))["logits"]! }
        let perFrame = try noGrad {
            try model.forward(ModelInput(["pixel_values": video.reshaped([8, 3, 32, 32])]))["logits"]!
        }
        // The classifier is affine, so averaging class tokens equals averaging frame logits.
        #expect(relativeError(logits, try perFrame.reshaped([2, 4, 3]).mean(axes: [1])) < 1e-5)
    }

    @Test func clipImageEmbedsPoolBeforeNormalising() throws {
        let clip = try #require(
            try Models.load(directory: ModelFixture("clip-first-eos").directory).model as? CLIPModel)
        let out = try noGrad { try clip.forward(ModelInput(["pixel_values": Self.video])) }
        let perFrame = try noGrad { try clip.imageFeatures(pixelValues: Self.frames) }
        let expected = try Loss.normalized(perFrame.reshaped([2, 3, -1]).mean(axes: [1]))
        #expect(relativeError(out["image_embeds"]!, expected) < 1e-6)
        #expect(out["vision_model_output.last_hidden_state"]!.shape.prefix(2) == [2, 3])
    }

    @Test func wrongImageSizeIsAnError() throws {
        let model = try Models.load(directory: ModelFixture("vit-model").directory).model
        #expect(
            throws: ModelError.input(
                "ViTModel: each image must be [3, 32, 32] (num_channels, image_size), got [3, 30, 30] in pixel_values [2, 3, 30, 30]"
            )
        ) {
            _ = try model.forward(ModelInput(["pixel_values": Tensor.zeros([2, 3, 30, 30])]))
        }
    }
}
