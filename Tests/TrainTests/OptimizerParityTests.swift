import Testing
import TensorCore
import Train

/// Steps Ember's optimizers over PyTorch's gradient sequences and compares every parameter after
/// every step with PyTorch's (fixtures from `scripts/make-reference optim`).
@Suite struct OptimizerParityTests {
    static let sequenceCases = [
        "sgd_plain", "sgd_momentum_dampening", "sgd_nesterov", "sgd_weight_decay", "sgd_maximize",
        "adam_default", "adam_eps", "adam_weight_decay", "adam_amsgrad", "adam_lerp_large_weight",
        "adamw_default", "adamw_strong_decay", "adamw_groups_frozen", "sgd_groups",
        "adamw_cosine", "sgd_linear_warmup", "adam_constant_warmup", "sgd_step_lr",
        "sgd_clip", "adam_clip_inf", "sgd_clip_l1",
    ]

    @Test func everyFixtureCaseIsTested() {
        #expect(Set(OptimCase.all.map(\.name)) == Set(Self.sequenceCases + ["tiny_model"]))
    }

    @Test(arguments: sequenceCases)
    func matchesPyTorch(_ name: String) throws {
        let c = OptimCase.named(name)
        let tensors = try c.tensors()
        let params = try c.initialParameters(tensors)
        let optimizer = try c.makeOptimizer(params)
        let schedule = try c.makeSchedule(optimizer)
        for t in 0..<c.steps {
            for (i, p) in params.enumerated() { p.grad = tensors["grad.\(t).\(i)"]?.copied() }
            if let clip = c.clip {
                let norm = try clipGradNorm(params, maxNorm: clip.maxNorm, normType: clip.normType)
                #expect(
                    abs(norm - c.norms[t]) <= 1e-6 * max(1, c.norms[t]),
                    "\(name) step \(t): norm \(norm) vs \(c.norms[t])")
            }
            for (lr, expected) in zip(optimizer.learningRates, c.lrs[t]) {
                #expect(abs(lr - expected) <= 1e-12 * max(1, expected), "\(name) step \(t): lr \(lr) vs \(expected)")
            }
            try optimizer.step()
            schedule?.step()
            for (i, p) in params.enumerated() {
                let diff = maxAbsDifference(p, tensors["param.\(t).\(i)"]!)
                #expect(diff <= 1e-5, "\(name) step \(t) parameter \(i): max |Δ| = \(diff)")
            }
        }
    }

    /// A two-layer tanh MLP: gradients from Ember's autograd over two accumulated micro-batches,
    /// clipped, then AdamW under a cosine warmup schedule.
    @Test func tinyModelTrainsLikePyTorch() throws {
        let c = OptimCase.named("tiny_model")
        let tensors = try c.tensors()
        let params = try c.initialParameters(tensors)
        let (x, y) = (tensors["x"]!, tensors["y"]!)
        let optimizer = try c.makeOptimizer(params)
        let schedule = try c.makeSchedule(optimizer)!
        for t in 0..<c.steps {
            optimizer.zeroGrad()
            var total = 0.0
            for k in 0..<2 {
                let xb = try x.narrow(axis: 0, start: 4 * k, length: 4)
                let yb = try y.narrow(axis: 0, start: 4 * k, length: 4)
                let hidden = try xb.linear(weight: params[0], bias: params[1]).tanh()
                let out = try hidden.linear(weight: params[2], bias: params[3])
                let loss = try (out - yb).pow(2).mean() / 2
                try loss.backward()
                total += try loss.item()
            }
            #expect(abs(total - c.losses![t]) <= 1e-5, "step \(t): loss \(total) vs \(c.losses![t])")
            let norm = try clipGradNorm(params, maxNorm: c.clip!.maxNorm)
            #expect(abs(norm - c.norms[t]) <= 1e-5, "step \(t): norm \(norm) vs \(c.norms[t])")
            try optimizer.step()
            schedule.step()
            for (i, p) in params.enumerated() {
                let diff = maxAbsDifference(p, tensors["param.\(t).\(i)"]!)
                #expect(diff <= 1e-5, "step \(t) parameter \(i): max |Δ| = \(diff)")
            }
        }
    }
}
