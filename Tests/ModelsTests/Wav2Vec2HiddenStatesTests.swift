import Models
import NN
import TensorCore
import TestSupport
import Testing

/// `forward(ModelInput(…, outputHiddenStates: true))` returns Wav2Vec2's `hidden_states.k`, as
/// every other architecture does (`output_hidden_states=true` from Lua): the reference's.
@Suite struct Wav2Vec2HiddenStatesTests {
    @Test(arguments: ["wav2vec2-base-group", "wav2vec2-ctc", "wav2vec2-ctc-layer"])
    func forwardReturnsHiddenStates(_ name: String) throws {
        let model = try Models.load(directory: Wav2Vec2ReferenceCaseTests.file(name, "")).model
        let inputs = try SafeTensors.load(path: Wav2Vec2ReferenceCaseTests.file(name, "inputs.safetensors"))
        let expected = try SafeTensors.load(path: Wav2Vec2ReferenceCaseTests.file(name, "outputs.safetensors"))
        let outputs = try noGrad { try model.forward(ModelInput(inputs, outputHiddenStates: true)) }
        for k in 0...2 {
            let actual = try #require(outputs["hidden_states.\(k)"], "\(name): no hidden_states.\(k)")
            #expect(relativeError(actual, expected["hidden_states.\(k)"]!) < 1e-4, "\(name): hidden_states.\(k)")
        }
        #expect(try noGrad { try model.forward(ModelInput(inputs)) }.keys.allSatisfy { !$0.hasPrefix("hidden_states") })
    }

    /// The weighted-layer-sum classifier computes hidden states for itself; they are returned only when asked for.
    @Test func sequenceClassifierReturnsThemOnlyWhenAsked() throws {
        var config = Wav2Vec2Config()
        (config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (16, 2, 2, 32)
        (config.convDim, config.convKernel, config.convStride) = ([8, 8], [10, 3], [5, 2])
        (config.numConvPosEmbeddings, config.numConvPosEmbeddingGroups, config.useWeightedLayerSum) = (4, 2, true)
        let model = try Wav2Vec2ForSequenceClassification(config: config)
        let input = ["input_values": Tensor.randn([2, 200])]
        #expect(try model.forward(ModelInput(input)).keys.sorted() == ["logits"])
        #expect(
            try model.forward(ModelInput(input, outputHiddenStates: true)).keys.filter { $0.hasPrefix("hidden_states") }
                .count == 3)
    }
}
