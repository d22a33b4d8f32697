import CLua

/// Fills a new Lua table in place, for results that mix plain values, Ember objects and
/// library tables (`{input_ids = ids, attention_mask = mask}`). Writes are raw.
public struct LuaTableBuilder {
    let call: LuaCall
    let index: Int32
    private var nextPosition: lua_Integer = 1

    init(call: LuaCall, index: Int32) {
        self.call = call
        self.index = index
    }

    /// Sets `table[key] = value`.
    public func set(_ key: String, _ value: some LuaPushable) {
        value.push(onto: call)
        lua_setfield(call.pointer, index, key)
    }

    /// Sets `table[key]` to an Ember object of the type registered for `T`.
    public func set<T: AnyObject>(_ key: String, object: T) throws {
        try call.push(object: object)
        lua_setfield(call.pointer, index, key)
    }

    /// Sets `table[key]` to whatever `push` pushes (exactly one value).
    public func set(_ key: String, pushing push: (LuaCall) throws -> Int) rethrows {
        _ = try push(call)
        lua_setfield(call.pointer, index, key)
    }

    /// Appends `value` at the next sequence position (1, 2, …).
    public mutating func append(_ value: some LuaPushable) {
        value.push(onto: call)
        lua_rawseti(call.pointer, index, nextPosition)
        nextPosition += 1
    }

    /// Appends an Ember object at the next sequence position.
    public mutating func append<T: AnyObject>(object: T) throws {
        try call.push(object: object)
        lua_rawseti(call.pointer, index, nextPosition)
        nextPosition += 1
    }
}

extension LuaCall {
    /// Pushes a new table filled by `fill` and returns 1.
    @discardableResult
    public func pushTable(_ fill: (inout LuaTableBuilder) throws -> Void) rethrows -> Int {
        lua_createtable(pointer, 0, 0)
        var builder = LuaTableBuilder(call: self, index: lua_gettop(pointer))
        do {
            try fill(&builder)
        } catch {
            lua_settop(pointer, builder.index - 1)
            throw error
        }
        lua_settop(pointer, builder.index)
        return 1
    }
}
