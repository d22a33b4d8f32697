import Lua
import NN
import TensorCore
import Train

/// An optimizer as Lua holds it (`Optimizer` userdata): the Swift optimizers are protocol
/// values, and Lua types are registered for classes.
final class LuaOptimizer {
    let optimizer: any Optimizer
    init(_ optimizer: any Optimizer) { self.optimizer = optimizer }
}

/// The `optim` library (DESIGN.md §2): SGD, Adam and AdamW with PyTorch's update rules and
/// defaults, gradient clipping, and learning-rate schedules (OptimLibrary+Schedules.swift).
enum OptimLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library(
            "optim",
            summary:
                "optimizers and learning-rate schedules: optim.AdamW(m:parameters(), {lr=1e-4}), "
                + "optim.cosine(opt, {...})"
        )
        registerOptimizers(library)
        registerOptimizerType(lua)
        registerSchedules(library, lua)
        library.function(
            "clip_grad_norm", "optim.clip_grad_norm(params, max_norm[, {norm_type=2}]) -> number",
            "Scales the gradients so their joint norm is at most max_norm; returns the norm before clipping."
        ) { call in
            let options = try call.options(at: 3, allowed: ["norm_type"])
            let tensors = try parameterGroups(call, at: 1).flatMap(\.tensors)
            let maxNorm = try call.number(at: 2)
            guard maxNorm >= 0 else {
                throw LuaArgumentError(position: 2, message: "max_norm must be >= 0, got \(maxNorm)")
            }
            let norm = try call.blaming(3) {
                try clipGradNorm(tensors, maxNorm: maxNorm, normType: try options.number("norm_type") ?? 2)
            }
            return call.push(norm)
        }
    }

    private static func registerOptimizers(_ library: LuaLibrary) {
        let sgdOptions = ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]
        library.function(
            "SGD",
            "optim.SGD(params[, {lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=false, maximize=false}])"
                + " -> Optimizer",
            "Stochastic gradient descent with momentum (torch.optim.SGD); params: tensors, m:parameters() or groups "
                + "{params=, lr=, ...}."
        ) { call in
            try call.expectAtMost(2)
            let (groups, defaults) = try groupsAndDefaults(call, allowed: sgdOptions)
            let base = try call.blaming(2) { try SGD.Options(values: defaults, defaults: SGD.Options()) }
            let optimizer = try call.blaming(1) {
                try SGD(
                    groups: try groups.map {
                        ParameterGroup($0.tensors, options: try SGD.Options(values: $0.values, defaults: base))
                    },
                    defaults: base)
            }
            return try call.push(object: LuaOptimizer(optimizer))
        }
        for (name, decoupled) in [("Adam", false), ("AdamW", true)] {
            let defaults = decoupled ? "weight_decay=0.01" : "weight_decay=0"
            library.function(
                name,
                "optim.\(name)(params[, {lr=1e-3, betas={0.9, 0.999}, eps=1e-8, \(defaults), amsgrad=false, "
                    + "maximize=false}]) -> Optimizer",
                decoupled
                    ? "Adam with decoupled weight decay (torch.optim.AdamW)."
                    : "Adam (torch.optim.Adam); weight decay is added to the gradient."
            ) { call in
                try call.expectAtMost(2)
                let (groups, values) = try groupsAndDefaults(
                    call, allowed: ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"])
                let base = try call.blaming(2) {
                    try Adam.Options(values: values, defaults: decoupled ? .adamW() : Adam.Options())
                }
                let optimizer = try call.blaming(1) {
                    let made = try groups.map {
                        ParameterGroup($0.tensors, options: try Adam.Options(values: $0.values, defaults: base))
                    }
                    return decoupled
                        ? try Adam.adamW(groups: made, defaults: base) : try Adam(groups: made, defaults: base)
                }
                return try call.push(object: LuaOptimizer(optimizer))
            }
        }
    }

    private static func registerOptimizerType(_ lua: LuaState) {
        let type = lua.userType(
            LuaOptimizer.self, name: "Optimizer", summary: "An optimizer (optim.SGD, optim.Adam, optim.AdamW)")
        type.method("step", "opt:step()", "Updates every parameter that has a gradient.") { box, call in
            try box.optimizer.step()
            return 0
        }
        type.method("zero_grad", "opt:zero_grad()", "Drops every parameter's gradient (set to nil).") { box, _ in
            box.optimizer.zeroGrad()
            return 0
        }
        type.property(
            "lr", "opt.lr -> number", "The learning rate (of the first group); setting it sets every group's."
        ) { box, call in
            call.push(box.optimizer.learningRates.first ?? 0)
        }
        type.setter("lr") { box, call in
            let rate = try call.number(at: 3)
            guard rate >= 0 else {
                throw LuaArgumentError(position: 3, message: "learning rate must be >= 0, got \(rate)")
            }
            box.optimizer.learningRates = box.optimizer.learningRates.map { _ in rate }
        }
        type.property("lrs", "opt.lrs -> {number, ...}", "Each parameter group's learning rate.") { box, call in
            call.push(box.optimizer.learningRates)
        }
        type.property(
            "params", "opt.params -> {Tensor, ...}", "Every parameter the optimizer updates, group after group."
        ) { box, call in
            try call.push(tensors: box.optimizer.parameters)
        }
        type.tostring { box in
            let o = box.optimizer
            let rates = o.learningRates.map { NumberText.scientific($0) }.joined(separator: ", ")
            return "\(o.name)(lr=\(rates); \(o.parameters.count) parameters)"
        }
    }

    // MARK: - Parameters and options

    /// One parameter group read from Lua: its tensors and its own options by PyTorch name.
    struct Group {
        var tensors: [Tensor]
        var values: [String: Double]
    }

    /// The parameter groups at `position` (a list of tensors, a list of groups
    /// `{params=, lr=, ...}`, or a model) and the options table after them, by PyTorch name.
    static func groupsAndDefaults(_ call: LuaCall, allowed: [String]) throws -> ([Group], [String: Double]) {
        let groups = try parameterGroups(call, at: 1)
        let options = try call.options(at: 2, allowed: allowed)
        var values: [String: Double] = [:]
        for name in allowed {
            guard let value = options.value(name) else { continue }
            try add(name, value, to: &values) { LuaArgumentError(position: 2, message: "option '\(name)': \($0)") }
        }
        return (groups, values)
    }

    static func parameterGroups(_ call: LuaCall, at position: Int) throws -> [Group] {
        let value = call.value(at: position)
        if case .object(let module as Module) = value { return [Group(tensors: module.parameters(), values: [:])] }
        guard case .table(let list) = value, list.fields.isEmpty else {
            throw call.typeError(position, expected: "list of tensors or of parameter groups")
        }
        if case .table? = list.array.first {
            return try list.array.enumerated().map { index, entry in
                func fail(_ message: String) -> LuaArgumentError {
                    LuaArgumentError(position: position, message: "parameter group \(index + 1): \(message)")
                }
                guard case .table(let group) = entry, case .table(let params)? = group.fields["params"] else {
                    throw fail("a table {params={...}, lr=, ...} expected")
                }
                var values: [String: Double] = [:]
                for (name, option) in group.fields where name != "params" {
                    try add(name, option, to: &values, fail)
                }
                return Group(tensors: try tensors(params.array) { fail("params: \($0)") }, values: values)
            }
        }
        return [
            Group(tensors: try tensors(list.array) { LuaArgumentError(position: position, message: $0) }, values: [:])
        ]
    }

    private static func tensors(_ values: [LuaValue], _ fail: (String) -> LuaArgumentError) throws -> [Tensor] {
        try values.enumerated().map { index, value in
            guard case .object(let tensor as Tensor) = value else {
                throw fail("entry \(index + 1) must be a Tensor, got \(value.typeName)")
            }
            return tensor
        }
    }

    /// Adds an option by PyTorch name: numbers, booleans as 0/1, `betas={b1, b2}` as two.
    private static func add(
        _ name: String, _ value: LuaValue, to values: inout [String: Double], _ fail: (String) -> LuaArgumentError
    ) throws {
        switch value {
        case .boolean(let flag):
            values[name] = flag ? 1 : 0
        case .table(let pair) where name == "betas":
            guard pair.array.count == 2, let b1 = pair.array[0].number, let b2 = pair.array[1].number else {
                throw fail("two numbers {beta1, beta2} expected")
            }
            values["beta1"] = b1
            values["beta2"] = b2
        default:
            guard let number = value.number else { throw fail("number expected, got \(value.typeName)") }
            values[name] = number
        }
    }
}
