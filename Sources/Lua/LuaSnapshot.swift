import CLua
import CLuaShim

/// A bounded picture of a Lua value for display, taken with raw reads only: no `__index`,
/// `__pairs` or `__len` runs; a table or userdata with `__tostring` is shown by it (run
/// protected, its error shown instead of raised). Nesting depth and entries per table are
/// capped, and a table met again on the current path is a ``cycle``, so anything a user can
/// build is safe to display (LUA.md 3.9). The REPL's printer lays it out.
public indirect enum LuaSnapshot: Sendable, Equatable {
    /// A value shown by a text: `nil`, booleans and numbers as `tostring` writes them, a
    /// `__tostring` result, `<__tostring failed: …>`, `function: builtin`,
    /// `function: <source>:<line>`, `coroutine`.
    case text(String)
    /// A string value.
    case string(String)
    /// A table's sequence entries (key nil), then its other entries, up to the entry limit;
    /// `more` counts the entries left out.
    case table([Entry], more: Int)
    /// A table already being shown further up (a cycle).
    case cycle
    /// A table past the depth limit.
    case elided(isEmpty: Bool)

    /// One entry of a table.
    public struct Entry: Sendable, Equatable {
        public let key: Key?
        public let value: LuaSnapshot
    }

    /// A table key other than a sequence index.
    public enum Key: Sendable, Equatable {
        case string(String)
        /// A number key, as `tostring` writes it.
        case number(String)
        /// Any other key (a table, a boolean, …), pictured past the depth limit.
        case other(LuaSnapshot)
    }
}

extension LuaState {
    /// A picture of `value`, tables read at most `maximumDepth` levels deep and `maximumEntries`
    /// entries wide.
    public func snapshot(of value: LuaRef, maximumDepth: Int, maximumEntries: Int) -> LuaSnapshot {
        withStack { call in
            value.push(onto: call)
            var taker = SnapshotTaker(call: call, maximumDepth: maximumDepth, maximumEntries: maximumEntries)
            return taker.snapshot(at: lua_gettop(pointer), depth: 0)
        }
    }
}

/// Walks the stack for ``LuaState/snapshot(of:maximumDepth:maximumEntries:)``.
private struct SnapshotTaker {
    let call: LuaCall
    let maximumDepth: Int
    let maximumEntries: Int
    private var path: [UnsafeRawPointer] = []
    private var L: OpaquePointer { call.pointer }

    init(call: LuaCall, maximumDepth: Int, maximumEntries: Int) {
        self.call = call
        self.maximumDepth = maximumDepth
        self.maximumEntries = maximumEntries
    }

    mutating func snapshot(at index: Int32, depth: Int) -> LuaSnapshot {
        switch lua_type(L, index) {
        case LUA_TSTRING: return .string(LuaCall.rawText(L, index))
        case LUA_TTABLE where hasMetafield(index, "__tostring"): return .text(tostring(index))
        case LUA_TTABLE: return table(at: index, depth: depth)
        case LUA_TFUNCTION: return .text(functionDescription(index))
        case LUA_TTHREAD: return .text("coroutine")
        default: return .text(tostring(index))  // userdata by __tostring; nil, booleans, numbers never run one
        }
    }

    private mutating func table(at index: Int32, depth: Int) -> LuaSnapshot {
        guard let identity = lua_topointer(L, index) else { return .elided(isEmpty: true) }
        if path.contains(identity) { return .cycle }
        if depth >= maximumDepth { return .elided(isEmpty: isEmpty(index)) }
        guard lua_checkstack(L, 4) != 0 else { return .elided(isEmpty: false) }
        path.append(identity)
        defer { path.removeLast() }
        var entries: [LuaSnapshot.Entry] = []
        var more = 0
        var length: lua_Integer = 0
        while lua_rawgeti(L, index, length + 1) != LUA_TNIL {
            length += 1
            if entries.count < maximumEntries {
                entries.append(LuaSnapshot.Entry(key: nil, value: snapshot(at: lua_gettop(L), depth: depth + 1)))
            } else {
                more += 1
            }
            lua_settop(L, -2)
        }
        lua_settop(L, -2)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { lua_settop(L, -2) }
            if lua_isinteger(L, -2) != 0, case let k = lua_tointegerx(L, -2, nil), k >= 1, k <= length { continue }
            if entries.count >= maximumEntries {
                more += 1
                continue
            }
            let key = self.key(at: lua_gettop(L) - 1)
            entries.append(LuaSnapshot.Entry(key: key, value: snapshot(at: lua_gettop(L), depth: depth + 1)))
        }
        return .table(entries, more: more)
    }

    private func key(at index: Int32) -> LuaSnapshot.Key {
        switch lua_type(L, index) {
        case LUA_TSTRING: return .string(LuaCall.rawText(L, index))
        case LUA_TNUMBER: return .number(tostring(index))
        default:
            var fresh = SnapshotTaker(call: call, maximumDepth: maximumDepth, maximumEntries: maximumEntries)
            return .other(fresh.snapshot(at: index, depth: maximumDepth))
        }
    }

    /// `tostring` run protected; an error inside `__tostring` is shown, not raised.
    private func tostring(_ index: Int32) -> String {
        let status = ember_ptolstring(L, index)
        guard status != LUA_ERRMEM || lua_type(L, -1) == LUA_TSTRING else { return "<out of memory>" }
        let text = LuaCall.rawText(L, -1)
        lua_settop(L, -2)
        return status == LUA_OK ? text : "<__tostring failed: \(text)>"
    }

    private func functionDescription(_ index: Int32) -> String {
        var info = lua_Debug()
        lua_pushvalue(L, index)
        guard lua_getinfo(L, ">S", &info) != 0 else { return "function" }
        if info.what.map({ String(cString: $0) }) == "C" { return "function: builtin" }
        let source = withUnsafeBytes(of: &info.short_src) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return "function: \(source):\(info.linedefined)"
    }

    private func hasMetafield(_ index: Int32, _ field: String) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        field.push(onto: call)
        let type = lua_rawget(L, -2)
        lua_settop(L, -3)
        return type != LUA_TNIL
    }

    private func isEmpty(_ index: Int32) -> Bool {
        lua_pushnil(L)
        guard lua_next(L, index) != 0 else { return true }
        lua_settop(L, -3)
        return false
    }
}
