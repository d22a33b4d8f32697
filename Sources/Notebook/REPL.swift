import Foundation
import Lua

/// The interactive notebook on a terminal: prompts `In [n]:`, continuation while a chunk is
/// incomplete, commands, results as `Out[n]:`, wall time after slow cells, and the journal.
public final class REPL {
    private let session: Session
    private let editor: LineEditor
    private let magics: Magics

    /// Creates the REPL for `session`.
    /// - Parameter historyPath: the readline history file (nil: no persistent history).
    public init(session: Session, historyPath: String?) {
        self.session = session
        let editor = LineEditor(
            historyPath: historyPath, completer: Completer(lua: session.lua, magics: Magics.names))
        self.editor = editor
        let output = session.lua.output
        magics = Magics(session: session, write: output.write) { editor.pendingText = $0 }
    }

    /// Runs until Ctrl-D (or the end of input).
    public func run() {
        let output = session.lua.output
        output.write("Ember \(EmberVersion.version) (\(EmberVersion.lua)). %help for help, Ctrl-D to exit.\n")
        if let journal = session.journal { output.write("Journal: \(journal.path)\n") }
        output.write("\n")
        var warnedAtExit = false
        while true {
            guard let cell = readCell() else {
                if journalIsWritten(warned: warnedAtExit) { break }
                if warnedAtExit, let journal = session.journal {
                    output.write(
                        "Journal: exiting with \(journal.cellCount(journal.unwrittenCells)) not in \(journal.path).\n")
                    break
                }
                warnedAtExit = true
                continue
            }
            if Magics.isCommand(cell) {
                magics.run(cell)
            } else {
                let record = session.run(cell)
                if record.status == .interrupted { output.write("\n") }  // after the terminal's ^C
                output.write(Prompt.after(record))
                if record.seconds > 1 {
                    output.write("Wall time: \(Duration.describe(seconds: record.seconds))\n")
                }
            }
            if let notice = session.takeJournalNotice() { output.write(notice + "\n") }
            output.write("\n")
        }
        output.write("\n")
    }

    /// At Ctrl-D: whether every cell is in the journal (written now if it can be). When not, the
    /// first time it says what would be lost; a second Ctrl-D exits anyway.
    private func journalIsWritten(warned: Bool) -> Bool {
        guard let journal = session.journal, !journal.flush(), case .failing(let reason, let count) = journal.status
        else { return true }
        if warned { return false }
        session.lua.output.write(
            "\nJournal: \(journal.cellCount(count)) not written to \(journal.path) (\(reason)) would be lost. "
                + "%save FILE on another disk keeps them; Ctrl-D again exits.\n\n")
        return false
    }

    /// Reads lines until they form a complete cell or command; nil at the end of input.
    private func readCell() -> String? {
        var buffer = ""
        let number = session.nextNumber
        while true {
            let prompt = buffer.isEmpty ? Prompt.primary(number) : Prompt.continuation(number)
            switch editor.read(prompt: prompt) {
            case .endOfInput:
                return nil
            case .interrupted:
                buffer = ""
            case .line(let line):
                if buffer.isEmpty {
                    if line.allSatisfy(\.isWhitespace) { continue }
                    if Magics.isCommand(line) {
                        editor.addHistory(line)
                        return line
                    }
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                if !session.isIncomplete(buffer) {
                    editor.addHistory(buffer)
                    return buffer
                }
            }
        }
    }
}
