import Foundation
import Lua

/// `ember replay FILE [--check]`: runs a saved script (or a journal) cell by cell, showing each
/// input and its output as the REPL would, and optionally compares every output with the
/// recorded one.
public struct Replay {
    /// The outcome of a replay.
    public struct Outcome: Equatable, Sendable {
        /// How many cells ran.
        public var cellsRun: Int
        /// The first cell that failed, if any.
        public var firstFailure: Int?
        /// The first cell whose output differs from the recorded one (with `check`).
        public var firstDifference: Int?
        /// The process exit status: 0 when everything ran (and matched, with `check`).
        public var exitStatus: Int32 { firstFailure == nil && firstDifference == nil ? 0 : 1 }
    }

    /// Reads the cells of `path`: the successful cells of a journal when it starts with the
    /// journal header, every cell of a percent-format script otherwise.
    /// - Throws: ``NotebookError`` for a file that cannot be read, a damaged journal (one that
    ///   lost its header line included), and a file that is neither a journal nor a saved
    ///   session (no `-- %%` cell markers), rather than replaying nothing.
    public static func cells(of path: String) throws -> [RecordedCell] {
        if Journal.isJournal(path) {
            // As `%save` does, only the cells that succeeded (an interrupted one may never end).
            // Journal sources are as typed; in saved form they read like a script's cells.
            return try Journal.read(from: path).filter { $0.status == .ok }.map {
                RecordedCell(number: $0.number, source: PercentFormat.savedSource(of: $0), expected: $0.display)
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw NotebookError("cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        let cells = PercentFormat.parse(text)
        if cells.isEmpty, Journal.isHeaderless(text) {
            throw NotebookError(
                "\(path): a journal without its header line ({\"ember_journal\":1,…}); the file is damaged")
        }
        if cells.isEmpty, !PercentFormat.isSavedSession(text) {
            throw NotebookError("\(path): nothing to replay: neither a journal nor a script with '-- %%' cell markers")
        }
        return cells
    }

    /// Replays `cells` in `session`, writing inputs, outputs and the verdict to `report`.
    /// - Parameters:
    ///   - check: compare each cell's display with the recorded one; the first difference is
    ///     reported with both texts and stops the replay.
    public static func run(
        _ cells: [RecordedCell], in session: Session, check: Bool, report: (String) -> Void
    ) -> Outcome {
        var outcome = Outcome(cellsRun: 0)
        for cell in cells {
            let source = session.typedSource(ofSaved: cell.source)
            report(Prompt.input(number: cell.number, source: source))
            let record = session.run(source, number: cell.number)
            outcome.cellsRun += 1
            let shown = record.display
            report(Prompt.after(record))  // printed output was shown as it happened
            report("\n")
            if record.status != .ok, outcome.firstFailure == nil {
                outcome.firstFailure = cell.number
            }
            if check, shown != cell.expected {
                outcome.firstDifference = cell.number
                report(
                    "replay: cell [\(cell.number)] differs from the recording\n--- recorded\n\(cell.expected)--- now\n\(shown)"
                )
                return outcome
            }
        }
        let verdict = check ? "all outputs match" : "done"
        if let failed = outcome.firstFailure {
            report("replay: \(outcome.cellsRun) cells, cell [\(failed)] failed\n")
        } else {
            report("replay: \(outcome.cellsRun) cells, \(verdict)\n")
        }
        return outcome
    }
}

/// How the REPL writes prompts and results, shared with replay so both look the same.
enum Prompt {
    /// `In [n]: ` followed by the source, continuation lines indented under it.
    static func input(number: Int, source: String) -> String {
        let head = primary(number)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = continuation(number)
        return head
            + lines.enumerated().map { $0.offset == 0 ? String($0.element) : indent + $0.element }
            .joined(separator: "\n") + "\n"
    }

    static func primary(_ number: Int) -> String { "In [\(number)]: " }

    /// `   ...: `, as wide as the primary prompt.
    static func continuation(_ number: Int) -> String {
        let width = primary(number).count
        return String(repeating: " ", count: max(0, width - 5)) + "...: "
    }

    /// What follows the printed output: `Out[n]: …` or the error.
    static func after(_ record: CellRecord) -> String {
        var text = ""
        if !record.output.isEmpty, !record.output.hasSuffix("\n") { text += "\n" }
        if let result = record.result { text += "Out[\(record.number)]: \(result)\n" }
        if let error = record.error { text += error + "\n" }
        return text
    }
}
