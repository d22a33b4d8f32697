-- data.loader: batches, worker-count independence, state, map and collate, skipping.
local root = fixtures .. "../../examples/data/"
local function shape(t) return table.concat(t:shape(), ",") end
local function fails(pattern, f, ...)
    local ok, err = pcall(f, ...)
    assert(not ok, "no error, expected " .. pattern)
    assert(tostring(err):find(pattern), tostring(err))
end

local ds = data.manifest(root .. "manifest.jsonl", {frames = 2, size = 32, crop = true})
local part = ds:split(0.05, {seed = 1})  -- 10 clips, 2 of each class
assert(#part == 10)

local function order(options)
    local ids = {}
    for batch in data.loader(part, options):iter() do ids[#ids + 1] = table.concat(batch.id, ",") end
    return table.concat(ids, "|")
end
local zero = order{batch = 3, shuffle = true, seed = 4, workers = 0}
assert(order{batch = 3, shuffle = true, seed = 4, workers = 1} == zero)
assert(order{batch = 3, shuffle = true, seed = 4, workers = 2} == zero)
assert(order{batch = 3, shuffle = true, seed = 5} ~= zero)

-- the batch table
local loader = data.loader(part, {batch = 4, shuffle = true, seed = 4})
assert(#loader == 3 and loader.epoch == 0)
local sizes = {}
for batch in loader:iter() do
    local n = #batch.id
    sizes[#sizes + 1] = n
    assert(shape(batch.pixel_values) == n .. ",2,3,32,32")
    assert(batch.input_values:size(1) == n and batch.attention_mask:dtype() == "int64")
    assert(batch.labels:dtype() == "int64" and shape(batch.labels) == tostring(n) and #batch.text == n)
end
assert(table.concat(sizes, ",") == "4,4,2" and loader.epoch == 1)
local dropped = 0
for _ in data.loader(part, {batch = 4, drop_last = true}):iter() do dropped = dropped + 1 end
assert(dropped == 2)
assert(tostring(loader):find("^DataLoader%(10 samples, batch 4, 3 batches, shuffle, seed 4, 2 workers, epoch 1%)"))

-- leaving a loop early moves to the next epoch; a state taken in the loop resumes there
for _ in loader:iter() do break end
assert(loader.epoch == 2)
local state, rest = nil, {}
for batch in loader:iter() do
    if not state then state = loader:state_dict() else rest[#rest + 1] = table.concat(batch.id, ",") end
end
assert(state.epoch == 2 and state.position == 4 and state.seed == 4)
local resumed = data.loader(part, {batch = 4, shuffle = true, seed = 99, workers = 1}):load_state_dict(state)
local again = {}
for batch in resumed:iter() do again[#again + 1] = table.concat(batch.id, ",") end
assert(table.concat(again, "|") == table.concat(rest, "|") and resumed.epoch == 3)
-- an error in the loop body closes the epoch too (the loop's closing value), workers and all
assert(not pcall(function() for _ in resumed:iter() do error("stop") end end))
assert(resumed.epoch == 4)
fails("state field 'seed': integer expected", loader.load_state_dict, loader, {epoch = 0, position = 0})

-- maps run before the default collate, which stacks the tensors and numbers they add
local mapped = part:map(function(s) s.weight = s.label * 0.5; s.gray = s.pixel_values:mean(2); return s end)
for batch in data.loader(mapped, {batch = 5}):iter() do
    assert(shape(batch.weight) == "5" and shape(batch.gray) == "5,2,32,32")
end
local worded = part:map(function(s) s.words = {s.text}; return s end)
fails("sample field 'words' %(table%) cannot be collated by default", function()
    for _ in data.loader(worded, {batch = 2}):iter() do end
end)
-- a custom collate gets the sample tables
local counts = {}
for n in data.loader(worded, {batch = 4, collate = function(samples) return #samples end}):iter() do
    counts[#counts + 1] = n
end
assert(table.concat(counts, ",") == "4,4,2")

-- unreadable files: raised with the manifest line, or skipped and counted
local m = io.open(scratch .. "/bad.jsonl", "w")
m:write(string.format('{"video": "%sclips/eyes_00.mp4", "label": "a"}\n', root))
m:write('{"video": "missing.mp4", "label": "b"}\n')
m:write(string.format('{"video": "%sclips/eyes_02.mp4", "label": "a"}\n', root))
m:close()
local bad = data.manifest(scratch .. "/bad.jsonl", {frames = 1, size = 16})
fails("Dataset%[2%]: .*bad.jsonl:2: .*missing.mp4: cannot open: No such file or directory", function() return bad[2] end)
fails("DataLoader:iter: .*bad.jsonl:2: .*missing.mp4: cannot open: No such file or directory", function()
    for _ in data.loader(bad, {batch = 2}):iter() do end
end)
local seen = 0
for batch in data.loader(bad, {batch = 2, on_error = "skip"}):iter() do seen = seen + #batch.id end
assert(seen == 2)
local skipping = data.manifest(scratch .. "/bad.jsonl", {frames = 1, size = 16, on_error = "skip"})
seen = 0
for batch in data.loader(skipping, {batch = 1}):iter() do seen = seen + 1 end
assert(seen == 2)

fails("bad argument #1 to 'data.loader' %(Dataset expected, got string%)", data.loader, "ds")
fails("option 'batch': must be ≥ 1, got 0", data.loader, part, {batch = 0})
fails("option 'collate': function expected, got number", data.loader, part, {collate = 3})
print("data_loader.lua ok")
