import Lua
import NN
import TensorCore

/// The methods every layer and model has (PyTorch's `nn.Module` API): parameters, state dicts,
/// modes, freezing, counting, children, and `print(m)`.
extension NNLibrary {
    static func registerModuleMethods(_ type: LuaUserType<Module>, _ ordered: OrderedTables) {
        registerParameters(type, ordered)
        registerStateDict(type, ordered)
        registerModes(type)
        registerStructure(type)
    }

    private static func registerParameters(_ type: LuaUserType<Module>, _ ordered: OrderedTables) {
        type.method(
            "parameters", "m:parameters([{trainable=true}]) -> {Tensor...}",
            "Every parameter tensor as a Lua list, in module order (only those not frozen with trainable=true); pass it to an optimizer"
        ) { m, call in
            try call.expectAtMost(2)
            let trainable = try call.options(at: 2, allowed: ["trainable"]).boolean("trainable") ?? false
            return try call.push(tensors: trainable ? m.trainableParameters() : m.parameters())
        }
        type.method(
            "named_parameters", "m:named_parameters() -> {name = Tensor, ...}",
            "Parameters by Hugging Face dotted name (encoder.layer.0.attention.query.weight); pairs() and for-in visit them in module order"
        ) { m, call in
            try call.expectAtMost(1)
            return try ordered.push(m.namedParameters(), on: call)
        }
        type.method(
            "num_parameters", "m:num_parameters([{trainable=true}]) -> integer",
            "The number of scalars in all parameters, or only in those not frozen (as Hugging Face's num_parameters(only_trainable=))"
        ) { m, call in
            try call.expectAtMost(2)
            let options = try call.options(at: 2, allowed: ["trainable", "only_trainable"])
            let trainable = try options.boolean("trainable") ?? options.boolean("only_trainable") ?? false
            return call.push(m.parameterCount(trainableOnly: trainable))
        }
        type.method(
            "zero_grad", "m:zero_grad()",
            "Clears the .grad of every parameter (backward() accumulates into it)"
        ) { m, call in
            try call.expectAtMost(1)
            for parameter in m.parameters() { parameter.grad = nil }
            return 0
        }
        type.method(
            "freeze", "m:freeze([pattern]) -> integer",
            "Stops gradients for the parameters whose name matches pattern (all without one) and returns how many; "
                + "'vit.encoder' matches everything under it, '*' any characters ('*.bias')"
        ) { m, call in
            try trainable(false, m, call)
        }
        type.method(
            "unfreeze", "m:unfreeze([pattern]) -> integer",
            "Lets gradients reach the parameters matching pattern again (all without one); returns how many"
        ) { m, call in
            try trainable(true, m, call)
        }
    }

    /// `freeze`/`unfreeze`: the pattern is argument 2; matching nothing is an error (a typo).
    private static func trainable(_ on: Bool, _ m: Module, _ call: LuaCall) throws -> Int {
        try call.expectAtMost(2)
        let pattern = try call.string(at: 2, default: "*")
        do {
            return call.push(try on ? m.unfreeze(pattern) : m.freeze(pattern))
        } catch TensorError.invalidArgument {
            throw LuaArgumentError(position: 2, message: "no parameter of \(m.typeName) matches '\(pattern)'")
        }
    }

    private static func registerStateDict(_ type: LuaUserType<Module>, _ ordered: OrderedTables) {
        type.method(
            "state_dict", "m:state_dict() -> {name = Tensor, ...}",
            "Parameters and buffers by dotted name, detached (they share memory with the module); "
                + "tensor.save(path, m:state_dict()) writes a safetensors file"
        ) { m, call in
            try call.expectAtMost(1)
            let entries = (m.namedParameters() + m.namedBuffers()).map { ($0.name, $0.tensor.detached()) }
            return try ordered.push(entries, on: call)
        }
        type.method(
            "load_state_dict", "m:load_state_dict(t[, {strict=true}]) -> {missing_keys=, unexpected_keys=}",
            "Copies the tensors of t (name -> Tensor, e.g. tensor.load(path)) into the parameters; strict=false accepts "
                + "missing and unexpected names and reports them"
        ) { m, call in
            try call.expectAtMost(3)
            let tensors = try namedTensors(call, at: 2)
            let strict = try call.options(at: 3, allowed: ["strict"]).boolean("strict") ?? true
            let report: LoadReport
            do {
                report = try m.loadStateDict(tensors, strict: strict, source: "the table")
            } catch let error as TensorError where error != .interrupted {
                let text = error.description
                throw LuaArgumentError(
                    position: 2, message: text.hasPrefix("load_state_dict: ") ? String(text.dropFirst(17)) : text)
            }
            return pushReport(report, on: call)
        }
    }

    /// A table of name → tensor, with the offending entry named when it is not one.
    private static func namedTensors(_ call: LuaCall, at position: Int) throws -> [String: Tensor] {
        let table = try call.table(at: position)
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaArgumentError(
                position: position, message: "a table of name = Tensor expected, got keys that are not names")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in table.fields.sorted(by: { $0.key < $1.key }) {
            guard case .object(let tensor as Tensor) = value else {
                throw LuaArgumentError(
                    position: position, message: "entry '\(name)' must be a Tensor, got \(value.typeName)")
            }
            tensors[name] = tensor
        }
        return tensors
    }

    /// `{missing_keys = {...}, unexpected_keys = {...}}`, as PyTorch's load_state_dict returns.
    static func pushReport(_ report: LoadReport, on call: LuaCall) -> Int {
        call.pushTable { table in
            table.set("missing_keys", report.missing)
            table.set("unexpected_keys", report.unexpected)
        }
    }

    private static func registerModes(_ type: LuaUserType<Module>) {
        type.method(
            "train", "m:train([mode=true]) -> m",
            "Training mode for m and every submodule (dropout active); m:train(false) is m:eval()"
        ) { m, call in
            try call.expectAtMost(2)
            m.train(try call.boolean(at: 2, default: true))
            return call.pushArgument(1)
        }
        type.method(
            "eval", "m:eval() -> m",
            "Evaluation mode for m and every submodule (no dropout); nn.load returns models in it"
        ) { m, call in
            try call.expectAtMost(1)
            m.eval()
            return call.pushArgument(1)
        }
        type.property("training", "m.training -> boolean", "Whether m is in training mode (see m:train(), m:eval())") {
            m, call in
            call.push(m.isTraining)
        }
        type.setter("training") { m, _ in
            throw LuaMessageError("\(m.typeName).training is read-only: use m:train(false) or m:eval()")
        }
    }

    private static func registerStructure(_ type: LuaUserType<Module>) {
        type.method(
            "get_submodule", "m:get_submodule(path) -> Module",
            "The submodule at a dotted path ('vit.encoder.layer.0'), as PyTorch's get_submodule"
        ) { m, call in
            try call.expectAtMost(2)
            let path = try call.string(at: 2)
            guard let found = m.namedModules().first(where: { $0.name == path }) else {
                throw LuaArgumentError(position: 2, message: "\(m.typeName) has no submodule '\(path)'")
            }
            return try call.push(object: found.module)
        }
        type.method(
            "get_parameter", "m:get_parameter(name) -> Tensor",
            "The parameter with a dotted name ('classifier.weight'), as PyTorch's get_parameter"
        ) { m, call in
            try call.expectAtMost(2)
            let name = try call.string(at: 2)
            guard let found = m.namedParameters().first(where: { $0.name == name }) else {
                throw LuaArgumentError(position: 2, message: "\(m.typeName) has no parameter '\(name)'")
            }
            return try call.push(tensor: found.tensor)
        }
        type.method(
            "children", "m:children() -> {Module...}",
            "The direct submodules as a Lua list, in order (m[i] is the i-th)"
        ) { m, call in
            try call.expectAtMost(1)
            return try call.pushTable { list in
                for (_, child) in m.children { try list.append(object: child) }
            }
        }
        type.elements("m[i]", "The i-th direct submodule (1-based; -1 is the last), e.g. a Sequential's layers") {
            m, call in
            let children = m.children
            let position = try call.integer(at: 2)
            guard !children.isEmpty else {
                throw LuaMessageError("\(m.typeName)[\(position)]: \(m.typeName) has no submodules")
            }
            let index = position < 0 ? children.count + position : position - 1
            guard children.indices.contains(index) else {
                throw LuaMessageError(
                    "\(m.typeName)[\(position)]: position out of range for \(children.count) submodules "
                        + "(positions are 1..\(children.count), or negative from the end)")
            }
            return try call.push(object: children[index].module)
        }
        type.length { $0.children.count }
        type.tostring { $0.summary() }
    }
}
