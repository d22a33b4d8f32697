import Foundation
import Models
import NN
import TensorCore
import TestSupport
import Testing

/// Wav2Vec2 against the shared model fixtures (`Tests/Fixtures/models/wav2vec2-*`, listed in
/// `cases.json`): every output, including each entry of `hidden_states`, and the gradients where
/// the case has them, within 1e-4 relative error.
@Suite struct Wav2Vec2ReferenceCaseTests {
    struct Case: Decodable {
        var name: String
        var modelClass: String
        var outputs: [String]
        enum CodingKeys: String, CodingKey { case name, modelClass = "class", outputs }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    static let cases: [String] = [
        "wav2vec2-base-group", "wav2vec2-legacy-weight-norm", "wav2vec2-large-layer",
        "wav2vec2-ctc", "wav2vec2-ctc-layer", "wav2vec2-seqcls",
    ]

    static func listed(_ name: String) throws -> Case {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try #require(try JSONDecoder().decode([Case].self, from: data).first { $0.name == name })
    }

    static func file(_ name: String, _ file: String) -> String {
        directory.appendingPathComponent(name).appendingPathComponent(file).path
    }

    @Test func everyWav2Vec2CaseIsCovered() throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("cases.json"))
        let listed = try JSONDecoder().decode([Case].self, from: data).filter { $0.modelClass.hasPrefix("Wav2Vec2") }
        #expect(Set(listed.map(\.name)) == Set(Self.cases))
    }

    @Test(arguments: cases)
    func outputsMatch(_ name: String) throws {
        let reference = try Self.listed(name)
        let (model, encoder) = try Self.load(reference)
        let inputs = try SafeTensors.load(path: Self.file(name, "inputs.safetensors"))
        let expected = try SafeTensors.load(path: Self.file(name, "outputs.safetensors"))
        var actual = try model.forward(ModelInput(inputs))
        let base = try encoder(
            inputs["input_values"]!, attentionMask: inputs["attention_mask"], outputHiddenStates: true)
        actual["last_hidden_state"] = base.lastHiddenState
        actual["extract_features"] = base.extractFeatures
        for (k, h) in base.hiddenStates.enumerated() { actual["hidden_states.\(k)"] = h }
        for output in reference.outputs {
            let value = try #require(actual[output], "\(name): no \(output)")
            #expect(relativeError(value, expected[output]!) < 1e-4, "\(name): \(output)")
        }
    }

    /// `wav2vec2-ctc`: gradients of the CTC loss (mean reduction, no mask), by checkpoint key.
    @Test func ctcGradientsMatch() throws {
        let name = "wav2vec2-ctc"
        let (model, _) = try Self.load(Self.listed(name))
        let inputs = try SafeTensors.load(path: Self.file(name, "inputs.safetensors"))
        let expected = try SafeTensors.load(path: Self.file(name, "grads.safetensors"))
        try model.forward(ModelInput(inputs))["loss"]!.backward()
        let scale = expected.values.map { $0.toArray(of: Double.self).map(abs).max()! }.max()!
        for (param, tensor) in model.namedParameters() {
            guard let reference = expected[param] else {
                #expect(tensor.grad == nil, "\(param) has a gradient but PyTorch's has none")
                continue
            }
            let grad = try #require(tensor.grad, "\(param)")
            if param.hasSuffix("k_proj.bias") {  // exactly zero; see Wav2Vec2ParityTests
                #expect(grad.toArray(of: Double.self).map(abs).max()! < 1e-6 * scale, "\(param)")
            } else {
                #expect(relativeError(grad, reference) < 1e-4, "\(param)")
            }
        }
        #expect(Set(expected.keys).isSubset(of: Set(model.namedParameters().map(\.name))))
    }

    /// The case's model with its weights loaded strictly through the key mapping, in eval mode.
    static func load(_ reference: Case) throws -> (any PretrainedModel, Wav2Vec2Model) {
        let config = try Wav2Vec2Config(contentsOf: file(reference.name, "config.json"))
        let model: any PretrainedModel
        let encoder: Wav2Vec2Model
        switch reference.modelClass {
        case "Wav2Vec2ForCTC":
            let ctc = try Wav2Vec2ForCTC(config: config)
            (model, encoder) = (ctc, ctc.wav2vec2)
        case "Wav2Vec2ForSequenceClassification":
            let cls = try Wav2Vec2ForSequenceClassification(config: config)
            (model, encoder) = (cls, cls.wav2vec2)
        default:
            let base = try Wav2Vec2Model(config: config)
            (model, encoder) = (base, base)
        }
        try Wav2Vec2Fixture.load(model, from: SafeTensors.load(path: file(reference.name, "model.safetensors")))
        model.eval()
        return (model, encoder)
    }
}
