import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A reference-counted block of memory that tensors view.
///
/// Memory is 64-byte aligned (one cache line, one AVX-512 register) and zero-filled. A storage
/// can also wrap memory owned by something else — a memory-mapped safetensors file — in which
/// case `owner` keeps that alive and nothing is freed here.
public final class Storage: @unchecked Sendable {
    /// The first byte.
    public let base: UnsafeMutableRawPointer
    /// The size in bytes.
    public let byteCount: Int
    private let owner: AnyObject?

    /// Allocates `byteCount` zeroed bytes.
    public init(byteCount: Int) {
        var p: UnsafeMutableRawPointer?
        let size = max(byteCount, 1)
        guard posix_memalign(&p, 64, size) == 0, let p else {
            fatalError("Ember: out of memory allocating \(byteCount) bytes")
        }
        memset(p, 0, size)
        base = p
        self.byteCount = byteCount
        owner = nil
        MemoryStats.allocated(byteCount)
    }

    /// Wraps memory that `owner` keeps valid (for example a memory-mapped file).
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = base
        self.byteCount = byteCount
        self.owner = owner
    }

    deinit {
        if owner == nil {
            free(base)
            MemoryStats.freed(byteCount)
        }
    }
}

/// Bytes of tensor memory allocated by Ember, for the Lua collector's pacing and for benchmarks.
public enum MemoryStats {
    private static let live = Atomic<Int>(0)
    private static let peakBytes = Atomic<Int>(0)
    private static let total = Atomic<Int>(0)

    /// Bytes currently held by tensors.
    public static var liveBytes: Int { live.load(ordering: .relaxed) }
    /// The most bytes held at once since start or the last ``resetPeak()``.
    public static var peak: Int { peakBytes.load(ordering: .relaxed) }
    /// Bytes allocated since start (never decreases); the Lua binding steps its collector by this.
    public static var allocatedTotal: Int { total.load(ordering: .relaxed) }

    /// Starts a new peak measurement from the current live size.
    public static func resetPeak() { peakBytes.store(liveBytes, ordering: .relaxed) }

    static func allocated(_ n: Int) {
        let now = live.add(n, ordering: .relaxed).newValue
        _ = total.add(n, ordering: .relaxed)
        var seen = peakBytes.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peakBytes.compareExchange(
                expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    static func freed(_ n: Int) { _ = live.subtract(n, ordering: .relaxed) }
}
