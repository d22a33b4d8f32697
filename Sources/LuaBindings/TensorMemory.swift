import Lua
import Synchronization
import TensorCore

/// Paces Lua's garbage collector by tensor memory, which Lua cannot see.
///
/// A tensor userdata is a few dozen bytes of Lua heap holding megabytes of native storage, so
/// left to itself the collector would let dead tensors pile up. Two measures keep memory flat:
///
/// - every push of a tensor reports the bytes TensorCore allocated since the previous push
///   (`MemoryStats.allocatedTotal`, which counts intermediates too) with
///   ``LuaState/noteNativeAllocation(bytes:)``; in generational mode that runs young
///   collections, which free tensors that die young (`local x = tensor.randn(…)` in a loop);
/// - tensors that live across two collections become old, and only a major collection frees
///   them — but major collections follow the Lua heap, which hardly grows. So when live tensor
///   memory passes twice what it was after the last full collection (and at least
///   ``floor``), a full collection runs. Like Lua's own pause, the doubling keeps its cost in
///   proportion to the memory really kept.
///
/// The counters are process-wide: a Lua state may be paced by another's allocations, which only
/// makes it collect sooner.
enum TensorMemory {
    /// Live tensor bytes under which no full collection is forced.
    static let floor = 256 << 20
    private static let lastAllocatedTotal = Atomic<Int>(0)
    private static let collectAbove = Atomic<Int>(floor)

    /// Reports fresh tensor allocations to `lua`'s collector and forces a full collection when
    /// live tensor memory has doubled since the last one.
    static func pace(_ lua: LuaState) {
        let total = MemoryStats.allocatedTotal
        let fresh = total - lastAllocatedTotal.exchange(total, ordering: .relaxed)
        if fresh > 0 { lua.noteNativeAllocation(bytes: fresh) }
        if MemoryStats.liveBytes > collectAbove.load(ordering: .relaxed) {
            lua.collectGarbage()
            collectAbove.store(Swift.max(floor, 2 * MemoryStats.liveBytes), ordering: .relaxed)
        }
    }
}
