import Lua
import NN
import TensorCore

/// A model written in Lua — any table or object with `forward(self, batch) -> outputs` and
/// `parameters(self) -> {Tensor, ...}`, and optionally `state_dict(self) -> {name = Tensor}`,
/// `train(self)`, `eval(self)` — seen by the Swift trainer as a ``Module``.
///
/// The proxy registers the model's own tensors (not copies) under the names `state_dict` gives,
/// or `0`, `1`, … in `parameters()` order, so optimizers, checkpoints and `load_state_dict`
/// work on the Lua model's tensors in place. State-dict tensors that are not parameters become
/// buffers (saved, not trained).
final class LuaModelProxy: Module {
    private let name: String

    override var typeName: String { name }

    init(parameters: [(name: String, tensor: Tensor)], buffers: [(name: String, tensor: Tensor)], typeName: String)
        throws
    {
        name = typeName
        super.init()
        for (path, tensor) in parameters {
            let (owner, last) = try node(for: path)
            // Registering makes a tensor require grad; a frozen Lua parameter stays frozen.
            let trainable = tensor.requiresGrad
            owner.register(parameter: last, tensor)
            if !trainable { try tensor.setRequiresGrad(false) }
        }
        for (path, tensor) in buffers {
            let (owner, last) = try node(for: path)
            owner.register(buffer: last, tensor)
        }
    }

    /// The module that owns the dotted `path`'s last component, made on the way (Module names
    /// are single components; checkpoints want the dotted names back).
    private func node(for path: String) throws -> (Module, String) {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw LuaMessageError(
                "train.Trainer: the model's state_dict has the name '\(path)', which has an empty component")
        }
        var owner: Module = self
        for part in parts.dropLast() {
            owner = owner.children.first { $0.name == part }?.module ?? owner.register(child: part, LuaModelNode())
        }
        return (owner, parts.last!)
    }

    /// Builds the proxy from the glue's `parameters()` and `state_dict()` results.
    static func make(parameters: LuaValue, stateDict: LuaValue) throws -> LuaModelProxy {
        guard case .table(let list) = parameters else {
            throw LuaMessageError(
                "train.Trainer: model:parameters() returned a \(parameters.typeName), not a list of tensors")
        }
        let tensors = try list.array.enumerated().map { index, value -> Tensor in
            guard case .object(let tensor as Tensor) = value else {
                throw LuaMessageError(
                    "train.Trainer: entry \(index + 1) of model:parameters() is a \(value.typeName), not a Tensor")
            }
            return tensor
        }
        var names: [ObjectIdentifier: String] = [:]
        var buffers: [(name: String, tensor: Tensor)] = []
        if case .table(let state) = stateDict {
            let owned = Set(tensors.map(ObjectIdentifier.init))
            for key in state.fields.keys.sorted() {
                guard case .object(let tensor as Tensor)? = state.fields[key] else { continue }
                if owned.contains(ObjectIdentifier(tensor)) {
                    names[ObjectIdentifier(tensor)] = key
                } else {
                    buffers.append((key, tensor))
                }
            }
        }
        let named = tensors.enumerated().map { (names[ObjectIdentifier($0.element)] ?? String($0.offset), $0.element) }
        return try LuaModelProxy(parameters: named, buffers: buffers, typeName: "LuaModel")
    }
}

/// A level of dotted names inside a ``LuaModelProxy``.
final class LuaModelNode: Module {}
