import CLua

/// An error raised by Lua code, or by Swift code running under Lua, as seen from Swift.
///
/// Chunks run under `lua_pcall` with a traceback handler; a failed run throws a `LuaError`
/// whose ``message`` is what Lua's `error` received (with the position prefix Lua added) and
/// whose ``traceback`` is the `stack traceback:` text, when there is one.
public struct LuaError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in the terms of `lua_pcall`'s status codes.
    public enum Kind: Sendable, Equatable {
        /// A runtime error (`LUA_ERRRUN`).
        case runtime
        /// The chunk does not compile (`LUA_ERRSYNTAX`).
        case syntax
        /// Lua ran out of memory (`LUA_ERRMEM`).
        case memory
        /// An error inside the message handler (`LUA_ERRERR`).
        case handler
        /// Ctrl-C (or ``LuaInterrupts/request()``) stopped the code at a safe point.
        case interrupted
    }

    /// The kind of failure.
    public var kind: Kind
    /// The error message, e.g. `[3]:1: attempt to call a nil value (global 'f')`.
    public var message: String
    /// The traceback lines after `stack traceback:`, or an empty string.
    public var traceback: String

    /// Makes an error from its parts.
    public init(kind: Kind, message: String, traceback: String = "") {
        self.kind = kind
        self.message = message
        self.traceback = traceback
    }

    public var description: String { message }

    /// Splits what the message handler produced (`message + "\nstack traceback:\n" + lines`).
    init(kind: Kind, handlerOutput: String) {
        let marker = "\nstack traceback:\n"
        if let range = handlerOutput.firstRange(of: marker) {
            self.init(
                kind: kind, message: String(handlerOutput[..<range.lowerBound]),
                traceback: String(handlerOutput[range.upperBound...]))
        } else {
            self.init(kind: kind, message: handlerOutput)
        }
    }

    /// The kind that a `lua_pcall`/`luaL_load*` status stands for.
    static func kind(ofStatus status: Int32) -> Kind {
        switch status {
        case LUA_ERRSYNTAX: return .syntax
        case LUA_ERRMEM: return .memory
        case LUA_ERRERR: return .handler
        default: return .runtime
        }
    }
}

/// A bad argument to a Swift function called from Lua.
///
/// Thrown by the ``LuaCall`` accessors (or by a binding directly); the trampoline turns it into
/// Lua's usual message, naming the function, the position and what was expected:
/// `bad argument #2 to 'tensor.zeros' (number expected, got string)`. Positions are stack
/// positions; for a method called with `:` the message counts from the first explicit argument,
/// as `luaL_argerror` does.
public struct LuaArgumentError: Error, CustomStringConvertible, Sendable {
    /// The argument's stack position (1 is the first argument, or `self` for methods).
    public var position: Int
    /// What was wrong, e.g. `number expected, got string`.
    public var message: String

    /// Makes an argument error.
    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "bad argument #\(position) (\(message))" }
}

/// An error a Swift function raises with a plain message; Lua prefixes the caller's position
/// (`[3]:1: Tensor has no settable field 'x'`), as `luaL_error` does. Any other non-Lua error
/// is raised the same way, with its `description`.
public struct LuaMessageError: Error, CustomStringConvertible, Sendable {
    public var description: String

    /// Makes the error.
    public init(_ message: String) {
        description = message
    }
}
