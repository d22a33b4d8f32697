import CLua
import CLuaShim

/// Operations that may run metamethods, for Swift functions that want Lua's full semantics
/// (`t[k]` through `__index`, `#v` through `__len`, …). Each runs in a protected C helper, so an
/// error inside a metamethod comes back as a thrown ``LuaError`` instead of unwinding Swift.
extension LuaCall {
    /// `v[key]` for the value at `position`, with `__index`.
    public func field(_ key: String, of position: Int) throws -> LuaValue {
        let index = lua_absindex(pointer, Int32(position))
        key.push(onto: self)
        try check(ember_pgettable(pointer, index))
        defer { lua_settop(pointer, -2) }
        return value(at: -1)
    }

    /// `v[key] = value` for the value at `position`, with `__newindex`.
    public func setField(_ key: String, of position: Int, to value: some LuaPushable) throws {
        let index = lua_absindex(pointer, Int32(position))
        key.push(onto: self)
        value.push(onto: self)
        try check(ember_psettable(pointer, index))
    }

    /// `#v` for the value at `position`, with `__len`.
    public func length(at position: Int) throws -> Int {
        try check(ember_plen(pointer, Int32(position)))
        defer { lua_settop(pointer, -2) }
        guard let length = value(at: -1).integer else {
            throw LuaMessageError("object length is not an integer")
        }
        return length
    }

    /// `a .. b .. …` for the values at `positions`, with `__concat`.
    public func concatenate(_ positions: [Int]) throws -> String {
        for position in positions { lua_pushvalue(pointer, Int32(position)) }
        try check(ember_pconcat(pointer, Int32(positions.count)))
        defer { lua_settop(pointer, -2) }
        guard let text = rawString(at: -1) else { throw LuaMessageError("concatenation did not give a string") }
        return text
    }

    /// Lua's comparison of the values at `a` and `b`, with `__eq`, `__lt`, `__le`.
    public func compare(_ a: Int, _ b: Int, _ comparison: LuaComparison) throws -> Bool {
        var result: Int32 = 0
        try check(ember_pcompare(pointer, Int32(a), Int32(b), comparison.rawValue, &result))
        return result != 0
    }

    /// Lua's arithmetic on the values at `a` and `b` (`a + b` with `.add`), with metamethods.
    /// The result is converted like ``value(at:)``.
    public func arithmetic(_ operation: LuaArithmetic, _ a: Int, _ b: Int) throws -> LuaValue {
        lua_pushvalue(pointer, Int32(a))
        lua_pushvalue(pointer, Int32(b))
        try check(ember_parith(pointer, operation.rawValue))
        defer { lua_settop(pointer, -2) }
        return value(at: -1)
    }

    /// Turns a protected helper's status into a thrown error (the message is on the stack).
    private func check(_ status: Int32) throws {
        guard status != LUA_OK else { return }
        if status == LUA_ERRMEM, lua_type(pointer, -1) != LUA_TSTRING {
            throw LuaError(kind: .memory, message: "not enough memory")
        }
        let message = rawString(at: -1) ?? "(error object is not a string)"
        lua_settop(pointer, -2)
        throw LuaError(kind: LuaError.kind(ofStatus: status), message: message)
    }
}

/// Comparisons for ``LuaCall/compare(_:_:_:)``.
public enum LuaComparison: Int32, Sendable {
    case equal = 0, lessThan = 1, lessOrEqual = 2  // LUA_OPEQ, LUA_OPLT, LUA_OPLE
}

/// Binary arithmetic for ``LuaCall/arithmetic(_:_:_:)``.
public enum LuaArithmetic: Int32, Sendable {
    // LUA_OPADD … LUA_OPIDIV, in lua.h's order.
    case add = 0, subtract = 1, multiply = 2, modulo = 3, power = 4, divide = 5, floorDivide = 6
}
