import Foundation

/// The saved session: a plain Lua script in the percent format (`-- %% [n]` before each cell,
/// its output as `--| ` comment lines) that runs under `ember FILE` and opens as a notebook in
/// Jupytext or VS Code.
///
/// An expression cell is saved as `_ = <expression>`: valid Lua, with the same effect on `_`
/// as in the REPL. Reading a file back (``parse(_:)``) gives the sources as saved;
/// ``Session/typedSource(ofSaved:)`` turns `_ = <expression>` back into the expression.
public enum PercentFormat {
    /// The script text for `cells`.
    /// - Parameter includeFailed: keep cells that failed or were interrupted (`%save FILE --all`);
    ///   the script then stops at the first of them when run.
    public static func script(for cells: [CellRecord], includeFailed: Bool = false) -> String {
        var text =
            "-- Ember session (ember \(EmberVersion.version)). Run: ember FILE   Check: ember replay FILE --check\n"
        for cell in cells where includeFailed || cell.status == .ok {
            text += "\n-- %% [\(cell.number)]\n"
            text += savedSource(of: cell).trimmingTrailingWhitespace + "\n"
            for line in cell.display.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                text += line.isEmpty ? "--|\n" : "--| \(line)\n"
            }
        }
        return text
    }

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
    /// display text (the `--|` lines). Text before the first marker is ignored.
    public static func parse(_ text: String) -> [RecordedCell] {
        var cells: [RecordedCell] = []
        var current: RecordedCell?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let number = markerNumber(line) {
                if let finished = current { cells.append(finished.trimmed()) }
                current = RecordedCell(number: number, source: "", expected: "")
            } else if current != nil, line == "--|" || line.hasPrefix("--| ") {
                current!.expected += line.dropFirst(line == "--|" ? 3 : 4) + "\n"
            } else if current != nil {
                current!.source += line + "\n"
            }
        }
        if let finished = current { cells.append(finished.trimmed()) }
        return cells
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
