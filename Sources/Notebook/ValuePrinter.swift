import CLua
import CLuaShim
import Lua

/// The REPL's display of Lua values (`Out[n]:`), safe on anything a user can build.
///
/// Tables are walked raw (`lua_next`, `lua_rawgeti`): no `__index`, `__pairs` or `__len`
/// runs. A table or userdata with a `__tostring` metamethod is shown by it (run protected), as
/// Ember objects (tensors, models) are. Limits keep huge or deep values readable: nesting
/// depth, entries per table, string length and total lines; a table met again on the current
/// path is shown as `<cycle>`.
struct ValuePrinter {
    let lua: LuaState
    /// Deeper tables print as `{…}`.
    var maximumDepth = 4
    /// Entries shown per table before `…`.
    var maximumEntries = 40
    /// Characters of a string shown before it is cut.
    var maximumStringLength = 2000
    /// Width under which a table stays on one line.
    var width = 80
    /// Lines of one displayed value before the rest is cut.
    var maximumLines = 200

    private var L: OpaquePointer { lua.pointer }

    /// The display of the value at `index`.
    func describe(at index: Int32) -> String {
        var path: [UnsafeRawPointer] = []
        let text = render(node(at: lua_absindex(L, index), depth: 0, path: &path), indent: "")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > maximumLines else { return text }
        return lines.prefix(maximumLines).joined(separator: "\n") + "\n… (\(lines.count - maximumLines) more lines)"
    }

    // MARK: - Building a tree

    private indirect enum Node {
        case atom(String)
        case table([(key: String?, value: Node)], more: Int)
    }

    private func node(at index: Int32, depth: Int, path: inout [UnsafeRawPointer]) -> Node {
        switch lua_type(L, index) {
        case LUA_TSTRING:
            return .atom(quoted(LuaCall.rawText(L, index)))
        case LUA_TTABLE:
            if hasMetafield(index, "__tostring") { return .atom(tostring(index)) }
            return table(at: index, depth: depth, path: &path)
        case LUA_TUSERDATA:
            return .atom(tostring(index))
        case LUA_TFUNCTION:
            return .atom(functionDescription(index))
        case LUA_TTHREAD:
            return .atom("coroutine")
        default:
            return .atom(tostring(index))  // nil, booleans, numbers: never metamethods
        }
    }

    private func table(at index: Int32, depth: Int, path: inout [UnsafeRawPointer]) -> Node {
        guard let identity = lua_topointer(L, index) else { return .atom("{}") }
        if path.contains(identity) { return .atom("<cycle>") }
        if depth >= maximumDepth { return .atom(isEmpty(index) ? "{}" : "{…}") }
        guard lua_checkstack(L, 4) != 0 else { return .atom("{…}") }
        path.append(identity)
        defer { path.removeLast() }
        var entries: [(key: String?, value: Node)] = []
        var more = 0
        var length: lua_Integer = 0
        while lua_rawgeti(L, index, length + 1) != LUA_TNIL {
            length += 1
            if entries.count < maximumEntries {
                entries.append((nil, node(at: lua_gettop(L), depth: depth + 1, path: &path)))
            } else {
                more += 1
            }
            lua_settop(L, -2)
        }
        lua_settop(L, -2)
        var keyed: [(sortKey: String, key: String, value: Node)] = []
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { lua_settop(L, -2) }
            if lua_isinteger(L, -2) != 0, case let k = lua_tointegerx(L, -2, nil), k >= 1, k <= length { continue }
            if entries.count + keyed.count >= maximumEntries {
                more += 1
                continue
            }
            let key = keyText(at: lua_gettop(L) - 1)
            keyed.append((key.sortKey, key.text, node(at: lua_gettop(L), depth: depth + 1, path: &path)))
        }
        keyed.sort { $0.sortKey < $1.sortKey }
        entries += keyed.map { (Optional($0.key), $0.value) }
        return .table(entries, more: more)
    }

    // MARK: - Rendering

    private func render(_ node: Node, indent: String) -> String {
        switch node {
        case .atom(let text):
            // A multi-line value (a tensor) inside a table keeps its lines under its key.
            return indent.isEmpty
                ? text : text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
        case .table(let entries, let more):
            if entries.isEmpty && more == 0 { return "{}" }
            let items =
                entries.map { entry in (entry.key.map { "\($0) = " } ?? "") + render(entry.value, indent: indent + "  ")
                }
                + (more > 0 ? ["… (\(more) more)"] : [])
            let oneLine = "{" + items.joined(separator: ", ") + "}"
            if oneLine.count + indent.count <= width, !oneLine.contains("\n") { return oneLine }
            let inner = indent + "  "
            return "{\n" + items.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    // MARK: - Pieces

    private func keyText(at index: Int32) -> (sortKey: String, text: String) {
        if lua_type(L, index) == LUA_TSTRING {
            let key = LuaCall.rawText(L, index)
            if isIdentifier(key) { return ("0" + key, key) }
            return ("1" + key, "[\(quoted(key))]")
        }
        if lua_type(L, index) == LUA_TNUMBER {
            let text = tostring(index)
            return ("2" + String(repeating: "0", count: max(0, 20 - text.count)) + text, "[\(text)]")
        }
        var path: [UnsafeRawPointer] = []
        let text = render(node(at: index, depth: maximumDepth, path: &path), indent: "")
        return ("3" + text, "[\(text)]")
    }

    private func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(48...57).contains(first), !luaKeywords.contains(text) else { return false }
        return text.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
        }
    }

    /// A string as Lua source, cut after ``maximumStringLength`` characters.
    func quoted(_ text: String) -> String {
        var body = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown == maximumStringLength {
                return "\"" + body + "\"… (\(text.utf8.count) bytes)"
            }
            shown += 1
            switch scalar {
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            case "\n": body += "\\n"
            case "\t": body += "\\t"
            case "\r": body += "\\r"
            default:
                if scalar.value < 32 || scalar.value == 127 {
                    body += "\\" + String(repeating: "0", count: 3 - String(scalar.value).count) + String(scalar.value)
                } else {
                    body.unicodeScalars.append(scalar)
                }
            }
        }
        return "\"" + body + "\""
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
        lua_pushstring(L, field)
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

/// Lua's reserved words (never shown as bare keys; offered by completion).
let luaKeywords: Set<String> = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]
