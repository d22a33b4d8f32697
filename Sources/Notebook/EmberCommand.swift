import Foundation
import Lua
import TensorCore

/// What the `ember` executable needs from its environment; `main.swift` fills it in (it is the
/// only place that reads environment variables).
public struct EmberSettings {
    /// The readline history file (`EMBER_HISTORY`), or nil for none.
    public var historyPath: String?
    /// The journal file for this REPL session (`EMBER_JOURNAL`), or nil to make one in
    /// ``dataDirectory``/sessions.
    public var journalPath: String?
    /// Where Ember keeps its files (`$XDG_DATA_HOME/ember` or `~/.local/share/ember`).
    public var dataDirectory: String
    /// The flag native loops poll (`TensorCore.Interrupt.flag`).
    public var interruptFlag: UnsafeMutablePointer<Int32>?
    /// The lines `ember --version` prints; computed only when asked (the BLAS line loads
    /// OpenBLAS, which start-up should not pay for).
    public var versionLines: () -> [String]

    /// Makes settings.
    public init(
        historyPath: String?, journalPath: String?, dataDirectory: String,
        interruptFlag: UnsafeMutablePointer<Int32>?, versionLines: @escaping () -> [String]
    ) {
        self.historyPath = historyPath
        self.journalPath = journalPath
        self.dataDirectory = dataDirectory
        self.interruptFlag = interruptFlag
        self.versionLines = versionLines
    }
}

/// The `ember` command line: `lua.c`'s options plus `replay` and `export`.
public enum EmberCommand {
    /// The usage text of `ember --help`.
    public static let usage = """
        usage: ember [options] [script [args]]
               ember replay FILE [--check]
               ember export FILE --to ipynb [-o OUT]

        With no script and no -e, ember starts the notebook REPL on a terminal and runs
        standard input as a script otherwise.

        options:
          -e CODE        run CODE (may be repeated)
          -i             start the REPL after running the script and -e code
          -v, --version  show the versions
          -h, --help     show this help
          --             stop handling options
          -              run standard input as the script

        replay FILE      run a saved session (percent-format .lua or a journal) cell by cell
          --check        compare every output with the recorded one; exit 1 at the first difference
        export FILE      write FILE as a Jupyter notebook (FILE with .ipynb, or -o OUT)

        environment: EMBER_HISTORY (history file), EMBER_JOURNAL (journal file)

        """

    /// Runs the command and returns the process exit status (0 success, 1 failure, as lua.c).
    public static func run(_ arguments: [String], settings: EmberSettings) -> Int32 {
        LuaInterrupts.install(flag: settings.interruptFlag)
        let rest = Array(arguments.dropFirst())
        do {
            switch rest.first {
            case "replay": return try replay(Array(rest.dropFirst()))
            case "export": return try export(Array(rest.dropFirst()))
            default: return try interpreter(arguments, settings: settings)
            }
        } catch {
            FileHandle.standardError.write(Data("ember: \(error)\n".utf8))
            return 1
        }
    }

    // MARK: - The interpreter (lua.c's options)

    private static func interpreter(_ arguments: [String], settings: EmberSettings) throws -> Int32 {
        var code: [String] = []
        var interactive = false
        var scriptIndex: Int?
        var index = 1
        while index < arguments.count, scriptIndex == nil {
            let argument = arguments[index]
            switch argument {
            case "-e":
                guard index + 1 < arguments.count else { throw NotebookError("'-e' needs an argument\n\(usage)") }
                code.append(arguments[index + 1])
                index += 1
            case "-i": interactive = true
            case "-v", "--version":
                print(settings.versionLines().joined(separator: "\n"))
                if code.isEmpty && !interactive && index + 1 >= arguments.count { return 0 }
            case "-h", "--help":
                print(usage, terminator: "")
                return 0
            case "--":
                if index + 1 < arguments.count { scriptIndex = index + 1 }
                index = arguments.count
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    throw NotebookError("unrecognized option '\(argument)'\n\(usage)")
                }
                scriptIndex = index
            }
            index += 1
        }
        let stdinIsTerminal = isatty(STDIN_FILENO) != 0
        let startsREPL = interactive || (scriptIndex == nil && code.isEmpty && stdinIsTerminal)
        var journal: Journal?
        if startsREPL {
            do {
                journal = try Journal(path: journalPath(settings))
            } catch {
                FileHandle.standardError.write(Data("ember: \(error); this session has no journal\n".utf8))
            }
        }
        let session = Session(journal: journal)
        session.setArguments(arguments, scriptIndex: scriptIndex ?? 0)
        let runner = ScriptRunner(session: session)
        for chunk in code where !runner.runCode(chunk) { return 1 }
        if let scriptIndex {
            let path = arguments[scriptIndex]
            if !runner.runFile(path, scriptArguments: Array(arguments[(scriptIndex + 1)...])) { return 1 }
        } else if !startsREPL && code.isEmpty {
            if !runner.runFile(nil, scriptArguments: []) { return 1 }  // piped standard input
        }
        if startsREPL {
            REPL(session: session, historyPath: settings.historyPath).run()
        }
        return 0
    }

    private static func journalPath(_ settings: EmberSettings) -> String {
        if let path = settings.journalPath { return path }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = "\(formatter.string(from: Date()))-\(getpid()).ember-journal"
        return (settings.dataDirectory as NSString).appendingPathComponent("sessions/\(name)")
    }

    // MARK: - replay and export

    private static func replay(_ arguments: [String]) throws -> Int32 {
        let check = arguments.contains("--check")
        let files = arguments.filter { $0 != "--check" }
        guard files.count == 1 else { throw NotebookError("usage: ember replay FILE [--check]") }
        let cells = try Replay.cells(of: files[0])
        let session = Session()
        let outcome = Replay.run(cells, in: session, check: check) { session.lua.output.write($0) }
        return outcome.exitStatus
    }

    private static func export(_ arguments: [String]) throws -> Int32 {
        var file: String?
        var output: String?
        var format: String?
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--to" where index + 1 < arguments.count:
                format = arguments[index + 1]
                index += 1
            case "-o" where index + 1 < arguments.count:
                output = arguments[index + 1]
                index += 1
            default:
                guard file == nil else { throw NotebookError("usage: ember export FILE --to ipynb [-o OUT]") }
                file = arguments[index]
            }
            index += 1
        }
        guard let file, format == "ipynb" else {
            throw NotebookError("usage: ember export FILE --to ipynb [-o OUT] (ipynb is the one format)")
        }
        let destination = output ?? ((file as NSString).deletingPathExtension + ".ipynb")
        let cells: [ExportCell]
        if Journal.isJournal(file) {
            cells = NotebookExport.cells(from: try Journal.read(from: file))
        } else {
            cells = NotebookExport.cells(from: try Replay.cells(of: file))
        }
        try AtomicFile.write(try NotebookExport.notebook(for: cells), to: destination)
        print("Exported \(cells.count) cells to \(destination)")
        return 0
    }
}
