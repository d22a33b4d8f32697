import Foundation
import Testing
import TensorCore
import Train

/// Schedule factors and gradient clipping on hand-computed cases.
@Suite struct ScheduleAndClipTests {
    func optimizer(_ lrs: [Double]) throws -> SGD {
        let groups = try lrs.map {
            ParameterGroup([try Tensor.zeros([1]).setRequiresGrad()], options: SGD.Options(learningRate: $0))
        }
        return try SGD(groups: groups, defaults: SGD.Options(learningRate: lrs[0]))
    }

    /// The first group's rates at steps 0, 1, …, `count` − 1.
    func rates(_ schedule: LearningRateSchedule, count: Int) -> [Double] {
        var out: [Double] = []
        for _ in 0..<count {
            out.append(schedule.optimizer.learningRates[0])
            schedule.step()
        }
        return out
    }

    func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }
    }

    @Test func linearWarmupThenDecay() throws {
        // warmup 2: 0, ½, then (6 − t)/(6 − 2): 1, ¾, ½, ¼, 0, and 0 past the end.
        let s = try LearningRateSchedule(try optimizer([1]), .linear(warmup: 2, total: 6))
        #expect(close(rates(s, count: 8), [0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0]))
    }

    @Test func constantAfterWarmup() throws {
        let s = try LearningRateSchedule(try optimizer([2]), .constant(warmup: 4))
        #expect(close(rates(s, count: 6), [0, 0.5, 1, 1.5, 2, 2]))
    }

    @Test func cosineHalfWaveWithAFloor() throws {
        // No warmup, total 4, floor 0.2 of the default rate 1: 0.2 + 0.8·(1 + cos(πt/4))/2.
        let s = try LearningRateSchedule.cosine(try optimizer([1]), total: 4, minLearningRate: 0.2)
        let expected = (0...4).map { t in 0.2 + 0.8 * (1 + cos(Double.pi * Double(t) / 4)) / 2 }
        #expect(close(rates(s, count: 5), expected))
        #expect(abs(expected[4] - 0.2) < 1e-15)
    }

    @Test func stepDecayScalesEveryGroupFromItsBase() throws {
        let opt = try optimizer([1, 0.1])
        let s = try LearningRateSchedule(opt, .step(size: 2, gamma: 0.5))
        #expect(close(rates(s, count: 5), [1, 1, 0.5, 0.5, 0.25]))
        #expect(close(opt.learningRates, [0.25, 0.025]))
        #expect(s.currentStep == 5)
    }

    @Test func badSchedulesAreClearErrors() throws {
        let opt = try optimizer([1])
        #expect(throws: TensorError.invalidArgument("schedule: total (2) must be at least warmup (3)")) {
            try LearningRateSchedule(opt, .linear(warmup: 3, total: 2))
        }
        #expect(throws: TensorError.self) { try LearningRateSchedule(opt, .step(size: 0, gamma: 0.1)) }
        let cosine = try LearningRateSchedule(opt, .cosine(warmup: 0, total: 5, cycles: 0.5, minRate: 0))
        #expect(throws: TensorError.self) {
            try cosine.restore(.init(kind: .constant(warmup: 1), baseLearningRates: [1], step: 0))
        }
    }

    @Test func clipScalesToTheMaxNorm() throws {
        let a = try Tensor.zeros([1]).setRequiresGrad(), b = try Tensor.zeros([1]).setRequiresGrad()
        a.grad = try Tensor(shape: [1], scalars: [3] as [Float])
        b.grad = try Tensor(shape: [1], scalars: [4] as [Float])
        let norm = try clipGradNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        // Scaled by 1/(5 + 1e-6).
        #expect(abs(a.grad!.scalars[0] - 0.6) < 1e-6)
        #expect(abs(b.grad!.scalars[0] - 0.8) < 1e-6)
    }

    @Test func clipLeavesSmallGradientsAlone() throws {
        let a = try Tensor.zeros([2]).setRequiresGrad()
        a.grad = try Tensor(shape: [2], scalars: [-7, 2] as [Float])
        #expect(try clipGradNorm([a], maxNorm: 10, normType: .infinity) == 7)
        #expect(a.grad!.scalars == [-7, 2])
        #expect(try clipGradNorm([try Tensor.zeros([1]).setRequiresGrad()], maxNorm: 1) == 0)
    }

    @Test func clipCanRefuseANonFiniteNorm() throws {
        let a = try Tensor.zeros([2]).setRequiresGrad()
        a.grad = try Tensor(shape: [2], scalars: [.nan, 1] as [Float])
        #expect(try clipGradNorm([a], maxNorm: 1).isNaN)
        #expect(throws: TensorError.self) { try clipGradNorm([a], maxNorm: 1, errorIfNonfinite: true) }
    }
}
