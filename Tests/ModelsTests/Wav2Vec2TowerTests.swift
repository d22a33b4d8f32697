import Foundation
import Models
import NN
import TensorCore
import Testing
import TestSupport

/// The audio extensions with the real Wav2Vec2 encoder: built from configuration tables as
/// `nn.Fusion{...}`/`nn.CLIP{...}` do, saved and loaded back through `Models.load`, padding
/// ignored with the layer-norm (stable) variant and a mask.
@Suite struct Wav2Vec2TowerTests {
    /// A tiny stable (layer-norm) Wav2Vec2: 400 samples give 39 frames.
    static let audio: [String: JSONValue] = [
        "hidden_size": .number(16), "num_hidden_layers": .number(1), "num_attention_heads": .number(2),
        "intermediate_size": .number(24), "conv_dim": .array([.number(8), .number(8)]),
        "conv_kernel": .array([.number(10), .number(3)]), "conv_stride": .array([.number(5), .number(2)]),
        "num_conv_pos_embeddings": .number(4), "num_conv_pos_embedding_groups": .number(2),
        "feat_extract_norm": .string("layer"), "do_stable_layer_norm": .bool(true), "conv_bias": .bool(true),
        "mask_time_prob": .number(0),
    ]
    static let vision: [String: JSONValue] = [
        "hidden_size": .number(16), "num_hidden_layers": .number(1), "num_attention_heads": .number(2),
        "intermediate_size": .number(20), "image_size": .number(8), "patch_size": .number(4),
    ]

    /// A loader batch: two clips of 2 frames, 400 samples of audio, the second padded after 240.
    static func batch() throws -> [String: Tensor] {
        let g = RandomGenerator(seed: 12)
        let mask = try Tensor(shape: [2, 400], scalars: (0..<800).map { $0 < 400 || $0 % 400 < 240 ? Int64(1) : 0 })
        let audio = try Tensor.randn([2, 400], generator: g) * mask.converted(to: .float32)
        return [
            "pixel_values": Tensor.randn([2, 2, 3, 8, 8], generator: g), "input_values": audio,
            "attention_mask": mask, "labels": try Tensor(shape: [2], scalars: [Int64(1), 2]),
        ]
    }

    static func roundTrip(_ model: any PretrainedModel, _ inputs: ModelInput) throws {
        let directory = SaveLoadTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        model.eval()
        try model.save(directory: directory)
        let loaded = try Models.load(directory: directory).model
        #expect(type(of: loaded) == type(of: model))
        let a = try noGrad { try model.forward(inputs) }, b = try noGrad { try loaded.forward(inputs) }
        #expect(Set(a.keys) == Set(b.keys))
        for (key, value) in a { #expect(relativeError(b[key]!, value) == 0, "\(key)") }
    }

    @Test(arguments: ["concat", "attention"])
    func fusionFromConfigTablesRoundTrips(_ mode: String) throws {
        let json: [String: JSONValue] = [
            "model_type": .string("ember-fusion"), "vision": .object(Self.vision),
            "audio": .object(Self.audio), "num_labels": .number(3), "fusion": .string(mode),
        ]
        let model = try Models.build(config: json, source: "nn.Fusion")
        let fusion = try #require(model as? FusionModel)
        #expect(fusion.audio is Wav2Vec2Model)
        let out = try fusion.forward(ModelInput(Self.batch()))
        #expect(out["logits"]!.shape == [2, 3])
        try out["loss"]!.backward()
        try Self.roundTrip(fusion, ModelInput(Self.batch()))
    }

    @Test(arguments: ["concat", "attention"])
    func fusionIgnoresPaddingWithTheStableVariant(_ mode: String) throws {
        let config = try FusionConfig(
            json: [
                "vision": .object(Self.vision), "audio": .object(Self.audio),
                "num_labels": .number(3), "fusion": .string(mode),
            ], source: "nn.Fusion")
        let model = try FusionModel(config: config).eval()
        let batch = try Self.batch()
        let padded = try noGrad { try model.forward(ModelInput(batch))["logits"]! }.select(axis: 0, index: 1)
        let alone = [
            "pixel_values": try batch["pixel_values"]!.narrow(axis: 0, start: 1, length: 1),
            "input_values": try batch["input_values"]!.narrow(axis: 0, start: 1, length: 1).narrow(
                axis: 1, start: 0, length: 240),
        ]
        let single = try noGrad { try model.forward(ModelInput(alone))["logits"]! }.select(axis: 0, index: 0)
        #expect(relativeError(padded, single) < 1e-5)
        // The audio embedding is Wav2Vec2's own mean over valid frames.
        let encoder = try #require(model.audio as? Wav2Vec2Model)
        let pooled = try noGrad {
            try encoder(batch["input_values"]!, attentionMask: batch["attention_mask"]).meanPooled()
        }
        let embeds = try noGrad { try model.forward(ModelInput(batch))["audio_embeds"]! }
        #expect(relativeError(embeds, pooled) < 1e-6)
    }

    @Test func clipAndUNITERWithAudioConfigsRoundTrip() throws {
        var clip = try CLIPConfig(
            json: [
                "text_config": .object([
                    "vocab_size": .number(30), "hidden_size": .number(16), "intermediate_size": .number(20),
                    "num_hidden_layers": .number(1), "num_attention_heads": .number(2), "eos_token_id": .number(29),
                ]),
                "vision_config": .object(Self.vision), "projection_dim": .number(8),
                "audio_config": .object(Self.audio),
            ], source: "nn.CLIP")
        clip.visionConfig.numHiddenLayers = 1
        let batch = try Self.batch()
        let ids = try Tensor(shape: [2, 4], scalars: [Int64(3), 7, 29, 29, 5, 9, 11, 29])
        let inputs = ModelInput(
            [
                "input_ids": ids, "pixel_values": batch["pixel_values"]!, "input_values": batch["input_values"]!,
                "audio_attention_mask": batch["attention_mask"]!,
            ], returnLoss: true)
        let model = try CLIPModel(config: clip)
        #expect(model.audioModel is Wav2Vec2Model)
        #expect(try model.forward(inputs)["logits_per_audio"]!.shape == [2, 2])
        try Self.roundTrip(model, inputs)

        var uniter = UNITERConfig()
        (uniter.bert.vocabSize, uniter.bert.hiddenSize, uniter.bert.numHiddenLayers) = (30, 16, 1)
        (uniter.bert.numAttentionHeads, uniter.bert.intermediateSize, uniter.imgDim) = (2, 24, 5)
        uniter.audioConfig = try Wav2Vec2Config(json: Self.audio)
        let g = RandomGenerator(seed: 3)
        let uniterInputs = ModelInput([
            "input_ids": ids, "img_feat": Tensor.randn([2, 3, 5], generator: g),
            "img_pos_feat": Tensor.rand([2, 3, 7], generator: g), "input_values": batch["input_values"]!,
            "audio_attention_mask": batch["attention_mask"]!,
        ])
        let uniterModel = try UNITERModel(config: uniter)
        #expect(try uniterModel.forward(uniterInputs)["last_hidden_state"]!.shape == [2, 4 + 3 + 39, 16])
        try Self.roundTrip(uniterModel, uniterInputs)
    }
}
