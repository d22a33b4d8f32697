-- plot.frames: a PNG contact sheet of frames.
local root = fixtures .. "../../examples/data/"
local function fails(pattern, f, ...)
    local ok, err = pcall(f, ...)
    assert(not ok, "no error, expected " .. pattern)
    assert(tostring(err):find(pattern), tostring(err))
end
-- the big-endian 32-bit integer at byte `at` of `s`
local function u32(s, at) local a, b, c, d = s:byte(at, at + 3); return ((a * 256 + b) * 256 + c) * 256 + d end

local frames = data.video(root .. "clips/calculator_00.mp4", {frames = 6, size = 48, crop = true, normalize = "clip"})
local path = plot.frames(frames, scratch .. "/sheet.png", {normalize = "clip", columns = 4})
assert(path == scratch .. "/sheet.png")
local f = assert(io.open(path, "rb"))
local png = f:read("a")
f:close()
assert(png:sub(1, 8) == "\137PNG\r\n\26\n" and png:sub(13, 16) == "IHDR")
assert(u32(png, 17) == 4 * 50 + 2 and u32(png, 21) == 2 * 50 + 2)  -- 4 columns, 2 rows, 2-pixel gaps
-- one frame [3, H, W] and gray frames [T, 1, H, W]
plot.frames(frames[1], scratch .. "/one.png")
plot.frames(frames:narrow(2, 1, 1), scratch .. "/gray.png")

fails("frames %[T, 3, H, W%], %[3, H, W%] or %[T, 1, H, W%] expected, got shape %[2, 3%]", plot.frames, tensor.zeros(2, 3), scratch .. "/x.png")
fails("option 'columns': must be ≥ 1", plot.frames, frames, scratch .. "/x.png", {columns = 0})
fails("bad argument #2 to 'plot.frames' %(string expected", plot.frames, frames)
print("data_plot.lua ok")
