import CLua
import CLuaShim

/// A Lua value copied into Swift.
///
/// Conversion reads raw (`lua_rawget`/`lua_next`): no `__index`, `__pairs` or `__len` runs.
/// Tables become ``LuaTable`` copies (a table reached again — a cycle — is not copied twice but
/// becomes ``other(_:)``), userdata of a registered type becomes ``object(_:)``, functions become
/// ``function(_:)`` anchored in the registry.
public enum LuaValue {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    /// The Swift object of an Ember userdata.
    case object(AnyObject)
    /// A Lua function, anchored so Swift can call it.
    case function(LuaRef)
    /// Anything else (a coroutine, foreign userdata, a cycle), by its type name.
    case other(String)

    /// The value as a `Double` when it is a number.
    public var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let x): return x
        default: return nil
        }
    }

    /// The value as an `Int` when it is an integer or an integral float.
    public var integer: Int? {
        switch self {
        case .integer(let i): return Int(i)
        case .number(let x): return x.rounded() == x && abs(x) < 9.2e18 ? Int(x) : nil
        default: return nil
        }
    }

    /// The value as a string when it is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The type name Lua's messages would use (`number`, `table`, …).
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .object(let o): return String(describing: type(of: o))
        case .function: return "function"
        case .other(let name): return name
        }
    }
}

/// A Lua table copied into Swift: its sequence part `1...n` and its string-keyed fields.
/// Other keys (numbers outside the sequence, tables as keys) are counted in ``otherKeys``.
public struct LuaTable {
    /// Values at keys 1, 2, … up to the first nil.
    public var array: [LuaValue] = []
    /// Values at string keys.
    public var fields: [String: LuaValue] = [:]
    /// How many keys are neither part of the sequence nor strings.
    public var otherKeys = 0

    /// Makes an empty table.
    public init() {}
}

/// Copies values from a Lua stack into Swift, with a depth limit and cycle detection.
struct ValueConverter {
    let call: LuaCall
    private var visiting: Set<UnsafeRawPointer> = []
    /// Deeper nesting than this is almost certainly a cycle through metatables or a mistake.
    static let maximumDepth = 100

    init(call: LuaCall) { self.call = call }

    mutating func convert(at index: Int32, depth: Int) -> LuaValue {
        let L = call.pointer
        let index = lua_absindex(L, index)
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            var isInteger: Int32 = 0
            let i = lua_tointegerx(L, index, &isInteger)
            return lua_isinteger(L, index) != 0 && isInteger != 0 ? .integer(i) : .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(call.rawString(at: Int(index)) ?? "")
        case LUA_TTABLE: return convertTable(at: index, depth: depth)
        case LUA_TFUNCTION: return .function(LuaRef(anchoring: Int(index), on: call))
        case LUA_TUSERDATA:
            if let name = call.metatableName(at: index), call.lua.isRegisteredType(name),
                let slot = ember_object_slot(L, index, name), let raw = slot.pointee
            {
                return .object(Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue())
            }
            return .other(call.typeName(at: Int(index)))
        default: return .other(call.typeName(at: Int(index)))
        }
    }

    private mutating func convertTable(at index: Int32, depth: Int) -> LuaValue {
        let L = call.pointer
        guard let identity = lua_topointer(L, index), depth < Self.maximumDepth,
            !visiting.contains(identity), lua_checkstack(L, 3) != 0
        else { return .other("table") }
        visiting.insert(identity)
        defer { visiting.remove(identity) }
        var table = LuaTable()
        var n: lua_Integer = 1
        while lua_rawgeti(L, index, n) != LUA_TNIL {
            table.array.append(convert(at: -1, depth: depth + 1))
            lua_settop(L, -2)
            n += 1
        }
        lua_settop(L, -2)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            if lua_type(L, -2) == LUA_TSTRING, let key = call.rawString(at: -2) {
                table.fields[key] = convert(at: -1, depth: depth + 1)
            } else if !isSequenceKey(at: -2, count: n - 1) {
                table.otherKeys += 1
            }
            lua_settop(L, -2)
        }
        return .table(table)
    }

    private func isSequenceKey(at index: Int32, count: lua_Integer) -> Bool {
        guard lua_isinteger(call.pointer, index) != 0 else { return false }
        let key = lua_tointegerx(call.pointer, index, nil)
        return key >= 1 && key <= count
    }
}
