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
        while let cell = readCell() {
            if Magics.isCommand(cell) {
                magics.run(cell)
                output.write("\n")
                continue
            }
            let record = session.run(cell)
            if record.status == .interrupted { output.write("\n") }  // after the terminal's ^C
            output.write(Prompt.after(record))
            if record.seconds > 1 {
                output.write("Wall time: \(Duration.describe(seconds: record.seconds))\n")
            }
            output.write("\n")
        }
        output.write("\n")
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
