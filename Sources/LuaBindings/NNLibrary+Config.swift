import Lua
import Models
import TensorCore

/// Configuration tables: Lua tables with Hugging Face's `config.json` field names, read into
/// JSON objects for ``Models`` (which checks the fields), and configurations shown back to Lua
/// (`m.config`).
enum ConfigTables {
    /// Reads a Lua table as a JSON object. Lists become arrays and name-keyed tables objects;
    /// `id2label` may also be a Lua list of names (`ds:classes()`: class id k is entry k + 1).
    /// - Throws: a ``Lua/LuaMessageError`` naming `source` and the field that cannot be JSON.
    static func json(_ table: LuaTable, source: String, path: String = "") throws -> [String: JSONValue] {
        guard table.array.isEmpty, table.otherKeys == 0 else {
            let place = path.isEmpty ? "the configuration" : "field '\(path)'"
            throw LuaMessageError("\(source): \(place) must be a table of name = value fields")
        }
        var object: [String: JSONValue] = [:]
        for (key, value) in table.fields {
            let field = path.isEmpty ? key : "\(path).\(key)"
            if key == "id2label", case .table(let names) = value, !names.array.isEmpty {
                object[key] = try labelNames(names, source: source, field: field)
            } else {
                object[key] = try json(value, source: source, field: field)
            }
        }
        return object
    }

    private static func json(_ value: LuaValue, source: String, field: String) throws -> JSONValue {
        switch value {
        case .boolean(let flag): return .bool(flag)
        case .integer(let i): return .number(Double(i))
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .table(let table) where table.fields.isEmpty && table.otherKeys == 0:
            return .array(
                try table.array.enumerated().map { try json($1, source: source, field: "\(field)[\($0 + 1)]") })
        case .table(let table):
            return .object(try json(table, source: source, path: field))
        default:
            throw LuaMessageError(
                "\(source): field '\(field)' must be a number, string, boolean or table, got \(value.typeName)")
        }
    }

    /// `{"cat", "dog"}` → `{"0": "cat", "1": "dog"}`.
    private static func labelNames(_ list: LuaTable, source: String, field: String) throws -> JSONValue {
        guard list.fields.isEmpty, list.otherKeys == 0 else {
            throw LuaMessageError("\(source): field '\(field)' must be a list of names, or a table of \"id\" = name")
        }
        var object: [String: JSONValue] = [:]
        for (id, value) in list.array.enumerated() {
            guard let name = value.string else {
                throw LuaMessageError("\(source): field '\(field)[\(id + 1)]' must be a string, got \(value.typeName)")
            }
            object[String(id)] = .string(name)
        }
        return .object(object)
    }

    /// A JSON value as Lua sees it: integral numbers as integers, `id2label` as a Lua list of
    /// names (class id k at k + 1, as `ds:classes()`).
    static func luaValue(_ value: JSONValue, key: String? = nil) -> LuaValue {
        switch value {
        case .null: return .nil
        case .bool(let flag): return .boolean(flag)
        case .number(let x): return x.rounded() == x && abs(x) < 9e15 ? .integer(Int64(x)) : .number(x)
        case .string(let s): return .string(s)
        case .array(let items):
            var table = LuaTable()
            table.array = items.map { luaValue($0) }
            return .table(table)
        case .object(let fields):
            var table = LuaTable()
            if key == "id2label", let names = labelList(fields) {
                table.array = names.map { .string($0) }
            } else {
                for (name, field) in fields { table.fields[name] = luaValue(field, key: name) }
            }
            return .table(table)
        }
    }

    /// The names of `{"0": "cat", "1": "dog"}` in id order, or nil when the keys are not 0..<n.
    private static func labelList(_ fields: [String: JSONValue]) -> [String]? {
        var names: [String] = []
        for id in 0..<fields.count {
            guard case .string(let name)? = fields[String(id)] else { return nil }
            names.append(name)
        }
        return names
    }
}
