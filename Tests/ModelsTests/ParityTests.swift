import Models
import NN
import TensorCore
import Testing
import TestSupport

/// Every output of every reference model within 1e-4 relative error of transformers (float32),
/// and the parameter gradients of one backward pass.
@Suite struct ParityTests {
    static let cases = ["vit", "vit-cls", "bert", "bert-cls", "clip", "clip-legacy-eos", "uniter", "uniter-vqa"]

    @Test(arguments: cases)
    func outputs(_ name: String) throws {
        let fixture = ModelFixture(name)
        let model = try Models.load(directory: fixture.directory).model
        let outputs = try noGrad { try model.forward(fixture.inputs) }
        var worst = (key: "", error: 0.0)
        for (key, expected) in try fixture.tensors("outputs") where key != "loss_for_grads" {
            let actual = try #require(outputs[key], "\(name): no output '\(key)'")
            #expect(actual.shape == expected.shape, "\(name).\(key)")
            let error = relativeError(actual, expected)
            #expect(error < 1e-4, "\(name).\(key): relative error \(error)")
            if error >= worst.error { worst = (key, error) }
        }
        print("parity \(name): largest relative error \(worst.error) (\(worst.key))")
    }

    @Test(arguments: cases)
    func gradients(_ name: String) throws {
        let fixture = ModelFixture(name)
        let model = try Models.load(directory: fixture.directory).model
        let outputs = try model.forward(fixture.inputs)
        let loss: Tensor
        if fixture.hasFile("grad_weights") {
            let (key, weights) = try #require(try fixture.tensors("grad_weights").first)
            loss = try (outputs[key]! * weights).sum()
        } else {
            loss = try #require(outputs["loss"])
        }
        let expectedLoss = try #require(try fixture.tensors("outputs")["loss_for_grads"])
        #expect(relativeError(loss, expectedLoss) < 1e-4)
        try loss.backward()
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        let expectedGrads = try fixture.tensors("grads")
        // Some gradients are zero analytically (a key bias shifts every score of a query by the
        // same amount, which softmax ignores), and the reference holds float32 rounding noise
        // there: such a tensor (below 1e-7 of the model's largest gradient) must be as small in
        // Ember too; every other tensor is held to 1e-4 relative error.
        let largest = expectedGrads.values.map(maxMagnitude).max() ?? 0
        for (key, expected) in expectedGrads {
            let parameter = try #require(parameters[key], "\(name): no parameter '\(key)'")
            let grad = try #require(parameter.grad, "\(name): no gradient for '\(key)'")
            if maxMagnitude(expected) < 1e-7 * largest {
                #expect(maxMagnitude(grad) < 1e-6 * largest, "\(name) grad \(key) should be zero: \(maxMagnitude(grad))")
            } else {
                let error = relativeError(grad, expected)
                #expect(error < 1e-4, "\(name) grad \(key): relative error \(error)")
            }
        }
    }
}
