import Foundation
import Lua
import TensorCore

/// The REPL's commands: a line starting with `%`, `?` or `!` (never valid Lua).
///
/// `%run FILE` and `%time CODE` run a real cell (numbered, journaled, saved); the others act on
/// the session and are not cells. See docs/REPL.md for the list.
struct Magics {
    let session: Session
    let write: (String) -> Void
    /// Called with a file's text for `%load` (the REPL puts it on the next prompt).
    let load: (String) -> Void

    /// The command names, without `%`, for completion and `%help`.
    static let names = ["help", "time", "timeit", "who", "history", "save", "run", "load", "reset", "export"]

    /// Whether `line` is a command rather than Lua.
    static func isCommand(_ line: String) -> Bool {
        guard let first = line.first else { return false }
        return first == "%" || first == "?" || first == "!"
    }

    /// Runs the command `line`.
    func run(_ line: String) {
        do {
            try dispatch(line)
        } catch let error as LuaError {
            write(Session.errorText(error) + "\n")
        } catch {
            write("UsageError: \(error)\n")
        }
    }

    private func dispatch(_ line: String) throws {
        if line.hasPrefix("?") { return help(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        if line.hasPrefix("!") { return shell(String(line.dropFirst())) }
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "help": argument.isEmpty ? overview() : help(argument)
        case "time": time(try required(argument, "%time CODE"))
        case "timeit": try TimeIt(session: session, write: write).run(try required(argument, "%timeit CODE"))
        case "who": who()
        case "history": history()
        case "save": try save(argument)
        case "run": runFile(try required(argument, "%run FILE"))
        case "load":
            load(
                try String(contentsOfFile: try required(argument, "%load FILE"), encoding: .utf8)
                    .trimmingTrailingWhitespace)
        case "reset":
            session.reset()
            write("Namespace reset: user globals removed, Out and _ cleared.\n")
        case "export": try export(try required(argument, "%export FILE.ipynb"))
        default: throw NotebookError("unknown command %\(name); %help lists the commands")
        }
    }

    private func required(_ argument: String, _ usage: String) throws -> String {
        guard !argument.isEmpty else { throw NotebookError("usage: \(usage)") }
        return argument
    }

    // MARK: - Help

    private func overview() {
        var text = "Ember \(EmberVersion.version) — Lua 5.4 with the Ember libraries.\n\nLibraries:\n"
        for name in session.lua.libraryNames {
            text +=
                "  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(session.lua.docs.lookup(name)?.summary ?? "")\n"
        }
        if session.lua.libraryNames.isEmpty { text += "  (none installed yet)\n" }
        text += """

            Commands (at the start of a line):
              ?name            signature and summary of a function, method or library
              %help [name]     this overview, or ?name
              %time CODE       run CODE as a cell and show its wall time
              %timeit CODE     time CODE over many runs (mean ± std)
              %who             your globals
              %history         the cells of this session
              %save FILE [--all]  save the session as a Lua script (failed cells too with --all)
              %run FILE        run a Lua file as a cell
              %load FILE       put a file's text on the prompt
              %reset           remove your globals and forget the cells
              %export FILE.ipynb  write the session as a Jupyter notebook
              !cmd             run a shell command
            Expressions show their value; a trailing ; hides it. _ is the last value, Out[n] earlier ones.
            Ctrl-C stops a running cell; Ctrl-D exits.

            """
        write(text)
    }

    private func help(_ name: String) {
        let docs = session.lua.docs
        if let doc = docs.lookup(name)
            ?? docs.lookup(Completer(lua: session.lua, magics: []).documentedName(for: name) ?? "")
        {
            var text = "\(doc.signature)\n    \(doc.summary)\n"
            let members = docs.entries(withPrefix: doc.name + ".") + docs.entries(withPrefix: doc.name + ":")
            for member in members where !member.name.contains(".__") {
                text += "  \(member.signature)\n      \(member.summary)\n"
            }
            return write(text)
        }
        write("no documentation for '\(name)'\n")
    }

    // MARK: - Running

    private func time(_ code: String) {
        let record = session.run(code)
        write(Prompt.after(record))
        write("Wall time: \(Duration.describe(seconds: record.seconds))\n")
    }

    private func runFile(_ path: String) {
        let record = session.run("dofile(\(ValuePrinter(lua: session.lua).quoted(path)))")
        write(Prompt.after(record))
    }

    private func shell(_ command: String) {
        guard let pipe = popen(command + " 2>&1", "r") else {
            return write("cannot run the shell\n")
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), pipe) != nil {
            write(buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        let status = pclose(pipe)
        if status != 0 { write("(exit status \(status >> 8))\n") }
    }

    // MARK: - Session

    private func who() {
        let globals = session.userGlobals()
        guard !globals.isEmpty else { return write("no user globals\n") }
        let width = globals.map(\.name.count).max() ?? 0
        for global in globals {
            write(
                "\(global.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(global.type.padding(toLength: 9, withPad: " ", startingAt: 0)) \(global.summary)\n"
            )
        }
    }

    private func history() {
        for cell in session.cells {
            write(Prompt.input(number: cell.number, source: cell.source))
        }
    }

    private func save(_ argument: String) throws {
        var words = argument.split(separator: " ").map(String.init)
        let all = words.contains("--all")
        words.removeAll { $0 == "--all" }
        guard words.count == 1 else { throw NotebookError("usage: %save FILE [--all]") }
        let cells = session.cells.filter { all || $0.status == .ok }
        try AtomicFile.write(PercentFormat.script(for: cells, includeFailed: all), to: words[0])
        write("Saved \(cells.count) cells to \(words[0])\n")
    }

    private func export(_ path: String) throws {
        try AtomicFile.write(try NotebookExport.notebook(for: NotebookExport.cells(from: session.cells)), to: path)
        write("Exported \(session.cells.count) cells to \(path)\n")
    }
}

extension Duration {
    /// `850 ms`, `1.25 s`, `12.3 µs`.
    static func describe(seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: return String(format: "%.1f ns", seconds * 1e9)
        case ..<1e-3: return String(format: "%.1f µs", seconds * 1e6)
        case ..<1: return String(format: "%.1f ms", seconds * 1e3)
        default: return String(format: "%.2f s", seconds)
        }
    }
}
