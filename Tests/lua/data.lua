-- data.video, data.audio, data.info, data.manifest and the Dataset type on the sample set.
-- `fixtures` and `scratch` are set by the test runner.
local root = fixtures .. "../../examples/data/"
local function shape(t) return table.concat(t:shape(), ",") end
local function fails(pattern, f, ...)
    local ok, err = pcall(f, ...)
    assert(not ok, "no error, expected " .. pattern)
    assert(tostring(err):find(pattern), tostring(err))
end

-- data.info: the container, the main streams and every stream
local info = data.info(root .. "clips/clock_00.mp4")
assert(info.width == 192 and info.height == 144 and info.fps == 5 and info.video_codec == "h264")
assert(info.audio_codec == "aac" and info.rate == 16000 and info.channels == 1)
assert(#info.streams == 2 and info.streams[1].kind == "video" and info.streams[2].kind == "audio")
assert(info.size > 1000 and math.abs(info.duration - 3) < 0.1)
assert(data.info(root .. "clips/terminal_00.wav").audio_codec == "pcm_s16le")

-- data.video: frames and the info table
local frames, v = data.video(root .. "clips/clock_00.mp4", {frames = 4, size = 32, crop = true})
assert(shape(frames) == "4,3,32,32" and frames:dtype() == "float32")
assert(frames:min():item() >= 0 and frames:max():item() <= 1)
assert(#v.times == 4 and v.fps == 5 and v.width == 192 and v.height == 144)
assert(math.abs(v.times[1] - 0.4) < 0.06, v.times[1])  -- nearest to the centre of the first quarter
local exact = data.video(root .. "clips/clock_00.mp4", {fps = 2, start = 1, stop = 2, resize = {24, 40}, normalize = "clip"})
assert(shape(exact) == "2,3,24,40" and exact:min():item() < 0)

-- data.audio: channels first, or mono; the rate comes back
local voice, rate = data.audio(root .. "clips/terminal_00.wav")
assert(rate == 16000 and shape(voice) == "1,48000")
local track, r = data.audio(root .. "clips/clock_00.mp4", {rate = 8000, mono = true, start = 0.5, stop = 1.5})
assert(r == 8000 and shape(track) == "8000")

-- errors name the function, the argument or the file and the reason
fails("data.video: .*missing.mp4: cannot open: No such file or directory", data.video, root .. "missing.mp4")
fails("bad argument #2 to 'data.video' %(unknown option 'frame'", data.video, root .. "x.mp4", {frame = 2})
fails("give frames= or fps=, not both", data.video, root .. "x.mp4", {frames = 2, fps = 1})
fails("option 'frames': must be ≥ 1, got 0", data.video, root .. "x.mp4", {frames = 0})
fails("option 'resize': {height, width}", data.video, root .. "x.mp4", {resize = {32}})
fails("option 'normalize': expected one of", data.video, root .. "x.mp4", {normalize = "yes"})
fails("bad argument #1 to 'data.audio' %(string expected, got no value%)", data.audio)
fails("data.info: .*nothing.wav: cannot open", data.info, root .. "nothing.wav")

-- data.manifest: samples with 0-based labels
local ds = data.manifest(root .. "manifest.jsonl", {frames = 2, size = 32, crop = true, normalize = "clip"})
assert(#ds == 200)
local classes = ds:classes()
assert(table.concat(classes, ",") == "calculator,clock,eyes,notes,terminal")
local s = ds[1]
assert(s.label == 1 and classes[s.label + 1] == "clock")
assert(s.id == "clips/clock_00.mp4" and s.text == "open the clock please")
assert(shape(s.pixel_values) == "2,3,32,32" and shape(s.input_values) == "48000")
assert(math.abs(s.input_values:mean():item()) < 1e-3 and math.abs(s.input_values:std():item() - 1) < 1e-2)
assert(ds[4].id == "clips/terminal_00.mp4" and ds[4].input_values ~= nil)  -- the voice in a separate wav
fails("Dataset%[0%]: index out of range 1..200 %(Lua indices start at 1%)", function() return ds[0] end)
fails("index out of range", function() return ds[201] end)
assert(tostring(ds):find("^Dataset%(200 samples; 5 classes: calculator, clock"))
fails("unknown option 'size2'", data.manifest, root .. "manifest.jsonl", {size2 = 3})
fails("data.manifest: .*nope.jsonl: cannot open: No such file or directory", data.manifest, root .. "nope.jsonl")

-- split: stratified, reproducible by seed
local train, val = ds:split(0.8, {seed = 3})
assert(#train == 160 and #val == 40)
local perClass = {}
for i = 1, #val do local l = val[i].label; perClass[l] = (perClass[l] or 0) + 1 end
for k = 0, 4 do assert(perClass[k] == 8) end
local again = ds:split(0.8, {seed = 3})
for i = 1, #train, 7 do assert(again[i].id == train[i].id) end
local plain = ds:split(0.3, {seed = 1, stratify = false})
assert(#plain == 60)
fails("fraction must be in %[0, 1%]", ds.split, ds, 2)

-- map: a Lua function on each sample
local upper = ds:map(function(sample)
    sample.text = sample.text:upper()
    sample.first = sample.pixel_values[1]
    return sample
end)
assert(#upper == 200 and upper[2].text == "SHOW ME THE EYES THAT FOLLOW THE MOUSE" and shape(upper[2].first) == "3,32,32")
assert(tostring(upper):find("1 map"))
fails("the function given to ds:map must return the sample table, it returned nothing", function()
    return ds:map(function() end)[1]
end)

-- cache: in place, same values
local cached = val:cache(scratch .. "/cache")
assert(cached == val and tostring(val):find("cache " .. scratch, 1, true))
local first = val[1].pixel_values
assert((val[1].pixel_values - first):abs():max():item() == 0)
print("data.lua ok")
