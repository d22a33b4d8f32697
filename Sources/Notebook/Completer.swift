import Lua

/// Tab completion for the REPL, computed without running user code (LUA.md 3.9).
///
/// A word such as `tensor.ze`, `t:si` or `pri` is resolved from the globals with raw reads,
/// following a metatable's `__index` only when it is a table (``Lua/LuaState/rawLookup(_:in:)``).
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
        guard let separator = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            let names = members(of: lua.globalsTable, methodsOnly: false, prefix: word)
            return Array(Set(names + luaKeywords.filter { $0.hasPrefix(word) })).sorted()
        }
        let base = word[..<separator]
        let prefix = String(word[word.index(after: separator)...])
        let isMethod = word[separator] == ":"
        guard let value = resolve(path: base.split(separator: ".", omittingEmptySubsequences: false)) else { return [] }
        var names = members(of: value, methodsOnly: isMethod, prefix: prefix)
        if !isMethod, lua.type(of: value) == .userdata, let type = lua.metatableName(of: value) {
            names += lua.docs.entries(withPrefix: "\(type).\(prefix)").compactMap { doc in
                let property = doc.name.dropFirst(type.count + 1)
                return property.hasPrefix("__") ? nil : String(property)
            }
        }
        return Array(Set(names)).sorted().map { base + String(word[separator]) + $0 }
    }

    /// The value of `a.b.c`, found with raw reads, or nil.
    private func resolve(path: [Substring]) -> LuaRef? {
        var value = lua.globalsTable
        for component in path {
            guard !component.isEmpty, let next = lua.rawLookup(String(component), in: value) else { return nil }
            value = next
        }
        return value
    }

    /// Names (with suffixes) of the members of `value` that start with `prefix`.
    private func members(of value: LuaRef, methodsOnly: Bool, prefix: String) -> [String] {
        lua.members(of: value).compactMap { member in
            guard member.name.hasPrefix(prefix), isIdentifier(member.name) else { return nil }
            switch member.type {
            case .function: return member.name + "("
            case .table where !methodsOnly: return member.name + "."
            case _ where methodsOnly: return nil
            default: return member.name
            }
        }
    }
}

extension Completer {
    /// The docs name for an expression naming something: `t:size` → `Tensor:size`,
    /// `t.grad` → `Tensor.grad`, `t` → `Tensor`, when `t` is an Ember object (raw lookups).
    func documentedName(for expression: String) -> String? {
        let separator = expression.lastIndex(where: { $0 == "." || $0 == ":" })
        let base = separator.map { expression[..<$0] } ?? Substring(expression)
        guard let value = resolve(path: base.split(separator: ".", omittingEmptySubsequences: false)),
            let type = lua.metatableName(of: value)
        else { return nil }
        guard let separator else { return type }
        return type + expression[separator...]
    }
}
