import CLua
import CLuaShim

/// A Swift value that can be pushed onto a Lua stack as a Lua value.
///
/// Numbers, strings, booleans, optionals (nil), arrays (sequences) and string-keyed
/// dictionaries conform. Ember objects are pushed with ``LuaCall/push(object:)`` instead, since
/// that needs their registered type.
public protocol LuaPushable {
    /// Pushes exactly one value.
    func push(onto call: LuaCall)
}

extension Int: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushinteger(call.pointer, lua_Integer(self)) }
}

extension Int64: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushinteger(call.pointer, self) }
}

extension Int32: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushinteger(call.pointer, lua_Integer(self)) }
}

extension Double: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushnumber(call.pointer, self) }
}

extension Float: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushnumber(call.pointer, Double(self)) }
}

extension Bool: LuaPushable {
    public func push(onto call: LuaCall) { lua_pushboolean(call.pointer, self ? 1 : 0) }
}

extension String: LuaPushable {
    public func push(onto call: LuaCall) {
        var copy = self
        copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = lua_pushlstring(call.pointer, chars.baseAddress, chars.count)
            }
        }
    }
}

extension Optional: LuaPushable where Wrapped: LuaPushable {
    public func push(onto call: LuaCall) {
        switch self {
        case .some(let value): value.push(onto: call)
        case .none: lua_pushnil(call.pointer)
        }
    }
}

extension Array: LuaPushable where Element: LuaPushable {
    /// Pushes a sequence `{self[0], self[1], …}` (Lua indices 1…n).
    public func push(onto call: LuaCall) {
        lua_createtable(call.pointer, Int32(clamping: count), 0)
        for (i, element) in enumerated() {
            element.push(onto: call)
            lua_rawseti(call.pointer, -2, lua_Integer(i + 1))
        }
    }
}

extension Dictionary: LuaPushable where Key == String, Value: LuaPushable {
    /// Pushes a table with one field per key.
    public func push(onto call: LuaCall) {
        lua_createtable(call.pointer, 0, Int32(clamping: count))
        for (key, value) in self {
            key.push(onto: call)
            value.push(onto: call)
            lua_rawset(call.pointer, -3)
        }
    }
}

extension LuaValue: LuaPushable {
    /// Pushes the value back; an ``object(_:)`` is pushed by its dynamic type, which must be
    /// registered (nil otherwise), and ``other(_:)`` as nil.
    public func push(onto call: LuaCall) {
        switch self {
        case .nil, .other: lua_pushnil(call.pointer)
        case .boolean(let b): b.push(onto: call)
        case .integer(let i): i.push(onto: call)
        case .number(let x): x.push(onto: call)
        case .string(let s): s.push(onto: call)
        case .table(let t): t.push(onto: call)
        case .function(let f): f.push(onto: call)
        case .object(let o):
            if let name = call.lua.typeNames[ObjectIdentifier(type(of: o))] {
                ember_push_object(call.pointer, Unmanaged.passRetained(o).toOpaque(), name)
            } else {
                lua_pushnil(call.pointer)
            }
        }
    }
}

extension LuaTable: LuaPushable {
    public func push(onto call: LuaCall) {
        lua_createtable(call.pointer, Int32(clamping: array.count), Int32(clamping: fields.count))
        for (i, element) in array.enumerated() {
            element.push(onto: call)
            lua_rawseti(call.pointer, -2, lua_Integer(i + 1))
        }
        for (key, value) in fields {
            key.push(onto: call)
            value.push(onto: call)
            lua_rawset(call.pointer, -3)
        }
    }
}

extension LuaCall {
    /// Pushes a result (or any value) and returns 1, so `return call.push(x)` reads naturally.
    @discardableResult
    public func push(_ value: some LuaPushable) -> Int {
        value.push(onto: self)
        return 1
    }

    /// Pushes nil and returns 1.
    @discardableResult
    public func pushNil() -> Int {
        lua_pushnil(pointer)
        return 1
    }

    /// Pushes a Swift object as a userdata of the Lua type registered for `T` (the static type:
    /// push an `NN.Linear` as `Module` to give it the `Module` metatable). The userdata retains
    /// the object until it is collected or closed.
    /// - Throws: ``LuaError`` when no Lua type is registered for `T`.
    @discardableResult
    public func push<T: AnyObject>(object: T) throws -> Int {
        let name = try lua.registeredName(of: T.self)
        ember_push_object(pointer, Unmanaged.passRetained(object as AnyObject).toOpaque(), name)
        return 1
    }

    /// Pushes the argument at `position` again (e.g. to return `self` from a method, so calls
    /// chain) and returns 1.
    @discardableResult
    public func pushArgument(_ position: Int) -> Int {
        lua_pushvalue(pointer, Int32(position))
        return 1
    }
}
