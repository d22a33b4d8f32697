import TensorCore
import TestSupport
import Testing

/// layer_norm has one kernel loop per affine case (weight and bias each present or not); every
/// case must equal the plain normalisation followed by the affine transform.
@Suite struct LayerNormAffineTests {
    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func affineCasesMatchComposition(_ hasWeight: Bool, _ hasBias: Bool) throws {
        let rng = RandomGenerator(seed: 11)
        let x = Tensor.randn([3, 5, 37], generator: rng)
        let w = hasWeight ? Tensor.randn([37], generator: rng) : nil
        let b = hasBias ? Tensor.randn([37], generator: rng) : nil
        var expected = try x.layerNorm([37])
        if let w { expected = try expected * w }
        if let b { expected = try expected + b }
        #expect(relativeError(try x.layerNorm([37], weight: w, bias: b), expected) < 1e-6)
    }
}
