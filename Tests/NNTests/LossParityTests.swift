import NN
import Testing
import TensorCore
import TestSupport

/// Losses against PyTorch (scripts/reference/tensor.py → Tests/Fixtures/tensor/ops.safetensors).
@Suite("Loss parity")
struct LossParityTests {
    let r: [String: Tensor]
    init() throws { r = try SafeTensors.load(path: Fixtures.path("tensor/ops.safetensors")) }

    @Test func crossEntropyWithIgnoreAndSmoothing() throws {
        let (logits, labels) = (r["logits"]!, r["labels"]!)
        #expect(relativeError(try Loss.crossEntropy(logits, labels), r["ce"]!) < 1e-6)
        #expect(relativeError(try Loss.crossEntropy(logits, labels, labelSmoothing: 0.2), r["ce_smooth"]!) < 1e-6)
    }

    @Test func bceWithLogits() throws {
        #expect(relativeError(try Loss.bceWithLogits(r["bce_x"]!, r["bce_y"]!), r["bce"]!) < 1e-6)
    }

    @Test func ctcLossAndGradient() throws {
        let mean = try Loss.ctc(
            logProbs: r["ctc_log_probs"]!, targets: r["ctc_targets"]!, inputLengths: [12, 9], targetLengths: [4, 2])
        #expect(relativeError(mean, r["ctc_loss"]!) < 1e-5)
        let logits = try r["ctc_logits"]!.copied().setRequiresGrad()
        let sum = try Loss.ctc(
            logProbs: logits.logSoftmax(axis: -1), targets: r["ctc_targets"]!, inputLengths: [12, 9],
            targetLengths: [4, 2], reduction: .sum)
        #expect(relativeError(sum, r["ctc_loss_sum"]!) < 1e-5)
        try sum.backward()
        #expect(relativeError(try #require(logits.grad), r["ctc_logits_grad"]!) < 1e-4)
    }

    @Test func ctcGradientMatchesFiniteDifferences() throws {
        let lp = try Tensor.randn([6, 2, 4], dtype: .float64, generator: RandomGenerator(seed: 3)).logSoftmax(axis: -1)
        let targets = try Tensor(shape: [3], scalars: [Int64(1), 3, 2])
        let result = try GradientCheck.run(
            { x in
                try Loss.ctc(
                    logProbs: x[0], targets: targets, inputLengths: [6, 5], targetLengths: [2, 1], reduction: .mean)
            }, inputs: [lp])
        #expect(result.maxAbsoluteError <= 1e-6 * max(1, result.scale))
    }

    @Test func contrastiveIsSymmetricCrossEntropy() throws {
        let a = Tensor.randn([4, 3], generator: RandomGenerator(seed: 1)),
            b = Tensor.randn([4, 3], generator: RandomGenerator(seed: 2))
        let scale = Tensor(scalar: Float(2.0))
        let loss = try Loss.contrastive(a, b, logScale: scale)
        // Recomputed by hand from the definition.
        let logits = try scale.exp() * Loss.normalized(a).matmul(Loss.normalized(b).t())
        let t = try Tensor.arange(0, 4)
        let expected = try (Loss.crossEntropy(logits, t) + Loss.crossEntropy(logits.t(), t)) / 2
        #expect(relativeError(loss, expected) < 1e-6)
    }

    @Test func crossEntropyRejectsOutOfRangeLabels() throws {
        #expect(throws: TensorError.self) {
            try Loss.crossEntropy(Tensor.zeros([2, 3]), Tensor(shape: [2], scalars: [Int64(0), 3]))
        }
        #expect(throws: TensorError.self) {
            try Loss.crossEntropy(Tensor.zeros([2, 3]), Tensor(shape: [3], scalars: [Int64(0), 1, 1]))
        }
    }
}
