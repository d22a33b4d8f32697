import Foundation

/// Serializes tests that raise an interrupt with tests that run Lua code.
///
/// Ctrl-C is process-wide (one flag, one hook target), and the Swift tests of every target run
/// in parallel in one process: a test that requests an interrupt holds this lock, and so does
/// every test that runs Lua code while it could be hit by it.
public final class InterruptLock: Sendable {
    /// The one lock of the test process.
    public static let shared = InterruptLock()
    private let lock = NSLock()

    /// Runs `body` holding the lock.
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
