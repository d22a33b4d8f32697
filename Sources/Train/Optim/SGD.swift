import TensorCore

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
/// as `torch.optim.SGD`.
///
/// For each parameter p with gradient g, in PyTorch's order:
/// ```
/// g ← −g                               (maximize)
/// g ← g + weight_decay · p             (weight_decay ≠ 0)
/// b ← g                                (momentum ≠ 0, first step of p)
/// b ← momentum · b + (1 − dampening) · g   (momentum ≠ 0, later steps)
/// g ← g + momentum · b  (nesterov)  or  g ← b
/// p ← p − lr · g
/// ```
public final class SGD: Optimizer {
    /// SGD's options, with PyTorch's defaults.
    public struct Options: OptimizerOptions {
        /// `lr`.
        public var learningRate: Double
        /// μ, the momentum factor (0: plain SGD).
        public var momentum: Double
        /// The share of the gradient held back from the momentum buffer after the first step.
        public var dampening: Double
        /// L2 penalty, added to the gradient as `weight_decay · p`.
        public var weightDecay: Double
        /// Step along the gradient plus the momentum instead of along the momentum.
        public var nesterov: Bool
        /// Ascend the gradient instead of descending it.
        public var maximize: Bool

        public init(
            learningRate: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
            weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false
        ) {
            self.learningRate = learningRate
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
            self.maximize = maximize
        }

        static let names = ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]

        public var values: [String: Double] {
            [
                "lr": learningRate, "momentum": momentum, "dampening": dampening, "weight_decay": weightDecay,
                "nesterov": nesterov ? 1 : 0, "maximize": maximize ? 1 : 0,
            ]
        }

        public init(values: [String: Double], defaults: Options) throws {
            try Self.checkNames(values, known: Self.names, optimizer: "SGD")
            self.init(
                learningRate: Self.value(values, "lr", defaults.learningRate),
                momentum: Self.value(values, "momentum", defaults.momentum),
                dampening: Self.value(values, "dampening", defaults.dampening),
                weightDecay: Self.value(values, "weight_decay", defaults.weightDecay),
                nesterov: Self.value(values, "nesterov", defaults.nesterov ? 1 : 0) != 0,
                maximize: Self.value(values, "maximize", defaults.maximize ? 1 : 0) != 0)
            try validate()
        }

        public func validate() throws {
            guard learningRate >= 0 else {
                throw TensorError.invalidArgument("SGD: invalid learning rate \(learningRate) (must be >= 0)")
            }
            guard momentum >= 0 else {
                throw TensorError.invalidArgument("SGD: invalid momentum \(momentum) (must be >= 0)")
            }
            guard weightDecay >= 0 else {
                throw TensorError.invalidArgument("SGD: invalid weight_decay \(weightDecay) (must be >= 0)")
            }
            guard !nesterov || (momentum > 0 && dampening == 0) else {
                throw TensorError.invalidArgument("SGD: Nesterov momentum requires a momentum and zero dampening")
            }
        }
    }

    public let name = "SGD"
    /// The parameter groups; change options with ``setOptions(_:group:)``.
    public private(set) var groups: [ParameterGroup<Options>]
    /// The options given at construction (PyTorch's `defaults`).
    public let defaults: Options
    /// Each parameter's momentum buffer, created on its first step with momentum.
    private var momentumBuffers: [Tensor?]

    /// SGD over `parameters`, all with `options`.
    /// - Throws: when the list is empty, a parameter is not a float32 leaf or appears twice, or an
    ///   option is out of range.
    public convenience init(_ parameters: [Tensor], _ options: Options = Options()) throws {
        try self.init(groups: [ParameterGroup(parameters, options: options)], defaults: options)
    }

    /// SGD over several groups, each with its own options.
    public init(groups: [ParameterGroup<Options>], defaults: Options = Options()) throws {
        try validateGroups(groups, optimizer: "SGD")
        try defaults.validate()
        self.groups = groups
        self.defaults = defaults
        momentumBuffers = Array(repeating: nil, count: groups.reduce(0) { $0 + $1.parameters.count })
    }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    public var learningRates: [Double] {
        get { Train.learningRates(of: groups) }
        set { setLearningRates(newValue, of: &groups) }
    }

    public var defaultLearningRate: Double { defaults.learningRate }

    /// Replaces the options of group `group` (0-based).
    /// - Throws: when the index is out of range or the options are invalid.
    public func setOptions(_ options: Options, group: Int) throws {
        try replaceOptions(options, group: group, of: &groups, optimizer: "SGD")
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
        let momentum = Float(o.momentum), decay = Float(o.weightDecay)
        let keep = Float(1 - o.dampening), negativeLR = Float(-o.learningRate)
        let hasMomentum = o.momentum != 0, nesterov = o.nesterov, maximize = o.maximize
        let first = hasMomentum && momentumBuffers[index] == nil
        if first { momentumBuffers[index] = Tensor.zeros(p.shape) }
        let buffer = hasMomentum ? momentumBuffers[index]?.pointer(as: Float.self) : nil
        try updateInPlace(p, grad: grad) { param, gradient, range in
            forEachBlock(range) { i, width in
                var g = load(gradient, i, width)
                var x = load(param, i, width)
                if maximize { g = -g }
                if decay != 0 { g = g.addingProduct(decay, x) }
                if let buffer {
                    var b = first ? g : load(buffer, i, width) * momentum
                    if !first { b = b.addingProduct(keep, g) }
                    store(b, buffer, i, width)
                    g = nesterov ? g.addingProduct(momentum, b) : b
                }
                x = x.addingProduct(negativeLR, g)
                store(x, param, i, width)
            }
        }
    }

    public func state() -> OptimizerState {
        var tensors: [String: Tensor] = [:]
        for (i, b) in momentumBuffers.enumerated() {
            if let b { tensors["\(i).momentum_buffer"] = b.copied() }
        }
        return OptimizerState(header: OptimizerState.header(name, groups, steps: []), tensors: tensors)
    }

    public func restore(_ state: OptimizerState) throws {
        let options = try state.matchingOptions(name, groups)
        let shapes = parameters.map(\.shape)
        let buffers = try shapes.indices.map { i in
            try state.buffer(i, "momentum_buffer", shape: shapes[i], optimizer: name)
        }
        for (g, o) in options.enumerated() { groups[g].options = o }
        momentumBuffers = buffers
    }
}
