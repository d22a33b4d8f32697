import Lua
import TensorCore

/// The `notebook` Lua library: what the REPL's `%save` does, callable from Lua — so a script in
/// the percent format can save its own run (`examples/quickstart.lua` does) for
/// `ember replay --check`.
enum NotebookLibrary {
    static func install(into session: Session) {
        let lib = session.lua.library("notebook", summary: "The running session: save it as a replayable script.")
        lib.function(
            "save", "notebook.save(path[, {all=false}]) -> integer",
            "Saves the cells run so far (not the one running) as a percent-format Lua script; returns how many."
        ) { [unowned session] call in
            try call.expectAtMost(2)
            let path = try call.string(at: 1)
            let all = try call.options(at: 2, allowed: ["all"]).boolean("all") ?? false
            let cells = session.cells.filter { all || $0.status == .ok }
            do {
                try AtomicFile.write(PercentFormat.script(for: cells, includeFailed: all), to: path)
            } catch {
                throw LuaMessageError("notebook.save: \(error)")
            }
            return call.push(cells.count)
        }
    }
}
