import CLuaShim

/// Ctrl-C handling shared by every ``LuaState`` in the process (LUA.md 3.4).
///
/// After ``install(flag:)``, SIGINT stores 1 in the flag that long native loops poll and, while
/// a ``LuaState/protectedCall(arguments:results:)`` runs, sets a hook that raises
/// `interrupted` at the next Lua instruction. A Swift function that fails while the flag is set
/// (a kernel that polled it and threw) raises that same error. The handler stays installed, so
/// a second Ctrl-C never ends the process.
public enum LuaInterrupts {
    /// Installs the SIGINT handler.
    /// - Parameter flag: the word native code polls (`TensorCore.Interrupt.flag`); nil keeps a
    ///   private one.
    public static func install(flag: UnsafeMutablePointer<Int32>?) {
        ember_interrupt_install(flag)
    }

    /// Whether an interrupt is pending.
    public static var isPending: Bool { ember_interrupt_pending() != 0 }

    /// Clears a pending interrupt; the notebook does this before each cell.
    public static func clear() { ember_interrupt_clear() }

    /// Does what Ctrl-C does (sets the flag, and the hook while code runs), without a signal.
    public static func request() { ember_interrupt_request() }

    /// How many SIGINTs the process has received; the prompt compares counts to notice Ctrl-C.
    public static var signalCount: UInt { UInt(ember_sigint_count()) }
}
