import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A reference-counted block of memory that tensors view.
///
/// Memory is 64-byte aligned (one cache line, one AVX-512 register). Large blocks come from
/// ``BlockCache``, which maps them with transparent huge pages and reuses freed blocks, so a
/// training loop that allocates the same activations every step stops paying page faults after
/// the first step. A storage can also wrap memory owned by something else — a memory-mapped
/// safetensors file — in which case `owner` keeps that alive and nothing is freed here.
public final class Storage: @unchecked Sendable {
    /// The first byte.
    public let base: UnsafeMutableRawPointer
    /// The size in bytes.
    public let byteCount: Int
    private let owner: AnyObject?
    private let cached: Bool

    /// Allocates `byteCount` bytes, zeroed unless `zeroed` is false (for kernels that write
    /// every element).
    public init(byteCount: Int, zeroed: Bool = true) {
        self.byteCount = byteCount
        owner = nil
        if let block = BlockCache.shared.take(byteCount) {
            base = block.pointer
            cached = true
            if zeroed && !block.fresh { memset(base, 0, byteCount) }
        } else {
            var p: UnsafeMutableRawPointer?
            guard posix_memalign(&p, 64, max(byteCount, 1)) == 0, let p else {
                fatalError("Ember: out of memory allocating \(byteCount) bytes")
            }
            if zeroed { memset(p, 0, max(byteCount, 1)) }
            base = p
            cached = false
        }
        MemoryStats.allocated(byteCount)
    }

    /// Wraps memory that `owner` keeps valid (for example a memory-mapped file).
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = base
        self.byteCount = byteCount
        self.owner = owner
        cached = false
    }

    deinit {
        guard owner == nil else { return }
        if cached { BlockCache.shared.give(base, byteCount) } else { free(base) }
        MemoryStats.freed(byteCount)
    }
}

/// Large blocks (≥ 1 MiB) in 2 MiB size classes, mapped with `MADV_HUGEPAGE` and kept after
/// release for reuse, up to ``limit`` bytes of idle blocks.
final class BlockCache: @unchecked Sendable {
    static let shared = BlockCache()
    static let threshold = 1 << 20
    private static let granule = 2 << 20

    struct Block { let pointer: UnsafeMutableRawPointer; let fresh: Bool }

    /// Idle blocks by size class, as addresses (plain integers are Sendable; pointers are not).
    private struct State {
        var idle: [Int: [Int]] = [:]
        var idleBytes = 0
    }
    private let state = Mutex(State())
    /// Idle bytes kept for reuse; beyond this, released blocks are unmapped.
    let limit = 2 << 30

    private static func sizeClass(_ n: Int) -> Int { (n + granule - 1) / granule * granule }

    func take(_ byteCount: Int) -> Block? {
        guard byteCount >= BlockCache.threshold else { return nil }
        let size = BlockCache.sizeClass(byteCount)
        if let address = state.withLock({ s -> Int? in
            guard let a = s.idle[size]?.popLast() else { return nil }
            s.idleBytes -= size
            return a
        }), let p = UnsafeMutableRawPointer(bitPattern: address) {
            return Block(pointer: p, fresh: false)
        }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED
        else {
            return nil  // fall back to malloc, which reports the failure
        }
        madvise(p, size, MADV_HUGEPAGE)
        return Block(pointer: p, fresh: true)  // anonymous pages arrive zeroed
    }

    func give(_ pointer: UnsafeMutableRawPointer, _ byteCount: Int) {
        let size = BlockCache.sizeClass(byteCount)
        let address = Int(bitPattern: pointer)
        let kept = state.withLock { s -> Bool in
            guard s.idleBytes + size <= limit else { return false }
            s.idle[size, default: []].append(address)
            s.idleBytes += size
            return true
        }
        if !kept { munmap(pointer, size) }
    }

    /// Bytes held in idle blocks.
    var idleBytes: Int { state.withLock { $0.idleBytes } }

    /// Unmaps every idle block.
    func trim() {
        let blocks = state.withLock { s -> [Int: [Int]] in
            let idle = s.idle
            s.idle = [:]
            s.idleBytes = 0
            return idle
        }
        for (size, list) in blocks { for a in list { munmap(UnsafeMutableRawPointer(bitPattern: a), size) } }
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

    /// Bytes of freed large blocks kept for reuse (not counted in ``liveBytes``).
    public static var cachedBytes: Int { BlockCache.shared.idleBytes }

    /// Returns idle cached blocks to the system.
    public static func releaseCachedBlocks() { BlockCache.shared.trim() }

    static func allocated(_ n: Int) {
        let now = live.add(n, ordering: .relaxed).newValue
        _ = total.add(n, ordering: .relaxed)
        var seen = peakBytes.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peakBytes.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    static func freed(_ n: Int) { _ = live.subtract(n, ordering: .relaxed) }
}
