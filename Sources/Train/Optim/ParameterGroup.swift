import TensorCore

/// The hyperparameters of one optimizer, per parameter group.
///
/// Besides the typed fields, options can be read and built by their PyTorch names (`lr`,
/// `weight_decay`, `momentum`, …) through ``values`` and ``init(values:defaults:)``: the state
/// records groups that way, and the Lua `optim` library builds groups from option tables.
public protocol OptimizerOptions: Sendable, Equatable {
    /// The step size (`lr`).
    var learningRate: Double { get set }
    /// Every option under its PyTorch name; booleans are 0 or 1.
    var values: [String: Double] { get }
    /// Options taken from `values` by PyTorch name, the rest from `defaults`.
    /// - Throws: naming an unknown option, or when the result is invalid.
    init(values: [String: Double], defaults: Self) throws
    /// Checks ranges as PyTorch's constructors do (e.g. `lr >= 0`).
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the option and its value.
    func validate() throws
}

extension OptimizerOptions {
    /// Looks up `name` in `values`, falling back to `fallback`; used by `init(values:defaults:)`.
    static func value(_ values: [String: Double], _ name: String, _ fallback: Double) -> Double {
        values[name] ?? fallback
    }

    /// Throws when `values` holds a name outside `known`.
    static func checkNames(_ values: [String: Double], known: [String], optimizer: String) throws {
        for name in values.keys.sorted() where !known.contains(name) {
            throw TensorError.invalidArgument(
                "\(optimizer): unknown option '\(name)' (expected one of \(known.joined(separator: ", ")))")
        }
    }
}

/// Parameters that share one set of options (an entry of PyTorch's `param_groups`).
public struct ParameterGroup<Options: OptimizerOptions>: Sendable {
    /// The tensors this group updates, in order.
    public let parameters: [Tensor]
    /// The group's hyperparameters.
    public var options: Options

    /// A group of `parameters` updated with `options`.
    public init(_ parameters: [Tensor], options: Options) {
        self.parameters = parameters
        self.options = options
    }
}

/// The learning rate of each group, in order (an optimizer's `learningRates`).
func learningRates<Options>(of groups: [ParameterGroup<Options>]) -> [Double] {
    groups.map(\.options.learningRate)
}

/// Sets the groups' learning rates in order, as schedules do.
func setLearningRates<Options>(_ rates: [Double], of groups: inout [ParameterGroup<Options>]) {
    for (g, lr) in zip(groups.indices, rates) { groups[g].options.learningRate = lr }
}

/// Replaces the options of group `group` (0-based) once the index and the options check out.
func replaceOptions<Options>(
    _ options: Options, group: Int, of groups: inout [ParameterGroup<Options>], optimizer: String
) throws {
    guard groups.indices.contains(group) else {
        throw TensorError.invalidArgument("\(optimizer): no group \(group); there are \(groups.count)")
    }
    try options.validate()
    groups[group].options = options
}

/// Checks the groups as PyTorch's `Optimizer.__init__` and `add_param_group` do: some parameters,
/// leaf float32 tensors only, none in two groups, valid options.
func validateGroups<Options>(_ groups: [ParameterGroup<Options>], optimizer: String) throws {
    guard groups.contains(where: { !$0.parameters.isEmpty }) else {
        throw TensorError.invalidArgument("\(optimizer): got an empty parameter list")
    }
    var seen: Set<ObjectIdentifier> = []
    for (g, group) in groups.enumerated() {
        try group.options.validate()
        for (i, p) in group.parameters.enumerated() {
            let place = "parameter \(i + 1) of group \(g + 1)"
            guard p.isLeaf else {
                throw TensorError.invalidArgument(
                    "\(optimizer): \(place) is not a leaf tensor (it is the output of \(p.gradFunctionName ?? "an operation")); optimize the original tensor"
                )
            }
            guard p.dtype == .float32 else {
                throw TensorError.invalidArgument(
                    "\(optimizer): \(place) is \(p.dtype); optimizers update float32 tensors")
            }
            guard seen.insert(ObjectIdentifier(p)).inserted else {
                throw TensorError.invalidArgument("\(optimizer): \(place) appears more than once among the groups")
            }
        }
    }
}

/// Checks every gradient that a step would use against its parameter's shape, before anything is
/// updated, so a bad gradient leaves parameters and state as they were.
func checkGradients<Options>(_ groups: [ParameterGroup<Options>], optimizer: String) throws {
    for (index, p) in groups.flatMap(\.parameters).enumerated() where p.requiresGrad {
        if let g = p.grad, g.shape != p.shape {
            throw TensorError.shape("\(optimizer): parameter \(index) has shape \(p.shape) but its grad \(g.shape)")
        }
    }
}
