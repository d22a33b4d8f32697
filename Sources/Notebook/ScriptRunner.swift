import Foundation
import Lua

/// Runs Lua the way `lua.c` does for `ember FILE [args]`, `ember -e CODE` and piped standard
/// input: one chunk under `lua_pcall` with a traceback, errors to standard error as
/// `ember: <message>` followed by the traceback.
///
/// A file in the percent format (`-- %%` cell markers, what `%save` writes) runs cell by cell
/// through the session instead, so its cells and their output are recorded as in the REPL and
/// `notebook.save(path)` inside it can save the run for `ember replay --check`.
struct ScriptRunner {
    let session: Session
    var lua: LuaState { session.lua }

    /// Sets the global `arg` as lua.c builds it: the script at 0, its arguments at 1…n, the
    /// interpreter and the options before the script at negative indices.
    func setArguments(_ arguments: [String], scriptIndex: Int) {
        try? lua.execute(
            "local offset = tonumber((...)) arg = {} for i = 2, select('#', ...) do arg[i - 2 - offset] = select(i, ...) end",
            chunkName: "=arg", arguments: [String(scriptIndex)] + arguments)
    }

    /// Runs a file (`-` or nil: standard input) with `scriptArguments` as `...`.
    /// - Returns: whether it ran without error (an error has been reported).
    func runFile(_ path: String?, scriptArguments: [String]) -> Bool {
        let source: String
        let chunkName: String
        if let path, path != "-" {
            guard let data = FileManager.default.contents(atPath: path) else {
                return report("cannot open \(path)")
            }
            source = String(decoding: data, as: UTF8.self)
            chunkName = "@\(path)"
        } else {
            source = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            chunkName = "=stdin"
        }
        let cells = PercentFormat.parse(source)
        if !cells.isEmpty { return runCells(cells, path: path ?? "stdin") }
        return run(Self.skippingShebang(source), chunkName: chunkName, arguments: scriptArguments)
    }

    /// Runs a percent-format script's cells in order; the first failing cell stops it.
    private func runCells(_ cells: [RecordedCell], path: String) -> Bool {
        for cell in cells {
            let record = session.run(cell.source, number: cell.number > 0 ? cell.number : nil)
            guard record.status == .ok else {
                return report("\(path), cell [\(record.number)]: \(record.error ?? "failed")")
            }
        }
        return true
    }

    /// Runs `-e CODE`.
    func runCode(_ code: String) -> Bool {
        run(code, chunkName: "=(command line)", arguments: [])
    }

    private func run(_ source: String, chunkName: String, arguments: [String]) -> Bool {
        do {
            try lua.execute(source, chunkName: chunkName, arguments: arguments)
            return true
        } catch let error as LuaError {
            let traceback = error.traceback.isEmpty ? "" : "\nstack traceback:\n" + error.traceback
            return report(error.message + traceback)
        } catch {
            return report("\(error)")
        }
    }

    private func report(_ message: String) -> Bool {
        FileHandle.standardError.write(Data("ember: \(message)\n".utf8))
        return false
    }

    /// Like lua.c, a first line starting with `#` (a shebang) is skipped, keeping line numbers.
    static func skippingShebang(_ source: String) -> String {
        guard source.hasPrefix("#") else { return source }
        return "--" + source
    }
}
