-- tensor.save / tensor.load: safetensors files, as the Python safetensors package writes them.
-- `fixtures` and `scratch` are set by the test runner.

-- a file written by Python's safetensors (torch 2.15), every dtype Ember reads
local loaded, metadata = tensor.load(fixtures .. "tensor/dtypes.safetensors")
assert(type(metadata) == "table")
local expected = {
    f32 = {"float32", {3, 4}, -3.5}, f64 = {"float64", {3, 4}, -0.5}, f16 = {"float16", {3, 4}, -1.1669921875},
    bf16 = {"bfloat16", {3, 4}, -1.1640625}, i64 = {"int64", {2, 6}, -5}, i32 = {"int64", {4}, -2147483648},
    i8 = {"int64", {4}, -128}, u8 = {"int64", {4}, 0}, bool = {"bool", {2, 2}, true}, scalar = {"float32", {}, 2.5},
    empty = {"float32", {0, 3}},
}
for name, want in pairs(expected) do
    local t = assert(loaded[name], name)
    assert(t:dtype() == want[1], name .. ": " .. t:dtype())
    assert(table.concat(t:shape(), ",") == table.concat(want[2], ","), name)
    if want[3] ~= nil then
        local first = t:numel() == 1 and t:item() or t:flatten()[1]:item()
        assert(first == want[3], name .. ": " .. tostring(first))
    end
end
assert(loaded.i64[2][6]:item() == 6 and loaded.i32[4]:item() == 2147483647 and loaded.u8[4]:item() == 255)
assert(loaded.f16:float():sum():item() > 0, "half types compute as float32")

-- round trip: names, dtypes, shapes, values, metadata; views are saved as their values
local path = scratch .. "/roundtrip.safetensors"
local w = tensor.arange(12):reshape(3, 4)
local saved = {
    weight = tensor.randn(3, 4),
    ids = w:t(),                                   -- a non-contiguous view
    mask = w:gt(5),
    half = tensor{1.5, -2}:to("bfloat16"),
    scalar = tensor(7.25, {dtype = "float64"}),
}
tensor.save(path, saved, {format = "pt", note = "from ember"})
local back, meta = tensor.load(path)
assert(meta.format == "pt" and meta.note == "from ember")
for name, t in pairs(saved) do
    local b = assert(back[name], name)
    assert(b:dtype() == t:dtype(), name)
    assert(table.concat(b:shape(), ",") == table.concat(t:shape(), ","), name)
    assert(b:float():eq(t:float()):sum():item() == t:numel(), name .. " values differ")
end
assert(back.ids[1][3]:item() == 8)
local count = 0
for _ in pairs(back) do count = count + 1 end
assert(count == 5)

-- saving replaces a file whole; an empty table is a valid file
tensor.save(path, {})
assert(next((tensor.load(path))) == nil)

-- errors name the file
local ok, message = pcall(tensor.load, scratch .. "/missing.safetensors")
assert(not ok and message:find("missing.safetensors", 1, true))
local bad = io.open(scratch .. "/bad.safetensors", "wb")
bad:write("not a safetensors file")
bad:close()
ok, message = pcall(tensor.load, scratch .. "/bad.safetensors")
assert(not ok and message:find("not a valid safetensors file", 1, true))

print("tensor_files.lua ok")
