import Foundation

/// The saved session: a plain Lua script in the percent format (`-- %% [n]` before each cell,
/// its output as `--| ` comment lines) that runs under `ember FILE` and opens as a notebook in
/// Jupytext or VS Code.
///
/// No byte of an output can ever run as code: a comment line ends at a line break, so an
/// output line holding a character that Lua (`\r`), or an editor or Jupytext (the other C0 and
/// C1 controls, U+2028, U+2029), takes for one is written escaped after `--|\ ` — backslash as
/// `\\`, carriage return as `\r`, the others as `\u{hex}` — and read back exactly. Other lines
/// are written as they are, after `--| `.
///
/// An expression cell is saved as `_ = <expression>`: valid Lua, with the same effect on `_`
/// as in the REPL. Reading a file back (``parse(_:)``) gives the sources as saved;
/// ``Session/typedSource(ofSaved:)`` turns `_ = <expression>` back into the expression.
public enum PercentFormat {
    /// The script text for `cells`.
    /// - Parameter includeFailed: keep cells that failed or were interrupted (`%save FILE --all`);
    ///   the script then stops at the first of them when run.
    public static func script(for cells: [CellRecord], includeFailed: Bool = false) -> String {
        var text = header + " (ember \(EmberVersion.version)). Run: ember FILE   Check: ember replay FILE --check\n"
        for cell in cells where includeFailed || cell.status == .ok {
            text += "\n-- %% [\(cell.number)]\n"
            text += savedSource(of: cell).trimmingTrailingWhitespace + "\n"
            for line in lines(of: cell.display).dropLast() { text += outputLine(line) + "\n" }
        }
        return text
    }

    /// How a saved session begins.
    static let header = "-- Ember session"

    /// Whether `text` is a saved session (even one with no cells).
    static func isSavedSession(_ text: String) -> Bool { text.hasPrefix(header) }

    /// A cell's source as written to a script, valid Lua with the cell's effect: expressions
    /// become `_ = <expression>` (a trailing one too, after its statements), cells ending in
    /// `return` become
    /// `_ = (function(...) <cell> end)(...)`.
    static func savedSource(of cell: CellRecord) -> String {
        switch cell.kind {
        case .expression? where cell.result != nil:
            return "_ = " + cell.source
        case .silenced?:
            return "_ = " + cell.source
        case .trailingExpression? where cell.result != nil:
            guard let start = cell.expressionStart else { return cell.source }
            let bytes = Array(cell.source.utf8)
            return String(decoding: bytes[..<start], as: UTF8.self) + "_ = "
                + String(decoding: bytes[start...], as: UTF8.self)
        case .block?:
            // `return` may only end a chunk; wrapped, the cell is an expression with its values.
            return "_ = (function(...) " + cell.source + "\nend)(...)"
        default:
            return cell.source
        }
    }

    /// The cells of a percent-format script, with their sources as saved and their recorded
    /// display text (the `--|` lines, unescaped). Text before the first marker is ignored.
    public static func parse(_ text: String) -> [RecordedCell] {
        var cells: [RecordedCell] = []
        var current: RecordedCell?
        for line in lines(of: text) {
            if let number = markerNumber(line) {
                if let finished = current { cells.append(finished.trimmed()) }
                current = RecordedCell(number: number, source: "", expected: "")
            } else if current != nil, let output = outputText(line) {
                current!.expected += output + "\n"
            } else if current != nil {
                current!.source += line + "\n"
            }
        }
        if let finished = current { cells.append(finished.trimmed()) }
        return cells
    }

    // MARK: - Output lines

    /// `text` cut at each line feed (a Unicode scalar, so `\r\n` is cut between its two).
    private static func lines(of text: String) -> [Substring] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init)
    }

    /// Whether Lua, an editor or Jupytext could take `scalar` for the end of a line.
    private static func breaksLines(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// One line of output as a comment line.
    private static func outputLine(_ line: Substring) -> String {
        if line.isEmpty { return "--|" }
        guard line.unicodeScalars.contains(where: breaksLines) else { return "--| " + line }
        var escaped = "--|\\ "
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\r": escaped += "\\r"
            case _ where breaksLines(scalar): escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The output text of a `--|` line, or nil for another line. A line ending in a carriage
    /// return (a file whose line ends became `\r\n`) is read without it: written output never
    /// holds one unescaped.
    private static func outputText(_ line: Substring) -> String? {
        var scalars = Array(line.unicodeScalars)
        if scalars.last == "\r" { scalars.removeLast() }
        let plain = Array("--| ".unicodeScalars), escaped = Array("--|\\ ".unicodeScalars)
        if scalars == Array("--|".unicodeScalars) { return "" }
        if scalars.starts(with: plain) { return text(scalars.dropFirst(plain.count)) }
        guard scalars.starts(with: escaped) else { return nil }
        return unescaped(scalars.dropFirst(escaped.count))
    }

    /// The text of an escaped output line; an escape it does not know is kept as written.
    private static func unescaped(_ body: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        var i = body.startIndex
        while i < body.endIndex {
            let rest = body[i...]
            if rest.starts(with: ["\\", "\\"]) || rest.starts(with: ["\\", "r"]) {
                out.append(rest.dropFirst().first == "r" ? "\r" : "\\")
                i += 2
            } else if rest.starts(with: ["\\", "u", "{"]), let close = rest.firstIndex(of: "}"),
                let value = UInt32(text(body[(i + 3)..<close]), radix: 16), let scalar = Unicode.Scalar(value)
            {
                out.append(scalar)
                i = close + 1
            } else {
                out.append(body[i])
                i += 1
            }
        }
        return String(out)
    }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars))
    }

    /// The `n` of a `-- %% [n]` line (any cell without a number gets 0).
    private static func markerNumber(_ line: Substring) -> Int? {
        guard line.hasPrefix("-- %%") else { return nil }
        let rest = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return 0 }
        return Int(rest[rest.index(after: rest.startIndex)..<close]) ?? 0
    }
}

/// A cell read back from a saved script or a journal.
public struct RecordedCell: Equatable, Sendable {
    /// The cell number.
    public var number: Int
    /// The source as saved.
    public var source: String
    /// What the cell showed when it was recorded (its ``CellRecord/display``).
    public var expected: String

    /// Makes a cell.
    public init(number: Int, source: String, expected: String) {
        self.number = number
        self.source = source
        self.expected = expected
    }

    fileprivate func trimmed() -> RecordedCell {
        var copy = self
        copy.source = source.trimmingTrailingWhitespace
        return copy
    }
}
