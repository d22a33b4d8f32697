import Lua
import TensorCore

extension TensorLibrary {
    /// `tensor.memory()`, `tensor.reset_peak_memory()`, `tensor.empty_cache()`: tensor memory as
    /// PyTorch reports device memory (`memory_allocated`, `max_memory_allocated`,
    /// `reset_peak_memory_stats`, `empty_cache`).
    static func registerMemory(_ library: LuaLibrary) {
        library.function(
            "memory", "tensor.memory() -> {allocated=, peak=, cached=}",
            "Bytes held by tensors now, the most held at once (since start or tensor.reset_peak_memory()), "
                + "and freed large blocks kept for reuse"
        ) { call in
            try call.expectAtMost(0)
            call.pushTable { table in
                table.set("allocated", MemoryStats.liveBytes)
                table.set("peak", MemoryStats.peak)
                table.set("cached", MemoryStats.cachedBytes)
            }
            return 1
        }
        library.function(
            "reset_peak_memory", "tensor.reset_peak_memory()",
            "Starts a new peak measurement for tensor.memory().peak from the bytes held now"
        ) { call in
            try call.expectAtMost(0)
            MemoryStats.resetPeak()
            return 0
        }
        library.function(
            "empty_cache", "tensor.empty_cache()",
            "Returns the freed large blocks kept for reuse to the system"
        ) { call in
            try call.expectAtMost(0)
            MemoryStats.releaseCachedBlocks()
            return 0
        }
    }
}
