import Foundation
import Models
import NN
import TensorCore
import TestSupport
import Testing

/// Frame lengths and masks, padding, key mapping, heads and from-scratch training of Wav2Vec2.
@Suite struct Wav2Vec2Tests {
    /// transformers' frame counts and frame masks (`frame-masks.json`), including items too short
    /// for any frame, where the reference's index −1 or −2 counts from the end.
    @Test func frameMasksMatchTransformers() throws {
        struct Reference: Decodable {
            var frames: Int
            var sample_lengths: [Int]
            var valid_frames: [Int]
            var frame_masks: [[Int]]
            var default_config_samples: [Int]
            var default_config_frames: [Int]
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Wav2Vec2Fixture.path("frame-masks.json")))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let model = try Wav2Vec2Model(config: Wav2Vec2Fixture.config("group-ctc"))
        #expect(model.config.frameCount(forSamples: 400) == reference.frames)
        let rows = reference.sample_lengths.map { n in (0..<400).map { Int64($0 < n ? 1 : 0) } }
        let mask = try Tensor(shape: [rows.count, 400], scalars: rows.flatMap { $0 })
        let (valid, lengths) = try model.frameMask(attentionMask: mask, frames: reference.frames)
        #expect(lengths == reference.valid_frames)
        #expect(
            valid.converted(to: .int64).toArray(of: Int64.self) == reference.frame_masks.flatMap { $0.map(Int64.init) })
        let defaults = Wav2Vec2Config()
        #expect(
            reference.default_config_samples.map(defaults.frameCount(forSamples:)) == reference.default_config_frames)
    }

    /// Stable (`layer`) variant: an item padded inside a batch gives, on its valid frames, what it
    /// gives alone (the property transformers has for this variant).
    @Test func layerVariantIsPaddingInvariant() throws {
        let model = try #require(try Wav2Vec2Fixture.model("layer-ctc") as? Wav2Vec2ForCTC).wav2vec2
        let inputs = try Wav2Vec2Fixture.tensors("layer-ctc", "inputs.safetensors")
        let batch = try model(inputs["input_values"]!, attentionMask: inputs["attention_mask"]!)
        #expect(batch.frameLengths == [19, 14])
        let alone = try model(
            inputs["input_values"]!.select(axis: 0, index: 1).narrow(axis: 0, start: 0, length: 300).unsqueezed(at: 0))
        let padded = try batch.lastHiddenState.select(axis: 0, index: 1).narrow(axis: 0, start: 0, length: 14)
        #expect(relativeError(padded, try alone.lastHiddenState.squeezed(at: 0)) < 1e-4)
        // Pooling covers only the valid frames.
        let pooled = try batch.meanPooled().select(axis: 0, index: 1)
        #expect(relativeError(pooled, try alone.lastHiddenState.mean(axes: [1]).squeezed(at: 0)) < 1e-4)
    }

    @Test func checkpointKeysMapToParameters() throws {
        let config = try Wav2Vec2Fixture.config("group-ctc")
        let ctc = try Wav2Vec2ForCTC(config: config)
        let base = try Wav2Vec2Model(config: config)
        let original0 = "encoder.pos_conv_embed.conv.parametrizations.weight.original0"
        #expect(ctc.parameterName(forCheckpointKey: "wav2vec2." + original0) == "wav2vec2." + original0)
        #expect(ctc.parameterName(forCheckpointKey: original0) == "wav2vec2." + original0)
        #expect(base.parameterName(forCheckpointKey: "wav2vec2." + original0) == original0)
        #expect(
            ctc.parameterName(forCheckpointKey: "feature_projection.projection.weight")
                == "wav2vec2.feature_projection.projection.weight")
        #expect(ctc.parameterName(forCheckpointKey: "lm_head.bias") == "lm_head.bias")
        #expect(base.parameterName(forCheckpointKey: "lm_head.bias") == nil)
        for ignored in [
            "quantizer.codevectors", "project_q.weight", "project_hid.bias", "classifier.weight", "projector.bias",
        ] {
            #expect(ctc.parameterName(forCheckpointKey: ignored) == nil, "\(ignored)")
        }
        // Unknown keys pass through, so a load reports them as unexpected.
        #expect(base.parameterName(forCheckpointKey: "adapter.proj.weight") == "adapter.proj.weight")
        var noSpec = config
        noSpec.maskTimeProb = 0
        #expect(try Wav2Vec2Model(config: noSpec).parameterName(forCheckpointKey: "wav2vec2.masked_spec_embed") == nil)
        #expect(base.parameterName(forCheckpointKey: "wav2vec2.masked_spec_embed") == "masked_spec_embed")
    }

    /// The old weight-norm names (`weight_g`/`weight_v`) of a state dict in memory load too: the
    /// loader renames them (``ModelWeights/currentName(of:)``) before asking the model.
    @Test func legacyWeightNormNamesLoadFromMemory() throws {
        let config = try Wav2Vec2Fixture.config("group-ctc")
        let source = try Wav2Vec2ForCTC(config: config), target = try Wav2Vec2ForCTC(config: config)
        var legacy: [String: Tensor] = [:]
        for (name, tensor) in source.stateDict() {
            let old = name.replacing("parametrizations.weight.original0", with: "weight_g")
                .replacing("parametrizations.weight.original1", with: "weight_v")
            legacy[old] = tensor
        }
        #expect(legacy["wav2vec2.encoder.pos_conv_embed.conv.weight_g"] != nil)
        try target.loadCheckpoint(ModelWeights(tensors: legacy, sources: [:]))
        for (name, tensor) in source.stateDict() {
            #expect(target.stateDict()[name]!.toArray(of: Float.self) == tensor.toArray(of: Float.self), "\(name)")
        }
    }

    /// A base model loads the encoder out of a CTC checkpoint and computes what its encoder does.
    @Test func baseModelLoadsHeadCheckpoint() throws {
        let base = try Wav2Vec2Model(config: Wav2Vec2Fixture.config("group-ctc"))
        try Wav2Vec2Fixture.load(base, from: Wav2Vec2Fixture.tensors("group-ctc", "model.safetensors"))
        base.eval()
        let out = try base.forward(
            ModelInput(["input_values": Wav2Vec2Fixture.tensors("group-ctc", "inputs.safetensors")["input_values"]!]))
        let expected = try Wav2Vec2Fixture.tensors("group-ctc", "outputs.safetensors")
        #expect(relativeError(out["last_hidden_state"]!, expected["nomask.last_hidden_state"]!) < 1e-4)
        #expect(relativeError(out["extract_features"]!, expected["nomask.extract_features"]!) < 1e-4)
    }

    /// MODELS.md §4's greedy-decoding example: merge runs, then drop blanks.
    @Test func greedyDecodingMergesRunsAndDropsBlanks() throws {
        var config = Wav2Vec2Config()
        (config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.numConvPosEmbeddingGroups) = (
            8, 0, 1, 1
        )
        let model = try Wav2Vec2ForCTC(config: config)
        let best = [0, 6, 6, 5, 0, 7, 7, 0, 7, 8, 4, 4]
        let logits = try Tensor(
            shape: [1, best.count, 32], scalars: best.flatMap { id in (0..<32).map { Float($0 == id ? 1 : 0) } })
        #expect(try model.greedyDecode(logits: logits) == [[6, 5, 7, 7, 8, 4]])
        #expect(try model.greedyDecode(logits: logits, frameLengths: [3]) == [[6]])
    }

    /// From scratch: the weight-normed positional weight starts equal to its direction v, and one
    /// backward reaches every parameter but the (unused) SpecAugment embedding.
    @Test(arguments: [Wav2Vec2Config.FeatureNorm.group, .layer])
    func fromScratchModelTrains(_ norm: Wav2Vec2Config.FeatureNorm) throws {
        var config = Wav2Vec2Config()
        (config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (16, 2, 2, 24)
        (config.convDim, config.convStride, config.convKernel) = ([8, 8], [5, 2], [10, 3])
        (config.numConvPosEmbeddings, config.numConvPosEmbeddingGroups, config.numLabels) = (4, 2, 3)
        config.featExtractNorm = norm
        config.doStableLayerNorm = norm == .layer
        let model = try Wav2Vec2ForSequenceClassification(config: config, generator: RandomGenerator(seed: 5)).eval()
        let weightNorm = model.wav2vec2.encoder.posConvEmbed.weightNorm
        #expect(relativeError(try weightNorm.weight(), weightNorm.direction) < 1e-6)
        let x = Tensor.randn([2, 120], generator: RandomGenerator(seed: 6))
        let mask = try Tensor(shape: [2, 120], scalars: (0..<240).map { Int64($0 < 200 ? 1 : 0) })
        let (logits, loss, encoder) = try model(
            x, attentionMask: mask, labels: Tensor(shape: [2], scalars: [Int64(2), 0]))
        #expect(logits.shape == [2, 3])
        #expect(encoder.lastHiddenState.shape == [2, 11, 16] && encoder.frameLengths == [11, 7])
        try #require(loss).backward()
        for (name, p) in model.namedParameters() {
            #expect((p.grad == nil) == name.hasSuffix("masked_spec_embed"), "\(name)")
        }
    }

    @Test func labelsOutsideTheVocabularyAreAnError() throws {
        let model = try #require(try Wav2Vec2Fixture.model("group-ctc") as? Wav2Vec2ForCTC)
        let x = try Wav2Vec2Fixture.tensors("group-ctc", "inputs.safetensors")["input_values"]!
        #expect(throws: ModelError.input("Wav2Vec2ForCTC: label 12 is not below vocab_size 12")) {
            try model(x, labels: Tensor(shape: [2, 1], scalars: [Int64(3), 12]))
        }
        #expect(throws: ModelError.self) { try model.forward(ModelInput(["attention_mask": x])) }
    }
}
