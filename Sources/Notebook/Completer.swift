import CLua
import CLuaShim
import Lua

/// Tab completion for the REPL, computed without running user code (LUA.md 3.9).
///
/// A word such as `tensor.ze`, `t:si` or `pri` is resolved from the globals with raw reads,
/// following a metatable's `__index` only when it is a table (at most 20 steps, so cycles end).
/// After `.` it offers fields (and, for Ember objects, documented properties); after `:` it
/// offers methods (an Ember type's `__methods` table). Functions get a `(` suffix, tables a `.`.
/// A word right after a leading `%` completes magic names. File names inside strings are
/// readline's own completion.
public struct Completer {
    let lua: LuaState
    let magics: [String]

    /// Makes a completer for `lua`, offering `magics` (without `%`) at the start of a line.
    public init(lua: LuaState, magics: [String]) {
        self.lua = lua
        self.magics = magics
    }

    /// The replacements for `word`, which follows `before` on the line, sorted.
    public func complete(_ word: String, after before: String) -> [String] {
        if before == "%" {
            return magics.filter { $0.hasPrefix(word) }.sorted()
        }
        guard !word.isEmpty || !before.isEmpty, word.first.map({ !$0.isNumber }) ?? true else { return [] }
        let L = lua.pointer
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard lua_checkstack(L, 40) != 0 else { return [] }

        guard let separator = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            lua_rawgeti(L, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
            var names = members(ofValueAt: lua_gettop(L), methodsOnly: false, prefix: word)
            names += luaKeywords.filter { $0.hasPrefix(word) }.map { $0 + "" }
            return Array(Set(names)).sorted()
        }
        let base = word[..<separator]
        let prefix = String(word[word.index(after: separator)...])
        let isMethod = word[separator] == ":"
        guard resolve(path: base.split(separator: ".", omittingEmptySubsequences: false)) else { return [] }
        let value = lua_gettop(L)
        var names = members(ofValueAt: value, methodsOnly: isMethod, prefix: prefix)
        if !isMethod, lua_type(L, value) == LUA_TUSERDATA, let type = typeName(value) {
            names += lua.docs.entries(withPrefix: "\(type).\(prefix)").compactMap { doc in
                let property = doc.name.dropFirst(type.count + 1)
                return property.hasPrefix("__") ? nil : String(property)
            }
        }
        return Array(Set(names)).sorted().map { base + String(word[separator]) + $0 }
    }

    // MARK: - Resolving a path

    /// Pushes the value of `a.b.c` (raw reads), or returns false.
    private func resolve(path: [Substring]) -> Bool {
        let L = lua.pointer
        lua_rawgeti(L, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
        for component in path {
            guard !component.isEmpty, lookup(String(component)) else { return false }
        }
        return true
    }

    /// Replaces the value on top by its field `key`, through `__index` tables; false if nil.
    private func lookup(_ key: String) -> Bool {
        let L = lua.pointer
        var steps = 0
        while steps < 20 {
            steps += 1
            if lua_type(L, -1) == LUA_TTABLE {
                lua_pushstring(L, key)
                if lua_rawget(L, -2) != LUA_TNIL {
                    lua_rotate(L, -2, 1)
                    lua_settop(L, -2)
                    return true
                }
                lua_settop(L, -2)
            }
            guard lua_getmetatable(L, -1) != 0 else { return false }
            lua_pushstring(L, "__index")
            let type = lua_rawget(L, -2)
            lua_rotate(L, -3, 1)
            lua_settop(L, -3)  // now the __index value replaces the old value
            guard type == LUA_TTABLE else { return false }
        }
        return false
    }

    // MARK: - Listing members

    /// Names (with suffixes) of the members of the value at `index` that start with `prefix`.
    private func members(ofValueAt index: Int32, methodsOnly: Bool, prefix: String) -> [String] {
        let L = lua.pointer
        var names: [String] = []
        var tables: [Int32] = []
        if lua_type(L, index) == LUA_TTABLE { tables.append(index) }
        // The __index chain (or an Ember type's __methods), tables only.
        lua_pushvalue(L, index)
        for _ in 0..<20 {
            guard lua_getmetatable(L, -1) != 0 else { break }
            lua_pushstring(L, "__methods")
            if lua_rawget(L, -2) == LUA_TTABLE {
                tables.append(lua_gettop(L))
                break
            }
            lua_settop(L, -2)
            lua_pushstring(L, "__index")
            guard lua_rawget(L, -2) == LUA_TTABLE else { break }
            tables.append(lua_gettop(L))
        }
        for table in tables {
            lua_pushnil(L)
            while lua_next(L, table) != 0 {
                defer { lua_settop(L, -2) }
                guard lua_type(L, -2) == LUA_TSTRING else { continue }
                let name = LuaCall.rawText(L, -2)
                guard name.hasPrefix(prefix), isIdentifier(name) else { continue }
                let type = lua_type(L, -1)
                if methodsOnly && type != LUA_TFUNCTION { continue }
                names.append(name + suffix(type, methodsOnly: methodsOnly))
            }
        }
        return names
    }

    private func suffix(_ type: Int32, methodsOnly: Bool) -> String {
        switch type {
        case LUA_TFUNCTION: return "("
        case LUA_TTABLE where !methodsOnly: return "."
        default: return ""
        }
    }

    private func typeName(_ index: Int32) -> String? {
        let L = lua.pointer
        guard lua_getmetatable(L, index) != 0 else { return nil }
        defer { lua_settop(L, -3) }
        lua_pushstring(L, "__name")
        return lua_rawget(L, -2) == LUA_TSTRING ? LuaCall.rawText(L, -1) : nil
    }

    private func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first), !luaKeywords.contains(name) else {
            return false
        }
        return name.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
        }
    }
}

extension Completer {
    /// The docs name for an expression naming something: `t:size` → `Tensor:size`,
    /// `t.grad` → `Tensor.grad`, `t` → `Tensor`, when `t` is an Ember object (raw lookups).
    func documentedName(for expression: String) -> String? {
        let L = lua.pointer
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        guard lua_checkstack(L, 40) != 0 else { return nil }
        let separator = expression.lastIndex(where: { $0 == "." || $0 == ":" })
        let base = separator.map { expression[..<$0] } ?? Substring(expression)
        guard resolve(path: base.split(separator: ".", omittingEmptySubsequences: false)),
            let type = typeName(lua_gettop(L))
        else { return nil }
        guard let separator else { return type }
        return type + expression[separator...]
    }
}
