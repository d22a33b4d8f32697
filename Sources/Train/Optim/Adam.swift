import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW` (single-tensor CPU path).
///
/// For each parameter p with gradient g at its step t (counted per parameter), in PyTorch's order:
/// ```
/// g ← −g                                            (maximize)
/// p ← p · (1 − lr · weight_decay)                   (decoupled: AdamW)
/// g ← g + weight_decay · p                          (otherwise: L2 in the gradient)
/// m ← m + (1 − β₁) · (g − m)                        (lerp)
/// v ← β₂ · v + (1 − β₂) · g²
/// v̂ ← max(v̂, v), used in place of v               (amsgrad)
/// p ← p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)
/// ```
/// eps is added after the square root of the bias-corrected second moment, as PyTorch does.
public final class Adam: Optimizer {
    /// Adam's options with PyTorch's `Adam` defaults; ``adamW(learningRate:beta1:beta2:eps:weightDecay:amsgrad:maximize:)``
    /// gives `AdamW`'s (weight decay 0.01).
    public struct Options: OptimizerOptions {
        /// `lr`.
        public var learningRate: Double
        /// β₁, the decay of the first-moment average (`betas[0]`).
        public var beta1: Double
        /// β₂, the decay of the second-moment average (`betas[1]`).
        public var beta2: Double
        /// Added to the denominator after the square root.
        public var eps: Double
        /// The decay rate: in the gradient (Adam) or on the weights (decoupled, AdamW).
        public var weightDecay: Double
        /// Keep the running maximum of the second moment (AMSGrad).
        public var amsgrad: Bool
        /// Ascend the gradient instead of descending it.
        public var maximize: Bool
        /// Decay the weights directly (AdamW) instead of adding decay to the gradient.
        public var decoupledWeightDecay: Bool

        public init(
            learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
            weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false,
            decoupledWeightDecay: Bool = false
        ) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.eps = eps
            self.weightDecay = weightDecay
            self.amsgrad = amsgrad
            self.maximize = maximize
            self.decoupledWeightDecay = decoupledWeightDecay
        }

        /// Options with `torch.optim.AdamW`'s defaults: weight decay 0.01, decoupled.
        public static func adamW(
            learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
            weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false
        ) -> Options {
            Options(
                learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                amsgrad: amsgrad, maximize: maximize, decoupledWeightDecay: true)
        }

        static let names = [
            "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize", "decoupled_weight_decay",
        ]

        public var values: [String: Double] {
            [
                "lr": learningRate, "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weightDecay,
                "amsgrad": amsgrad ? 1 : 0, "maximize": maximize ? 1 : 0,
                "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0,
            ]
        }

        public init(values: [String: Double], defaults: Options) throws {
            try Self.checkNames(values, known: Self.names, optimizer: "Adam")
            func flag(_ name: String, _ fallback: Bool) -> Bool { Self.value(values, name, fallback ? 1 : 0) != 0 }
            self.init(
                learningRate: Self.value(values, "lr", defaults.learningRate),
                beta1: Self.value(values, "beta1", defaults.beta1),
                beta2: Self.value(values, "beta2", defaults.beta2),
                eps: Self.value(values, "eps", defaults.eps),
                weightDecay: Self.value(values, "weight_decay", defaults.weightDecay),
                amsgrad: flag("amsgrad", defaults.amsgrad),
                maximize: flag("maximize", defaults.maximize),
                decoupledWeightDecay: flag("decoupled_weight_decay", defaults.decoupledWeightDecay))
            try validate()
        }

        public func validate() throws {
            func fail(_ what: String) -> TensorError { .invalidArgument("Adam: invalid \(what)") }
            guard learningRate >= 0 else { throw fail("learning rate \(learningRate) (must be >= 0)") }
            guard eps >= 0 else { throw fail("eps \(eps) (must be >= 0)") }
            guard (0..<1).contains(beta1) else { throw fail("beta1 \(beta1) (must be in [0, 1))") }
            guard (0..<1).contains(beta2) else { throw fail("beta2 \(beta2) (must be in [0, 1))") }
            guard weightDecay >= 0 else { throw fail("weight_decay \(weightDecay) (must be >= 0)") }
        }
    }

    /// A parameter's running moments and its step count.
    private struct Moments {
        var step = 0
        let expAvg: Tensor
        let expAvgSq: Tensor
        var maxExpAvgSq: Tensor?
    }

    /// `"AdamW"` when built by ``adamW(_:_:)`` or ``adamW(groups:defaults:)``, else `"Adam"`.
    public let name: String
    /// The parameter groups; change options with ``setOptions(_:group:)``.
    public private(set) var groups: [ParameterGroup<Options>]
    /// The options given at construction (PyTorch's `defaults`).
    public let defaults: Options
    private var moments: [Moments?]

    /// Adam over `parameters`, all with `options`.
    /// - Throws: when the list is empty, a parameter is not a float32 leaf or appears twice, or an
    ///   option is out of range.
    public convenience init(_ parameters: [Tensor], _ options: Options = Options()) throws {
        try self.init(groups: [ParameterGroup(parameters, options: options)], defaults: options)
    }

    /// Adam over several groups, each with its own options.
    public convenience init(groups: [ParameterGroup<Options>], defaults: Options = Options()) throws {
        try self.init(name: "Adam", groups: groups, defaults: defaults)
    }

    /// AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay in every group.
    public static func adamW(_ parameters: [Tensor], _ options: Options = .adamW()) throws -> Adam {
        try adamW(groups: [ParameterGroup(parameters, options: options)], defaults: options)
    }

    /// AdamW over several groups; each group's decay is decoupled whatever its options say.
    public static func adamW(groups: [ParameterGroup<Options>], defaults: Options = .adamW()) throws -> Adam {
        var groups = groups, defaults = defaults
        for g in groups.indices { groups[g].options.decoupledWeightDecay = true }
        defaults.decoupledWeightDecay = true
        return try Adam(name: "AdamW", groups: groups, defaults: defaults)
    }

    private init(name: String, groups: [ParameterGroup<Options>], defaults: Options) throws {
        try validateGroups(groups, optimizer: name)
        try defaults.validate()
        self.name = name
        self.groups = groups
        self.defaults = defaults
        moments = Array(repeating: nil, count: groups.reduce(0) { $0 + $1.parameters.count })
    }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    public var learningRates: [Double] {
        get { Train.learningRates(of: groups) }
        set { setLearningRates(newValue, of: &groups) }
    }

    public var defaultLearningRate: Double { defaults.learningRate }

    /// Replaces the options of group `group` (0-based). AdamW keeps its decay decoupled.
    /// - Throws: when the index is out of range or the options are invalid.
    public func setOptions(_ options: Options, group: Int) throws {
        try replaceOptions(options, group: group, of: &groups, optimizer: name)
        if name == "AdamW" { groups[group].options.decoupledWeightDecay = true }
    }

    public func step() throws {
        try checkGradients(groups, optimizer: name)
        try noGrad {
            var index = 0
            for group in groups {
                try group.options.validate()
                for p in group.parameters {
                    defer { index += 1 }
                    guard p.requiresGrad, let grad = p.grad else { continue }
                    try update(p, grad: grad, index: index, options: group.options)
                }
            }
        }
    }

    private func update(_ p: Tensor, grad: Tensor, index: Int, options o: Options) throws {
        var state = moments[index] ?? Moments(expAvg: Tensor.zeros(p.shape), expAvgSq: Tensor.zeros(p.shape))
        if o.amsgrad && state.maxExpAvgSq == nil { state.maxExpAvgSq = Tensor.zeros(p.shape) }
        state.step += 1
        moments[index] = state
        // Scalars are computed in double and handed to the float32 kernels, as PyTorch does.
        let t = Double(state.step)
        let stepSize = o.learningRate / (1 - pow(o.beta1, t))
        let correction2 = Float(pow(1 - pow(o.beta2, t), 0.5))
        let negativeStep = Float(-stepSize), eps = Float(o.eps)
        let decay = Float(o.weightDecay), shrink = Float(1 - o.learningRate * o.weightDecay)
        let decoupled = o.decoupledWeightDecay, maximize = o.maximize
        // torch.lerp switches formula at weight 0.5 to stay accurate for large weights.
        let weight = Float(1 - o.beta1), smallWeight = Swift.abs(weight) < 0.5
        let beta2 = Float(o.beta2), oneMinusBeta2 = Float(1 - o.beta2)
        let avg = state.expAvg.pointer(as: Float.self), avgSq = state.expAvgSq.pointer(as: Float.self)
        let maxAvgSq = o.amsgrad ? state.maxExpAvgSq?.pointer(as: Float.self) : nil
        try updateInPlace(p, grad: grad) { param, gradient, range in
            forEachBlock(range) { i, width in
                var g = load(gradient, i, width)
                var x = load(param, i, width)
                if maximize { g = -g }
                if decay != 0 {
                    if decoupled { x = x * shrink } else { g = g.addingProduct(decay, x) }
                }
                var m = load(avg, i, width)
                m = smallWeight ? m.addingProduct(weight, g - m) : g.addingProduct(weight - 1, g - m)
                var v = load(avgSq, i, width) * beta2
                v = v + (oneMinusBeta2 * g) * g
                store(m, avg, i, width)
                store(v, avgSq, i, width)
                if let maxAvgSq {
                    v = pointwiseMax(load(maxAvgSq, i, width), v)
                    store(v, maxAvgSq, i, width)
                }
                let denominator = VectorMath.sqrt(v) / correction2 + eps
                x = x + (negativeStep * m) / denominator
                store(x, param, i, width)
            }
        }
    }

    public func state() -> OptimizerState {
        var tensors: [String: Tensor] = [:]
        for (i, m) in moments.enumerated() {
            guard let m else { continue }
            tensors["\(i).exp_avg"] = m.expAvg.copied()
            tensors["\(i).exp_avg_sq"] = m.expAvgSq.copied()
            if let v = m.maxExpAvgSq { tensors["\(i).max_exp_avg_sq"] = v.copied() }
        }
        let steps = moments.map { $0?.step ?? 0 }
        return OptimizerState(header: OptimizerState.header(name, groups, steps: steps), tensors: tensors)
    }

    public func restore(_ state: OptimizerState) throws {
        let options = try state.matchingOptions(name, groups)
        let shapes = parameters.map(\.shape)
        guard state.header.steps.count == shapes.count else {
            throw TensorError.invalidArgument(
                "\(name): the state has step counts for \(state.header.steps.count) parameters, the optimizer has \(shapes.count)"
            )
        }
        let restored: [Moments?] = try shapes.indices.map { i in
            let step = state.header.steps[i]
            guard step > 0 else { return nil }
            guard let avg = try state.buffer(i, "exp_avg", shape: shapes[i], optimizer: name),
                let avgSq = try state.buffer(i, "exp_avg_sq", shape: shapes[i], optimizer: name)
            else {
                throw TensorError.invalidArgument(
                    "\(name): the state of parameter \(i) (step \(step)) lacks exp_avg or exp_avg_sq")
            }
            let maxSq = try state.buffer(i, "max_exp_avg_sq", shape: shapes[i], optimizer: name)
            return Moments(step: step, expAvg: avg, expAvgSq: avgSq, maxExpAvgSq: maxSq)
        }
        for (g, o) in options.enumerated() { groups[g].options = o }
        moments = restored
    }
}
