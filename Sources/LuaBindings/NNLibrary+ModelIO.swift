import Lua
import Models
import NN
import TensorCore

/// A model call's input table read into a ``Models/ModelInput``.
///
/// Tensors go under Hugging Face's names (the registry's, ``Models/Models/inputKinds``); `return_loss` and `output_hidden_states` are flags.
/// Entries that are not tensors under names no model reads (a loader batch's `text` and `id`)
/// are ignored, so a batch can be passed as it comes. Anything else is an error naming the
/// input: a non-tensor under an input name, a tensor of the wrong dtype, or a tensor under a name
/// no model reads (a typo such as `pixel_value`).
enum ModelInputs {
    static let flags: Set = ["return_loss", "output_hidden_states"]

    static func read(_ table: LuaTable, for model: any PretrainedModel) throws -> ModelInput {
        let name = model.typeName
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaMessageError(
                "\(name): inputs are named, as m{pixel_values=x, labels=y}; the table has positional entries")
        }
        var input = ModelInput([:])
        for (key, value) in table.fields.sorted(by: { $0.key < $1.key }) {
            if flags.contains(key) {
                guard case .boolean(let flag) = value else {
                    throw LuaMessageError("\(name): input '\(key)' must be true or false, got \(value.typeName)")
                }
                if key == "return_loss" { input.returnLoss = flag } else { input.outputHiddenStates = flag }
                continue
            }
            let kind = Models.inputKinds[key]
            guard case .object(let tensor as Tensor) = value else {
                if kind != nil {
                    throw LuaMessageError("\(name): input '\(key)' must be a Tensor, got \(value.typeName)")
                }
                continue  // text, id, … of a loader batch
            }
            switch kind {
            case nil:
                let names = Set(Models.inputKinds.keys).union(flags).sorted().joined(separator: ", ")
                throw LuaMessageError("\(name): unknown input '\(key)' (inputs: \(names))")
            case .ids? where tensor.dtype != .int64:
                throw LuaMessageError("\(name): input '\(key)' must be int64 ids, got \(tensor.dtype)")
            case .values? where !tensor.dtype.isFloatingPoint:
                throw LuaMessageError("\(name): input '\(key)' must be a float tensor, got \(tensor.dtype)")
            default: break
            }
            input.tensors[key] = tensor
        }
        return input
    }
}

/// A model's flat outputs (`hidden_states.0`, `text_model_output.last_hidden_state`) pushed as
/// the nested table Hugging Face's output objects make: `out.text_model_output.last_hidden_state`,
/// and `out.hidden_states` as a Lua list (`hidden_states[1]` is the embeddings, Hugging Face's
/// `hidden_states[0]`).
enum ModelOutputs {
    /// One level of the nested table: tensors and subtables by name, and a list of tensors
    /// (keys ending in a number).
    private final class Level {
        var tensors: [String: Tensor] = [:]
        var list: [Int: Tensor] = [:]
        var levels: [String: Level] = [:]

        func add(_ keys: ArraySlice<Substring>, _ tensor: Tensor) {
            guard let first = keys.first else { return }
            if keys.count == 1 {
                if let index = Int(first) { list[index] = tensor } else { tensors[String(first)] = tensor }
                return
            }
            let level = levels[String(first)] ?? Level()
            levels[String(first)] = level
            level.add(keys.dropFirst(), tensor)
        }

        func push(on call: LuaCall) throws -> Int {
            try call.pushTable { table in
                for index in list.keys.sorted() { try table.append(object: list[index]!) }
                for (name, tensor) in tensors { try table.set(name, object: tensor) }
                for (name, level) in levels { try table.set(name) { try level.push(on: $0) } }
            }
        }
    }

    static func push(_ outputs: [String: Tensor], on call: LuaCall) throws -> Int {
        let root = Level()
        for (key, tensor) in outputs { root.add(key.split(separator: ".")[...], tensor) }
        TensorMemory.pace(call.lua)
        return try root.push(on: call)
    }
}
