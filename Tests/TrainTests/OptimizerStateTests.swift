import Foundation
import Testing
import TensorCore
import Train

/// Saving and restoring optimizer and schedule state: a run interrupted after 3 steps, saved
/// through a safetensors file and a JSON header, and continued in a fresh optimizer ends with
/// exactly the parameters of an uninterrupted run.
@Suite struct OptimizerStateTests {
    /// Deterministic gradients for step `t` of a parameter shaped `shape`.
    static func gradient(step t: Int, index: Int, shape: [Int]) -> Tensor {
        Tensor.randn(shape, generator: RandomGenerator(seed: UInt64(100 * t + index)))
    }

    static func makeParameters() throws -> [Tensor] {
        let generator = RandomGenerator(seed: 42)
        return try [[3, 4], [4], [2, 2, 2]].map { try Tensor.randn($0, generator: generator).setRequiresGrad() }
    }

    /// Runs steps `range`, giving parameter 2 no gradient on step 1 (so step counts differ).
    static func run(
        _ optimizer: any Optimizer, _ schedule: LearningRateSchedule, _ params: [Tensor], steps range: Range<Int>
    ) throws {
        for t in range {
            for (i, p) in params.enumerated() {
                p.grad = (t == 1 && i == 2) ? nil : gradient(step: t, index: i, shape: p.shape)
            }
            try clipGradNorm(params, maxNorm: 2)
            try optimizer.step()
            schedule.step()
        }
    }

    /// The optimizers under test, by name.
    static func make(_ name: String, _ p: [Tensor]) throws -> any Optimizer {
        switch name {
        case "SGD": return try SGD(p, SGD.Options(learningRate: 0.1, momentum: 0.9, nesterov: true))
        case "Adam": return try Adam(p, Adam.Options(learningRate: 0.01, amsgrad: true))
        default:
            return try Adam.adamW(groups: [
                ParameterGroup([p[0]], options: .adamW()),
                ParameterGroup([p[1], p[2]], options: Adam.Options(learningRate: 0.05)),
            ])
        }
    }

    @Test(arguments: ["SGD", "Adam", "AdamW"])
    func resumedRunEqualsUninterruptedRun(_ name: String) throws {
        let factory = { try Self.make(name, $0) }
        let kind = LearningRateSchedule.Kind.cosine(warmup: 2, total: 6, cycles: 0.5, minRate: 0.1)

        let straight = try Self.makeParameters()
        let straightOptimizer = try factory(straight)
        try Self.run(straightOptimizer, try LearningRateSchedule(straightOptimizer, kind), straight, steps: 0..<6)

        let first = try Self.makeParameters()
        let firstOptimizer = try factory(first)
        let firstSchedule = try LearningRateSchedule(firstOptimizer, kind)
        try Self.run(firstOptimizer, firstSchedule, first, steps: 0..<3)
        // Save: buffers to safetensors with the header as metadata, the schedule as JSON.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-optim-\(name).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let saved = firstOptimizer.state()
        try SafeTensors.save(saved.tensors, metadata: ["optimizer": try saved.headerJSON()], to: path)
        let scheduleJSON = try JSONEncoder().encode(firstSchedule.state())

        // Resume: the parameters as saved, a fresh optimizer and schedule, then the state.
        let resumed = try first.map { try $0.copied().setRequiresGrad() }
        let optimizer = try factory(resumed)
        let schedule = try LearningRateSchedule(optimizer, kind)
        let file = try SafeTensorsFile(path: path)
        try optimizer.restore(try OptimizerState(headerJSON: file.metadata["optimizer"]!, tensors: try file.tensors()))
        try schedule.restore(try JSONDecoder().decode(LearningRateSchedule.State.self, from: scheduleJSON))
        #expect(optimizer.learningRates == firstOptimizer.learningRates)
        try Self.run(optimizer, schedule, resumed, steps: 3..<6)

        for (a, b) in zip(resumed, straight) { #expect(a.scalars == b.scalars) }
    }

    @Test func stateNamesBuffersAsPyTorch() throws {
        let params = try Self.makeParameters()
        let adam = try Adam(params, Adam.Options(amsgrad: true))
        params[0].grad = Tensor.ones([3, 4])
        try adam.step()
        let state = adam.state()
        #expect(Set(state.tensors.keys) == ["0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq"])
        #expect(state.header.steps == [1, 0, 0])
        #expect(state.header.optimizer == "Adam")
        #expect(state.header.groups[0].options["amsgrad"] == 1)
        // m = 0.1 · g after one step from zero.
        #expect(state.tensors["0.exp_avg"]!.scalars.allSatisfy { abs($0 - 0.1) < 1e-7 })
    }

    @Test func restoreRefusesAnotherModelOrOptimizer() throws {
        let params = try Self.makeParameters()
        let sgd = try SGD(params, SGD.Options(momentum: 0.9))
        for p in params { p.grad = Tensor.ones(p.shape) }
        try sgd.step()
        let state = sgd.state()

        let other = try [[4, 3], [4], [2, 2, 2]].map { try Tensor.zeros($0).setRequiresGrad() }
        #expect(throws: TensorError.self) { try SGD(other, SGD.Options(momentum: 0.9)).restore(state) }
        #expect(throws: TensorError.self) { try Adam(params).restore(state) }
        #expect(throws: TensorError.self) { try SGD(Array(params.prefix(2))).restore(state) }
        var wrongBuffer = state
        wrongBuffer.tensors["0.momentum_buffer"] = Tensor.zeros([12])
        #expect(throws: TensorError.self) { try SGD(params, SGD.Options(momentum: 0.9)).restore(wrongBuffer) }
        let adamState = try Adam(params).state()
        #expect(throws: TensorError.self) { try Adam.adamW(params).restore(adamState) }
    }
}
