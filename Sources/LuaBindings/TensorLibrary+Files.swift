import Lua
import TensorCore

/// `tensor.save` and `tensor.load`: the safetensors format, read and written by the Python
/// `safetensors` package as well (dtypes and shapes kept; names sorted; written atomically).
extension TensorLibrary {
    static func registerFiles(_ library: LuaLibrary) {
        library.function(
            "save", "tensor.save(path, {name = t, ...}[, metadata])",
            "Writes named tensors to a safetensors file (atomically); metadata is a table of strings"
        ) { call in
            try call.expectAtMost(3)
            let path = try call.string(at: 1)
            let tensors = try namedTensors(call, at: 2)
            let metadata = call.isNoneOrNil(3) ? nil : try strings(call, at: 3)
            try SafeTensors.save(tensors, metadata: metadata, to: path)
            return 0
        }
        library.function(
            "load", "tensor.load(path) -> {name = Tensor, ...}, metadata",
            "Reads every tensor of a safetensors file (and its metadata table, as a second result)"
        ) { call in
            try call.expectAtMost(1)
            let file = try SafeTensorsFile(path: call.string(at: 1))
            let tensors = try file.tensors()
            TensorMemory.pace(call.lua)
            try call.pushTable { table in
                for (name, t) in tensors { try table.set(name, object: t) }
            }
            return call.push(file.metadata) + 1
        }
    }

    /// A table of `name = Tensor` pairs; any other key or value is an error naming it.
    private static func namedTensors(_ call: LuaCall, at position: Int) throws -> [String: Tensor] {
        let table = try call.table(at: position)
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaArgumentError(position: position, message: "a table of name = Tensor pairs expected, got a list")
        }
        var result: [String: Tensor] = [:]
        for (name, value) in table.fields.sorted(by: { $0.key < $1.key }) {
            guard case .object(let object as Tensor) = value else {
                throw LuaArgumentError(position: position, message: "'\(name)' must be a Tensor, got \(value.typeName)")
            }
            result[name] = object
        }
        return result
    }

    /// A table of string keys and string values (safetensors metadata).
    private static func strings(_ call: LuaCall, at position: Int) throws -> [String: String] {
        let table = try call.table(at: position)
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaArgumentError(position: position, message: "metadata must be a table of name = string pairs")
        }
        var result: [String: String] = [:]
        for (key, value) in table.fields {
            guard let text = value.string else {
                throw LuaArgumentError(
                    position: position, message: "metadata '\(key)' must be a string, got \(value.typeName)")
            }
            result[key] = text
        }
        return result
    }
}
