import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Intra-op parallelism: the one thread-count setting and the work splitter kernels use.
///
/// Work splits into contiguous blocks, one per thread (ggml's `ith/nth`); small jobs stay on the
/// calling thread because waking a second core costs more than it saves below ~32K elements.
public enum Parallel {
    nonisolated(unsafe) private static var threads = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// Threads used by kernels and by OpenBLAS. Defaults to the number of online cores.
    /// Setting it also sets OpenBLAS's thread count.
    public static var threadCount: Int {
        get { threads }
        set {
            threads = max(1, newValue)
            BLAS.setThreads(threads)
        }
    }

    /// Elements below which a kernel runs on one thread.
    public static let grain = 1 << 15

    /// Splits `0..<count` into at most ``threadCount`` contiguous ranges and runs `body` on each,
    /// in parallel when `count * cost` is at least ``grain``.
    /// - Parameter cost: relative work per item (e.g. a row's length), so rows of a softmax split
    ///   by rows yet decide by elements.
    /// Always inlined, so a kernel's inner loop reaches the caller's closure as a direct call.
    @inline(__always)
    public static func forEachRange(count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = min(threads, count, max(1, (count * cost) / grain))
        if workers <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = count * w / workers, hi = count * (w + 1) / workers
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`, whose workers only read disjoint parts.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
