import Testing
import TensorCore
import Train

/// Hand-checked updates, in-place writes, gradient accumulation, frozen parameters and errors.
@Suite struct OptimizerBehaviourTests {
    func parameter(_ values: [Float]) throws -> Tensor {
        try Tensor(shape: [values.count], scalars: values).setRequiresGrad()
    }

    @Test func sgdMomentumWithDampeningByHand() throws {
        let p = try parameter([0])
        let sgd = try SGD([p], SGD.Options(learningRate: 0.1, momentum: 0.9, dampening: 0.5))
        p.grad = Tensor.ones([1])
        try sgd.step()  // buffer = g = 1 (no dampening on the first step); p = 0 − 0.1·1
        #expect(abs(p.scalars[0] - -0.1) < 1e-7)
        p.grad = Tensor.ones([1])
        try sgd.step()  // buffer = 0.9·1 + 0.5·1 = 1.4; p = −0.1 − 0.14
        #expect(abs(p.scalars[0] - -0.24) < 1e-7)
    }

    @Test func adamFirstStepMovesByTheLearningRate() throws {
        // After one step the bias-corrected moments are g and g², so p moves by lr·g/(|g| + eps).
        let p = try parameter([0, 1])
        let adam = try Adam([p], Adam.Options(learningRate: 0.1))
        p.grad = try Tensor(shape: [2], scalars: [2, -0.5] as [Float])
        try adam.step()
        #expect(abs(p.scalars[0] - -0.1) < 1e-6)
        #expect(abs(p.scalars[1] - 1.1) < 1e-6)
    }

    @Test func adamWDecaysBeforeTheAdamStep() throws {
        // Zero gradient: m = v = 0, so only the decoupled decay p·(1 − lr·wd) acts (eps keeps 0/0 away).
        let p = try parameter([2])
        let adamW = try Adam.adamW([p], .adamW(learningRate: 0.1, weightDecay: 0.5))
        p.grad = Tensor.zeros([1])
        try adamW.step()
        #expect(abs(p.scalars[0] - 2 * (1 - 0.05)) < 1e-6)
        #expect(adamW.name == "AdamW")
    }

    @Test func updatesWriteIntoTheParameterStorage() throws {
        let p = try parameter([1, 2, 3])
        let base = p.storage.base
        let sgd = try SGD([p], SGD.Options(learningRate: 1))
        p.grad = Tensor.ones([3])
        try sgd.step()
        #expect(p.storage.base == base)
        #expect(p.scalars == [0, 1, 2])
    }

    @Test func aStridedParameterIsUpdatedThroughItsView() throws {
        let base = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
        let view = try base.t().setRequiresGrad()  // [3, 2], not contiguous
        let sgd = try SGD([view], SGD.Options(learningRate: 1))
        view.grad = Tensor.ones([3, 2])
        try sgd.step()
        #expect(base.scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test func gradientsAccumulatedOverTwoBackwardPassesAreSummed() throws {
        // loss₁ = Σp² gives 2p, loss₂ = Σ3p gives 3: p − 0.5·(2p + 3) = −1.5 for every p.
        let p = try parameter([1, 2, 3])
        let sgd = try SGD([p], SGD.Options(learningRate: 0.5))
        try (p * p).sum().backward()
        try (p * 3).sum().backward()
        try sgd.step()
        #expect(p.scalars == [-1.5, -1.5, -1.5])
        sgd.zeroGrad()
        #expect(p.grad == nil)
    }

    @Test func frozenAndGradlessParametersAreSkipped() throws {
        let frozen = try Tensor(shape: [2], scalars: [1, 1] as [Float])
        frozen.grad = Tensor.ones([2])  // a grad on a tensor that does not require grad is ignored
        let gradless = try parameter([5])
        let live = try parameter([0])
        let adam = try Adam([frozen, gradless, live], Adam.Options(learningRate: 0.1))
        live.grad = Tensor.ones([1])
        try adam.step()
        #expect(frozen.scalars == [1, 1])
        #expect(gradless.scalars == [5])
        #expect(adam.state().header.steps == [0, 0, 1])
    }

    @Test func learningRatesAreSetPerGroup() throws {
        let (a, b) = (try parameter([0]), try parameter([0]))
        let sgd = try SGD(groups: [
            ParameterGroup([a], options: SGD.Options(learningRate: 0.1)),
            ParameterGroup([b], options: SGD.Options(learningRate: 0.2)),
        ])
        #expect(sgd.learningRates == [0.1, 0.2])
        sgd.learningRates = [1, 2]
        a.grad = Tensor.ones([1])
        b.grad = Tensor.ones([1])
        try sgd.step()
        #expect(a.scalars == [-1])
        #expect(b.scalars == [-2])
    }

    @Test func optionsByPyTorchName() throws {
        let o = try Adam.Options(values: ["lr": 0.5, "beta2": 0.9, "amsgrad": 1], defaults: .adamW())
        #expect(
            o
                == Adam.Options(
                    learningRate: 0.5, beta2: 0.9, weightDecay: 0.01, amsgrad: true, decoupledWeightDecay: true))
        #expect(try Adam.Options(values: o.values, defaults: Adam.Options()) == o)
        #expect(
            throws: TensorError.invalidArgument(
                "SGD: unknown option 'momentun' (expected one of lr, momentum, dampening, weight_decay, nesterov, maximize)"
            )
        ) {
            try SGD.Options(values: ["momentun": 0.9], defaults: SGD.Options())
        }
    }

    @Test func badConstructionIsAClearError() throws {
        let p = try parameter([1])
        #expect(throws: TensorError.invalidArgument("SGD: got an empty parameter list")) { try SGD([]) }
        #expect(throws: TensorError.invalidArgument("Adam: got an empty parameter list")) {
            try Adam(groups: [ParameterGroup([], options: Adam.Options())])
        }
        #expect(throws: TensorError.self) { try SGD([try p * 2]) }  // not a leaf
        #expect(throws: TensorError.self) { try SGD([Tensor.zeros([2], dtype: .float64)]) }
        #expect(
            throws: TensorError.invalidArgument("SGD: parameter 2 of group 1 appears more than once among the groups")
        ) {
            try SGD([p, p])
        }
        #expect(throws: TensorError.invalidArgument("SGD: Nesterov momentum requires a momentum and zero dampening")) {
            try SGD([p], SGD.Options(nesterov: true))
        }
        #expect(throws: TensorError.self) { try SGD([p], SGD.Options(learningRate: -1)) }
        #expect(throws: TensorError.self) { try Adam([p], Adam.Options(beta1: 1)) }
        #expect(throws: TensorError.self) { try Adam([p], Adam.Options(eps: -1)) }
        #expect(throws: TensorError.self) { try SGD([p]).setOptions(SGD.Options(), group: 1) }
    }

    @Test func aGradientOfTheWrongShapeIsAnError() throws {
        let p = try parameter([1, 2])
        let sgd = try SGD([p])
        p.grad = Tensor.ones([3])
        #expect(throws: TensorError.shape("SGD: parameter 0 has shape [2] but its grad [3]")) { try sgd.step() }
        // Checked before any update: the good parameter and the state are untouched.
        let good = try parameter([1])
        let adam = try Adam([good, p])
        good.grad = Tensor.ones([1])
        #expect(throws: TensorError.self) { try adam.step() }
        #expect(good.scalars == [1])
        #expect(adam.state().header.steps == [0, 0])
    }
}
