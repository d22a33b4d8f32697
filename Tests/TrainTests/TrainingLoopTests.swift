import Foundation
import Plot
import Testing
import TensorCore
import Train

/// Everything together on a real, small problem: a tanh MLP learns four interleaved spiral arms
/// (2-D points, 4 classes) with AdamW, a cosine schedule with warmup and gradient clipping; the
/// validation metrics and charts come from the trained model. docs/TRAINING.md shows the charts
/// of this run.
@Suite struct TrainingLoopTests {
    static let classNames = ["arm A", "arm B", "arm C", "arm D"]

    /// `count` points per arm: radius r in (0, 1], angle = arm·π/2 + 4r, plus Gaussian noise.
    static func spirals(count: Int, seed: UInt64) throws -> (x: Tensor, labels: Tensor) {
        let rng = RandomGenerator(seed: seed)
        var points: [Float] = [], labels: [Int64] = []
        for arm in 0..<4 {
            for _ in 0..<count {
                let r = 0.05 + 0.95 * rng.uniform()
                let angle = Double(arm) * Double.pi / 2 + 4 * r + 0.25 * rng.normal()
                points += [Float(r * cos(angle)), Float(r * sin(angle))]
                labels.append(Int64(arm))
            }
        }
        return (try Tensor(shape: [4 * count, 2], scalars: points), try Tensor(shape: [4 * count], scalars: labels))
    }

    /// Weights of a 2 → 48 → 48 → 4 MLP, PyTorch's default uniform(±1/√fan_in) initialisation.
    static func parameters(seed: UInt64) throws -> [Tensor] {
        let rng = RandomGenerator(seed: seed)
        return try [(48, 2), (48, 48), (4, 48)].flatMap { out, fanIn -> [Tensor] in
            let bound = 1 / Double(fanIn).squareRoot()
            return [
                try Tensor.uniform([out, fanIn], low: -bound, high: bound, generator: rng).setRequiresGrad(),
                try Tensor.uniform([out], low: -bound, high: bound, generator: rng).setRequiresGrad(),
            ]
        }
    }

    static func logits(_ p: [Tensor], _ x: Tensor) throws -> Tensor {
        let h1 = try x.linear(weight: p[0], bias: p[1]).tanh()
        let h2 = try h1.linear(weight: p[2], bias: p[3]).tanh()
        return try h2.linear(weight: p[4], bias: p[5])
    }

    /// Mean cross-entropy: −mean log softmax(logits)[label].
    static func crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
        let picked = try logits.logSoftmax(axis: 1).gathered(axis: 1, indices: try labels.unsqueezed(at: 1))
        return try -picked.mean()
    }

    struct Run {
        var trainLoss: [Double] = []
        var validationSteps: [Double] = []
        var validationLoss: [Double] = []
        var validationAccuracy: [Double] = []
        var learningRates: [Double] = []
        var confusion: ConfusionMatrix?
        var macroF1 = 0.0
    }

    static func train() throws -> Run {
        let (x, labels) = try spirals(count: 200, seed: 1)
        let (vx, vlabels) = try spirals(count: 50, seed: 2)
        let params = try parameters(seed: 3)
        let optimizer = try Adam.adamW(params, .adamW(learningRate: 0.02, weightDecay: 1e-4))
        let (epochs, batch) = (30, 50)
        let stepsPerEpoch = x.shape[0] / batch
        let schedule = try LearningRateSchedule.cosine(
            optimizer, warmup: 20, total: epochs * stepsPerEpoch,
            minLearningRate: 0.001)
        let order = RandomGenerator(seed: 4)
        var run = Run()
        for epoch in 1...epochs {
            let permutation = try Tensor.permutation(x.shape[0], generator: order)
            for s in 0..<stepsPerEpoch {
                let index = try permutation.narrow(axis: 0, start: s * batch, length: batch)
                let loss = try crossEntropy(
                    try logits(params, x.indexSelect(axis: 0, indices: index)),
                    try labels.indexSelect(axis: 0, indices: index))
                optimizer.zeroGrad()
                try loss.backward()
                try clipGradNorm(params, maxNorm: 1)
                run.learningRates.append(optimizer.learningRates[0])
                try optimizer.step()
                schedule.step()
                run.trainLoss.append(try loss.item())
            }
            if epoch % 3 == 0 {
                let scores = try noGrad { try logits(params, vx) }
                run.validationSteps.append(Double(epoch * stepsPerEpoch))
                run.validationLoss.append(try noGrad { try crossEntropy(scores, vlabels).item() })
                run.validationAccuracy.append(try Metrics.accuracy(scores, labels: vlabels))
                run.confusion = try ConfusionMatrix(scores, labels: vlabels, classCount: 4)
                run.macroF1 = try Metrics.macroF1(scores, labels: vlabels)
            }
        }
        return run
    }

    static func charts(_ run: Run) throws -> (loss: LineChart, confusion: ConfusionMatrixChart) {
        var loss = LineChart(
            title: "Spirals MLP - loss",
            series: [
                LineChart.Series(name: "train", values: run.trainLoss),
                try LineChart.Series(name: "validation", x: run.validationSteps, y: run.validationLoss),
            ])
        loss.yLabel = "cross-entropy"
        let confusion = try ConfusionMatrixChart(
            run.confusion!, classNames: classNames, title: "Validation confusion matrix")
        return (loss, confusion)
    }

    @Test func learnsTheSpiralsAndChartsTheRun() throws {
        let run = try Self.train()
        // Chance is 25%; the arms are separable apart from the noise where they meet.
        #expect(run.validationAccuracy.last! > 0.85, "\(run.validationAccuracy)")
        #expect(run.macroF1 > 0.85)
        #expect(run.validationLoss.last! < run.validationLoss.first!)
        #expect(run.learningRates.first! == 0 && abs(run.learningRates.max()! - 0.02) < 1e-3)
        let (loss, confusion) = try Self.charts(run)
        #expect(loss.svg().contains("<polyline"))
        #expect(try confusion.png().count > 1000)
        #expect(run.confusion!.counts.map { $0.reduce(0, +) } == [50, 50, 50, 50])
    }
}
