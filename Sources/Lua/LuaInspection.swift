import CLua
import CLuaShim

/// Raw reads of Lua values for tools that must never run user code — completion, `%who`, the
/// REPL's `Out` table: tables are read with `lua_rawget`/`lua_next`, a metatable's `__index` is
/// followed only when it is a table (and at most ``maximumIndexSteps`` times, so cycles end),
/// and no `__index`, `__pairs` or `__len` function ever runs (LUA.md 3.9).
extension LuaState {
    /// How many `__index` tables a lookup follows before giving up.
    public static let maximumIndexSteps = 20

    /// The globals table.
    public var globalsTable: LuaRef {
        withStack { call in
            lua_rawgeti(pointer, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
            return LuaRef(anchoring: -1, on: call)
        }
    }

    /// The Lua type of `value`.
    public func type(of value: LuaRef) -> LuaType {
        withStack { call in
            value.push(onto: call)
            return call.type(at: -1)
        }
    }

    /// The `__name` of `value`'s metatable (`Tensor`), read raw; nil without one.
    public func metatableName(of value: LuaRef) -> String? {
        withStack { call in
            value.push(onto: call)
            return call.metatableName(at: -1)
        }
    }

    /// `table[key]`, read raw; nil when `table` is not a table or the field is nil.
    public func rawField(_ key: String, of table: LuaRef) -> LuaRef? {
        withStack { call in
            table.push(onto: call)
            guard lua_type(pointer, -1) == LUA_TTABLE else { return nil }
            key.push(onto: call)
            guard lua_rawget(pointer, -2) != LUA_TNIL else { return nil }
            return LuaRef(anchoring: -1, on: call)
        }
    }

    /// `value.key` as Lua would find it through `__index` tables, with raw reads only: the
    /// field of `value` itself when it is a table holding `key`, else the same search in its
    /// metatable's `__index` when that is a table. Nil when not found (or behind an `__index`
    /// function, which is not run).
    public func rawLookup(_ key: String, in value: LuaRef) -> LuaRef? {
        var current = value
        for _ in 0..<Self.maximumIndexSteps {
            if let found = rawField(key, of: current) { return found }
            guard let index = metafield("__index", of: current), type(of: index) == .table else { return nil }
            current = index
        }
        return nil
    }

    /// The string-keyed members of `value` — its own when it is a table, then those of the
    /// `__index` tables its metatables lead to, or an Ember type's `__methods` table — with
    /// their types, in no particular order (a name may repeat).
    public func members(of value: LuaRef) -> [(name: String, type: LuaType)] {
        var tables: [LuaRef] = type(of: value) == .table ? [value] : []
        var current = value
        for _ in 0..<Self.maximumIndexSteps {
            if let methods = metafield("__methods", of: current), type(of: methods) == .table {
                tables.append(methods)
                break
            }
            guard let index = metafield("__index", of: current), type(of: index) == .table else { break }
            tables.append(index)
            current = index
        }
        return tables.flatMap { table in rawEntries(of: table).map { ($0.key, type(of: $0.value)) } }
    }

    /// The string-keyed entries of `table`, read raw (`lua_next`), in no particular order.
    public func rawEntries(of table: LuaRef) -> [(key: String, value: LuaRef)] {
        withStack { call in
            table.push(onto: call)
            guard lua_type(pointer, -1) == LUA_TTABLE, lua_checkstack(pointer, 3) != 0 else { return [] }
            let index = lua_gettop(pointer)
            var entries: [(key: String, value: LuaRef)] = []
            lua_pushnil(pointer)
            while lua_next(pointer, index) != 0 {
                if lua_type(pointer, -2) == LUA_TSTRING {
                    entries.append((LuaCall.rawText(pointer, -2), LuaRef(anchoring: -1, on: call)))
                }
                lua_settop(pointer, -2)
            }
            return entries
        }
    }

    /// `table[index] = value`, written raw (no `__newindex` runs); nothing when `table` is not
    /// a table.
    public func rawSet(_ value: LuaRef, at index: Int, in table: LuaRef) {
        withStack { call in
            table.push(onto: call)
            guard lua_type(pointer, -1) == LUA_TTABLE else { return }
            value.push(onto: call)
            lua_rawseti(pointer, -2, lua_Integer(index))
        }
    }

    /// The field `name` of `value`'s metatable, read raw.
    func metafield(_ name: String, of value: LuaRef) -> LuaRef? {
        withStack { call in
            value.push(onto: call)
            guard lua_getmetatable(pointer, -1) != 0 else { return nil }
            name.push(onto: call)
            guard lua_rawget(pointer, -2) != LUA_TNIL else { return nil }
            return LuaRef(anchoring: -1, on: call)
        }
    }

    /// Runs `body` with room on the main thread's stack and restores the stack after it.
    func withStack<T>(_ body: (LuaCall) -> T) -> T {
        let top = lua_gettop(pointer)
        defer { lua_settop(pointer, top) }
        _ = lua_checkstack(pointer, 8)
        return body(LuaCall(pointer, lua: self, name: "?"))
    }
}

extension LuaType {
    /// The name Lua gives the type (`lua_typename`): `nil`, `number`, `table`, ….
    public var name: String {
        switch self {
        case .none: return "no value"
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .lightUserdata, .userdata: return "userdata"
        case .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .thread: return "thread"
        }
    }
}
