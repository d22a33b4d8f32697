import Lua

/// The Ember Lua libraries (DESIGN.md §2), opened together as `linit.c` opens Lua's own.
///
/// Each library lives in its own file in this target and adds its installer to
/// ``EmberLibraries/installers``; the notebook and the `ember` command call
/// ``EmberLibraries/install(into:)`` once per state.
public enum EmberLibraries {
    /// The installers, in opening order: each registers one global library table (`tensor`,
    /// `nn`, `text`, `data`, `optim`, `train`, `plot`) with ``LuaState/library(_:summary:)``.
    static let installers: [@Sendable (LuaState) -> Void] = [
        TensorLibrary.install(into:),
        TextLibrary.install(into:),
        NNLibrary.install(into:),
        DataLibrary.install(into:),
        PlotFrames.install(into:),
        OptimLibrary.install(into:),
        TrainLibrary.install(into:),
        PlotLibrary.install(into:),
    ]

    /// Installs every Ember library into `lua` and makes `require("ember")` return a table
    /// holding all libraries registered in the state (`require("ember").tensor == tensor`).
    public static func install(into lua: LuaState) {
        for install in installers {
            install(lua)
        }
        lua.preload("ember") { call in
            call.pushTable { table in
                for name in call.lua.libraryNames {
                    table.set(name) { $0.push(library: name) }
                }
            }
        }
    }
}
