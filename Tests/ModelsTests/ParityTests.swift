import Models
import NN
import TensorCore
import Testing
import TestSupport

/// Every output of every reference model within 1e-4 relative error of transformers (float32),
/// and the parameter gradients of one backward pass.
@Suite struct ParityTests {
    static let cases = ModelFixture.modelCases

    @Test(arguments: cases)
    func outputs(_ name: String) throws {
        let fixture = ModelFixture(name)
        let model = try fixture.model()
        if fixture.reference.class != "UniterForItm" { #expect(model.architecture == fixture.reference.class) }
        let outputs = try noGrad { try model.forward(fixture.inputs) }
        var worst = (key: "", error: 0.0)
        for (key, expected) in try fixture.tensors("outputs") {
            guard let ember = fixture.emberOutput(key) else {
                #expect(
                    ModelFixture.unreturnedOutputs[key] != nil, "\(name): reference output '\(key)' is not compared")
                continue
            }
            let actual = try #require(outputs[ember], "\(name): no output '\(ember)' for '\(key)'")
            #expect(actual.shape == expected.shape, "\(name).\(key)")
            let error = relativeError(actual, expected)
            #expect(error < 1e-4, "\(name).\(key): relative error \(error)")
            if error >= worst.error { worst = (key, error) }
        }
        print("parity \(name): largest relative error \(worst.error) (\(worst.key))")
    }

    /// Every reference case with gradients differentiates the model's own loss.
    static let gradientCases = cases.filter { ModelFixture($0).reference.grads != nil }

    @Test(arguments: gradientCases)
    func gradients(_ name: String) throws {
        let fixture = ModelFixture(name)
        let model = try fixture.model()
        let loss = try #require(try model.forward(fixture.inputs)["loss"])
        try loss.backward()
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        let expectedGrads = try fixture.tensors("grads")
        #expect(expectedGrads.count == fixture.reference.grads!.count)
        // Some gradients are zero analytically (a key bias shifts every score of a query by the
        // same amount, which softmax ignores), and the reference holds float32 rounding noise
        // there: such a tensor (below 1e-7 of the model's largest gradient) must be as small in
        // Ember too; every other tensor is held to 1e-4 relative error.
        let largest = expectedGrads.values.map(maxMagnitude).max() ?? 0
        var worst = (key: "", error: 0.0)
        defer {
            print(
                "parity \(name) gradients: largest relative error \(worst.error) (\(worst.key)) over \(expectedGrads.count) tensors"
            )
        }
        for (key, expected) in expectedGrads {
            let parameter = try #require(parameters[key], "\(name): no parameter '\(key)'")
            let grad = try #require(parameter.grad, "\(name): no gradient for '\(key)'")
            if maxMagnitude(expected) < 1e-7 * largest {
                #expect(
                    maxMagnitude(grad) < 1e-6 * largest, "\(name) grad \(key) should be zero: \(maxMagnitude(grad))")
            } else {
                let error = relativeError(grad, expected)
                #expect(error < 1e-4, "\(name) grad \(key): relative error \(error)")
                if error >= worst.error { worst = (key, error) }
            }
        }
    }
}
