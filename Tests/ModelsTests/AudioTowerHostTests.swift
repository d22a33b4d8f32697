import Models
import NN
import TensorCore
import Testing
import TestSupport

/// CLIP's third tower and UNITER's audio tokens, built from parity-tested parts.
@Suite struct AudioTowerHostTests {
    static func clip() throws -> CLIPModel {
        var c = CLIPConfig()
        (c.textConfig.vocabSize, c.textConfig.hiddenSize, c.textConfig.intermediateSize) = (50, 16, 20)
        (
            c.textConfig.numHiddenLayers, c.textConfig.numAttentionHeads, c.textConfig.maxPositionEmbeddings,
            c.textConfig.eosTokenId
        ) = (1, 2, 8, 49)
        (c.visionConfig.hiddenSize, c.visionConfig.intermediateSize, c.visionConfig.numHiddenLayers) = (12, 20, 1)
        (c.visionConfig.numAttentionHeads, c.visionConfig.imageSize, c.visionConfig.patchSize) = (2, 8, 4)
        c.projectionDim = 10
        let model = try CLIPModel(config: c)
        try model.attachAudioTower(FrameTower())
        return model.eval()
    }

    static let audio = Tensor.randn([3, 16], generator: RandomGenerator(seed: 5))
    static let images = Tensor.randn([3, 3, 8, 8], generator: RandomGenerator(seed: 6))

    @Test func clipAudioEmbedsAreTheNormalisedProjectedMeanOfTheFrames() throws {
        let model = try Self.clip()
        let out = try noGrad {
            try model.forward(ModelInput(["input_values": Self.audio, "pixel_values": Self.images], returnLoss: true))
        }
        let features = try noGrad { try model.audioFeatures(inputValues: Self.audio) }
        let voice = try Loss.normalized(features)
        #expect(relativeError(out["audio_embeds"]!, voice) < 1e-6)
        let state = model.stateDict()
        let image = out["image_embeds"]!
        let logits = try state["audio_logit_scale"]!.exp() * voice.matmul(image.t())
        #expect(relativeError(out["logits_per_audio"]!, logits) < 1e-6)
        // Only the image–audio pair is present, so the loss is its symmetric contrastive loss.
        let loss = try Loss.contrastive(
            features, noGrad { try model.imageFeatures(pixelValues: Self.images) },
            logScale: state["audio_logit_scale"]!)
        #expect(relativeError(out["loss"]!, loss) < 1e-5)
        let projected = try FrameTower().encodeAudio(Self.audio, attentionMask: nil).meanPooled().linear(
            weight: state["audio_projection.weight"]!)
        #expect(relativeError(features, projected) < 1e-6)
    }

    @Test func clipLossAveragesTheTextAndAudioPairs() throws {
        let model = try Self.clip()
        let ids = try Tensor(shape: [3, 4], scalars: [Int64(1), 5, 7, 49, 1, 9, 49, 49, 1, 3, 4, 49])
        let inputs = ["input_ids": ids, "input_values": Self.audio, "pixel_values": Self.images]
        let both = try noGrad { try model.forward(ModelInput(inputs, returnLoss: true))["loss"]! }
        var textOnly = inputs
        textOnly["input_values"] = nil
        var audioOnly = inputs
        audioOnly["input_ids"] = nil
        let text = try noGrad { try model.forward(ModelInput(textOnly, returnLoss: true))["loss"]! }
        let voice = try noGrad { try model.forward(ModelInput(audioOnly, returnLoss: true))["loss"]! }
        #expect(relativeError(both, try (text + voice) / 2) < 1e-6)
    }

    @Test func clipPermutingTheAudioBatchPermutesTheLogitRows() throws {
        let model = try Self.clip()
        let order = try Tensor(shape: [3], scalars: [Int64(2), 0, 1])
        let a = try noGrad {
            try model.forward(ModelInput(["input_values": Self.audio, "pixel_values": Self.images]))[
                "logits_per_audio"]!
        }
        let permuted = try Self.audio.indexSelect(axis: 0, indices: order)
        let b = try noGrad {
            try model.forward(ModelInput(["input_values": permuted, "pixel_values": Self.images]))["logits_per_audio"]!
        }
        #expect(relativeError(b, try a.indexSelect(axis: 0, indices: order)) < 1e-6)
    }

    static func uniter() throws -> UNITERModel {
        var c = UNITERConfig()
        (
            c.bert.vocabSize, c.bert.hiddenSize, c.bert.numHiddenLayers, c.bert.numAttentionHeads,
            c.bert.intermediateSize
        ) = (40, 16, 2, 2, 24)
        (c.bert.hiddenDropoutProb, c.bert.attentionProbsDropoutProb, c.imgDim) = (0, 0, 5)
        return try UNITERModel(config: c).eval()
    }

    static func uniterInputs() throws -> [String: Tensor] {
        let g = RandomGenerator(seed: 9)
        return [
            "input_ids": try Tensor(shape: [2, 4], scalars: [Int64(2), 7, 9, 3, 2, 8, 3, 0]),
            "attention_mask": try Tensor(shape: [2, 4], scalars: [Int64(1), 1, 1, 1, 1, 1, 1, 0]),
            "img_feat": Tensor.randn([2, 3, 5], generator: g), "img_pos_feat": Tensor.rand([2, 3, 7], generator: g),
        ]
    }

    @Test func uniterAudioTokensFollowTheRegionsAndIgnorePadding() throws {
        let model = try Self.uniter()
        let before = try noGrad { try model.forward(ModelInput(Self.uniterInputs()))["pooler_output"]! }
        try model.attachAudioTower(FrameTower())
        var inputs = try Self.uniterInputs()
        // Without audio input the attached tower changes nothing.
        let unchanged = try noGrad { try model.forward(ModelInput(inputs))["pooler_output"]! }
        #expect(relativeError(unchanged, before) == 0)
        inputs["input_values"] = try Self.audio.narrow(axis: 0, start: 0, length: 2)
        inputs["audio_attention_mask"] = try Tensor(
            shape: [2, 16], scalars: (0..<32).map { $0 < 16 || $0 % 16 < 8 ? Int64(1) : 0 })
        let out = try noGrad { try model.forward(ModelInput(inputs)) }
        #expect(out["last_hidden_state"]!.shape == [2, 4 + 3 + 4, 16])
        // Item 1 with its padded audio equals item 1 alone with only its 8 real samples.
        var alone = try inputs.mapValues { try $0.narrow(axis: 0, start: 1, length: 1) }
        alone["input_values"] = try alone["input_values"]!.narrow(axis: 1, start: 0, length: 8)
        alone["audio_attention_mask"] = nil
        let single = try noGrad { try model.forward(ModelInput(alone)) }
        for key in ["pooler_output", "itm_logits"] {
            let padded = try out[key]!.select(axis: 0, index: 1), alone = try single[key]!.select(axis: 0, index: 0)
            #expect(relativeError(padded, alone) < 1e-5, "\(key)")
        }
        #expect(model.stateDict().keys.contains("uniter.audio_embeddings.token_type_embedding.weight"))
    }
}
