-- tensor.memory, tensor.reset_peak_memory, tensor.empty_cache. The counters are process-wide, so
-- this script runs alone in an ember process (scripts/test-repl), not beside other tests
-- in the test runner's process.
-- tensor.memory: what tensors hold, their peak, and the blocks kept for reuse
collectgarbage()
tensor.empty_cache()
tensor.reset_peak_memory()
local before = tensor.memory()
assert(before.cached == 0 and before.peak == before.allocated)
local big = tensor.zeros(1024, 1024)  -- 4 MiB
local held = tensor.memory()
assert(held.allocated == before.allocated + 4 * 2^20 and held.peak >= held.allocated, held.allocated)
big = nil
collectgarbage()
local after = tensor.memory()
assert(after.allocated == before.allocated and after.peak == held.peak and after.cached >= 4 * 2^20)
tensor.empty_cache()
assert(tensor.memory().cached == 0)
local ok, err = pcall(tensor.memory, 1)
assert(not ok and tostring(err):find("tensor.memory"), err)

print("memory_counters.lua ok")
