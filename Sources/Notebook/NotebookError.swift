import Lua

/// An error of the notebook layer with a message meant for the user.
public struct NotebookError: Error, CustomStringConvertible {
    public var description: String

    /// Makes the error.
    public init(_ message: String) {
        description = message
    }
}

/// Ember's version, shown by `ember --version` and written into journals and exports.
public enum EmberVersion {
    /// The release.
    public static let version = "0.1.0"
    /// The Lua release Ember is built with (`Lua 5.4.4`).
    public static var lua: String { LuaState.release }
}
