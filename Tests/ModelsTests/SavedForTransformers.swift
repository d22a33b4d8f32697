import Foundation
import Models
import NN
import TensorCore
import Testing

/// Writes Ember-saved model folders, with inputs and Ember's outputs on them, for
/// scripts/check-saved-models to load in transformers (which sets `EMBER_SAVE_MODELS` to the
/// folder to fill); skipped in the ordinary suite.
@Suite struct SavedForTransformers {
    static let target = ProcessInfo.processInfo.environment["EMBER_SAVE_MODELS"]

    /// Saves `model` to `<target>/<name>` with `inputs.safetensors` and Ember's
    /// `outputs.safetensors`.
    func write(_ name: String, _ model: any PretrainedModel, _ inputs: [String: Tensor], returnLoss: Bool = false)
        throws
    {
        let directory = Self.target! + "/" + name
        try model.save(directory: directory)
        model.eval()
        let outputs = try noGrad { try model.forward(ModelInput(inputs, returnLoss: returnLoss)) }
        try SafeTensors.save(inputs, to: directory + "/inputs.safetensors")
        try SafeTensors.save(outputs, to: directory + "/outputs.safetensors")
    }

    @Test(.enabled(if: target != nil, "set EMBER_SAVE_MODELS (scripts/check-saved-models)"))
    func saveModels() throws {
        for name in ParityTests.cases {
            let fixture = ModelFixture(name)
            try write("reference-" + name, fixture.model(), fixture.tensors("inputs"), returnLoss: true)
        }
        let g = RandomGenerator(seed: 21)
        let ids = try Tensor.randint(1, 30, shape: [2, 6], generator: g)
        let pixels = Tensor.randn([2, 3, 16, 16], generator: g)

        var vit = ViTConfig()
        (
            vit.hiddenSize, vit.numHiddenLayers, vit.numAttentionHeads, vit.intermediateSize, vit.imageSize,
            vit.patchSize
        ) = (16, 2, 2, 24, 16, 8)
        try write("scratch-vit", ViTModel(config: vit), ["pixel_values": pixels])
        vit.labels = ClassLabels(count: 3)
        try write("scratch-vit-cls", ViTForImageClassification(config: vit), ["pixel_values": pixels])

        var bert = BertConfig()
        (bert.vocabSize, bert.hiddenSize, bert.numHiddenLayers, bert.numAttentionHeads, bert.intermediateSize) = (
            30, 16, 2, 2, 24
        )
        try write("scratch-bert", BertModel(config: bert), ["input_ids": ids])
        bert.labels = ClassLabels(count: 4)
        try write("scratch-bert-cls", BertForSequenceClassification(config: bert), ["input_ids": ids])

        var clip = CLIPConfig()
        (
            clip.textConfig.vocabSize, clip.textConfig.hiddenSize, clip.textConfig.intermediateSize,
            clip.textConfig.eosTokenId
        ) = (30, 16, 24, 29)
        (clip.textConfig.numHiddenLayers, clip.textConfig.numAttentionHeads, clip.textConfig.maxPositionEmbeddings) = (
            2, 2, 10
        )
        (clip.visionConfig.hiddenSize, clip.visionConfig.intermediateSize, clip.visionConfig.numHiddenLayers) = (
            12, 20, 2
        )
        (clip.visionConfig.numAttentionHeads, clip.visionConfig.imageSize, clip.visionConfig.patchSize) = (2, 16, 8)
        clip.projectionDim = 8
        try write(
            "scratch-clip", CLIPModel(config: clip), ["input_ids": ids, "pixel_values": pixels], returnLoss: true)
        try write("scratch-clip-text", CLIPTextModel(config: clip.textConfig), ["input_ids": ids])
        try write("scratch-clip-vision", CLIPVisionModel(config: clip.visionConfig), ["pixel_values": pixels])

        for name in ["group-ctc", "layer-ctc", "group-cls", "layer-cls-weighted"] {
            try write(
                "reference-wav2vec2-" + name, Wav2Vec2Fixture.model(name),
                Wav2Vec2Fixture.tensors(name, "inputs.safetensors"))
        }
        var wav2vec2 = Wav2Vec2Config()
        (wav2vec2.hiddenSize, wav2vec2.numHiddenLayers, wav2vec2.numAttentionHeads, wav2vec2.intermediateSize) = (
            16, 2, 2, 24
        )
        (wav2vec2.convDim, wav2vec2.convKernel, wav2vec2.convStride) = ([8, 8], [10, 3], [5, 2])
        (wav2vec2.numConvPosEmbeddings, wav2vec2.numConvPosEmbeddingGroups, wav2vec2.vocabSize) = (4, 2, 12)
        let audio = ["input_values": Tensor.randn([2, 400], generator: g)]
        try write("scratch-wav2vec2", Wav2Vec2Model(config: wav2vec2), audio)
        try write("scratch-wav2vec2-ctc", Wav2Vec2ForCTC(config: wav2vec2), audio)
        wav2vec2.numLabels = 3
        try write("scratch-wav2vec2-cls", Wav2Vec2ForSequenceClassification(config: wav2vec2), audio)
    }
}
