import Models
import NN
import TensorCore
import TestSupport
import Testing

/// Wav2Vec2 against transformers 5.24 on tiny random models of both variants and both heads.
@Suite struct Wav2Vec2ParityTests {
    static let tolerance = 1e-4

    @Test(arguments: Wav2Vec2Fixture.cases)
    func outputsMatchTransformers(_ name: String) throws {
        let model = try Wav2Vec2Fixture.model(name)
        let expected = try Wav2Vec2Fixture.tensors(name, "outputs.safetensors")
        let inputs = try Wav2Vec2Fixture.tensors(name, "inputs.safetensors")
        let base = try encoder(of: model)

        // Padded batch (400 and 300 samples) with its attention mask.
        let masked = try base(inputs["input_values"]!, attentionMask: inputs["attention_mask"]!)
        #expect(relativeError(masked.extractFeatures, expected["extract_features"]!) < Self.tolerance)
        #expect(relativeError(masked.lastHiddenState, expected["last_hidden_state"]!) < Self.tolerance)
        let out = try Wav2Vec2Fixture.run(model, name)
        #expect(relativeError(out["logits"]!, expected["logits"]!) < Self.tolerance)
        #expect(relativeError(out["loss"]!, expected["loss"]!) < Self.tolerance)

        // The same batch without a mask (the recommended use of base models).
        let plain = try base(inputs["input_values"]!)
        #expect(relativeError(plain.extractFeatures, expected["nomask.extract_features"]!) < Self.tolerance)
        #expect(relativeError(plain.lastHiddenState, expected["nomask.last_hidden_state"]!) < Self.tolerance)
        let plainOut = try Wav2Vec2Fixture.run(model, name, masked: false, labels: false)
        #expect(relativeError(plainOut["logits"]!, expected["nomask.logits"]!) < Self.tolerance)
        #expect(plainOut["loss"] == nil)
    }

    @Test(arguments: Wav2Vec2Fixture.cases)
    func gradientsMatchTransformers(_ name: String) throws {
        let model = try Wav2Vec2Fixture.model(name)
        let expected = try Wav2Vec2Fixture.tensors(name, "grads.safetensors")
        try Wav2Vec2Fixture.run(model, name)["loss"]!.backward()
        let scale = expected.values.map { largest($0) }.max()!
        for (param, tensor) in model.namedParameters() {
            guard let reference = expected[param] else {
                // Unused in this forward pass (masked_spec_embed; the final LayerNorm under a
                // weighted layer sum): PyTorch leaves it without a gradient, and so must we.
                #expect(tensor.grad == nil, "\(param) has a gradient but PyTorch's has none")
                continue
            }
            let grad = try #require(tensor.grad, "\(param) got no gradient")
            if param.hasSuffix("k_proj.bias") {
                // Exactly zero: a key bias shifts all scores of a query row alike, which softmax
                // ignores. Both sides hold rounding noise, so compare with the model's gradients.
                #expect(largest(grad) < 1e-6 * scale && largest(reference) < 1e-6 * scale, "\(param)")
            } else {
                #expect(relativeError(grad, reference) < Self.tolerance, "\(param)")
            }
        }
        #expect(Set(expected.keys).isSubset(of: Set(model.namedParameters().map(\.name))))
    }

    @Test func legacyWeightNormFileLoadsIdentically() throws {
        let name = "group-ctc"
        let current = try Wav2Vec2Fixture.model(name)
        let legacy = try Wav2Vec2Fixture.model(name, weights: "model-legacy.safetensors")
        for ((n, a), (_, b)) in zip(current.namedParameters(), legacy.namedParameters()) {
            #expect(a.toArray(of: Float.self) == b.toArray(of: Float.self), "\(n)")
        }
        let expected = try Wav2Vec2Fixture.tensors(name, "outputs.safetensors")
        #expect(relativeError(try Wav2Vec2Fixture.run(legacy, name)["logits"]!, expected["logits"]!) < Self.tolerance)
    }

    /// Parameter and buffer names are exactly the keys `save_pretrained` wrote, so a saved state
    /// dict loads in transformers with no missing or unexpected keys.
    @Test(arguments: Wav2Vec2Fixture.cases)
    func stateDictKeysAreTheCheckpointKeys(_ name: String) throws {
        let model = try Wav2Vec2Fixture.model(name)
        let checkpoint = try Wav2Vec2Fixture.tensors(name, "model.safetensors")
        #expect(Set(model.stateDict().keys) == Set(checkpoint.keys))
        for (key, t) in model.stateDict() { #expect(t.shape == checkpoint[key]!.shape, "\(key)") }
    }

    private func largest(_ t: Tensor) -> Double { t.toArray(of: Double.self).map(abs).max() ?? 0 }

    private func encoder(of model: any PretrainedModel) throws -> Wav2Vec2Model {
        if let m = model as? Wav2Vec2ForCTC { return m.wav2vec2 }
        return try #require(model as? Wav2Vec2ForSequenceClassification).wav2vec2
    }
}
