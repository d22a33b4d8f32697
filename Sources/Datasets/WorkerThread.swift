#if canImport(Glibc)
import Glibc
#endif

/// A POSIX thread that runs one closure and can be joined, so a loader can prove its workers
/// have exited before it returns (Foundation's `Thread` cannot be joined).
final class WorkerThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private var thread = pthread_t()
    private var joined = false

    /// Starts a thread running `body`.
    init(_ body: @escaping @Sendable () -> Void) throws {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            joined = true
            throw DatasetError.invalidArgument(
                "cannot start a loader worker thread: \(String(cString: strerror(status)))")
        }
    }

    /// Waits for the thread to finish (once; later calls return at once).
    func join() {
        guard !joined else { return }
        pthread_join(thread, nil)
        joined = true
    }

    deinit { join() }
}
