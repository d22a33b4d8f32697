/// The cancellation flag that long native loops poll so that Ctrl-C stops them at a safe point.
///
/// The REPL's SIGINT handler (C, in `CLuaShim`) stores a non-zero value through ``flag`` — a plain
/// `Int32` in memory of its own, so a signal handler may write it. Kernels call ``check()`` between
/// chunks of work (per matrix of a batched matmul, per frame decoded, per batch loaded) and throw
/// ``TensorError/interrupted``. The REPL clears the flag before each cell.
public enum Interrupt {
    /// The flag's address, stable for the life of the process; hand it to C code that sets it.
    public nonisolated(unsafe) static let flag: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// Whether an interrupt is pending.
    /// Polls happen between calls into other code, so the load is never hoisted out of a loop.
    public static var isPending: Bool { flag.pointee != 0 }

    /// Throws ``TensorError/interrupted`` when an interrupt is pending.
    @inline(__always)
    public static func check() throws {
        if isPending { throw TensorError.interrupted }
    }

    /// Clears a pending interrupt (the REPL does this before each cell).
    public static func clear() { flag.pointee = 0 }

    /// Requests an interrupt from Swift code (tests, or a supervisor thread).
    public static func request() { flag.pointee = 1 }
}
