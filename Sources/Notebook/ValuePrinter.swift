import Lua

/// The REPL's display of Lua values (`Out[n]:`), safe on anything a user can build.
///
/// The value is pictured by ``Lua/LuaSnapshot`` (raw reads; only `__tostring` runs, protected),
/// then laid out here: nesting depth, entries per table, string length and total lines are
/// capped; a table met again on the current path shows as `<cycle>`; a table fits on one line
/// when it is short enough, else takes one entry per line.
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

    /// The display of `value`.
    func describe(_ value: LuaRef) -> String {
        let snapshot = lua.snapshot(of: value, maximumDepth: maximumDepth, maximumEntries: maximumEntries)
        let text = render(snapshot, indent: "")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > maximumLines else { return text }
        return lines.prefix(maximumLines).joined(separator: "\n") + "\n… (\(lines.count - maximumLines) more lines)"
    }

    private func render(_ snapshot: LuaSnapshot, indent: String) -> String {
        switch snapshot {
        case .text(let text):
            // A multi-line value (a tensor) inside a table keeps its lines under its key.
            return indent.isEmpty
                ? text : text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
        case .string(let text): return quoted(text)
        case .cycle: return "<cycle>"
        case .elided(let isEmpty): return isEmpty ? "{}" : "{…}"
        case .table(let entries, let more):
            if entries.isEmpty && more == 0 { return "{}" }
            let sequence = entries.filter { $0.key == nil }
            let keyed = entries.compactMap { entry in entry.key.map { (keyText($0), entry.value) } }
                .sorted { $0.0.sortKey < $1.0.sortKey }
            let items =
                sequence.map { render($0.value, indent: indent + "  ") }
                + keyed.map { "\($0.0.text) = " + render($0.1, indent: indent + "  ") }
                + (more > 0 ? ["… (\(more) more)"] : [])
            let oneLine = "{" + items.joined(separator: ", ") + "}"
            if oneLine.count + indent.count <= width, !oneLine.contains("\n") { return oneLine }
            let inner = indent + "  "
            return "{\n" + items.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// How a key is written and sorted: names, then other strings, then numbers, then the rest.
    private func keyText(_ key: LuaSnapshot.Key) -> (sortKey: String, text: String) {
        switch key {
        case .string(let name) where isIdentifier(name): return ("0" + name, name)
        case .string(let text): return ("1" + text, "[\(quoted(text))]")
        case .number(let text):
            return ("2" + String(repeating: "0", count: max(0, 20 - text.count)) + text, "[\(text)]")
        case .other(let snapshot):
            let text = render(snapshot, indent: "")
            return ("3" + text, "[\(text)]")
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
}

/// Lua's reserved words (never shown as bare keys; offered by completion).
let luaKeywords: Set<String> = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]

/// Whether `name` can be written bare (`t.name`): letters, digits and `_`, not starting with a
/// digit, not a keyword.
func isIdentifier(_ name: String) -> Bool {
    guard let first = name.utf8.first, !(48...57).contains(first), !luaKeywords.contains(name) else { return false }
    return name.utf8.allSatisfy {
        ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
    }
}
