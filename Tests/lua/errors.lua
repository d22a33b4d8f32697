-- Misuse must end in a clean Lua error, never a crash.
local function fails(pattern, f, ...)
    local ok, message = pcall(f, ...)
    assert(not ok, "expected an error matching " .. pattern)
    assert(tostring(message):find(pattern, 1, true), "got: " .. tostring(message))
    return message
end

-- deep recursion: Lua's own stack limit, and the C stack through metamethods
fails("stack overflow", function() local function f() return 1 + f() end return f() end)
local loop = setmetatable({}, {__index = function(t, k) return t[k] end})
fails("stack overflow", function() return loop.x end)

-- errors that are not strings
local ok, e = pcall(error, {code = 7})
assert(not ok and type(e) == "table" and e.code == 7)
ok, e = pcall(error)
assert(not ok and e == nil)

-- errors inside __gc become warnings, and the program goes on
setmetatable({}, {__gc = function() error("in a finalizer") end})
collectgarbage()
collectgarbage()

-- Swift errors and options
fails("native failure", counter.fail)
fails("unknown option 'scael'; valid options: offset, scale", counter.sum, 1, 2, {scael = 1})
fails("options must be name=value pairs", counter.sum, 1, 2, {1})

-- Swift using Lua's semantics (metamethods) through the protected helpers
local log = {}
local mt = {
    __index = function(_, k) return "indexed " .. k end,
    __newindex = function(_, k, v) log[k] = v end,
    __len = function() return 42 end,
    __concat = function(a, b) return "joined" end,
    __lt = function() return true end,
    __add = function() return 7 end,
}
local v, w = setmetatable({}, mt), setmetatable({}, mt)
local seen = counter.inspect(v, w)
assert(seen.name == "indexed name" and seen.length == 42 and seen.joined == "joined")
assert(seen.less == true and seen.sum == 7 and log.seen == true)
local broken = setmetatable({}, {__len = function() error("len failed") end, __index = function() return 1 end})
fails("len failed", counter.inspect, broken, broken)
fails("attempt to perform arithmetic", counter.inspect, setmetatable({}, {__len = function() return 1 end,
    __concat = function() return "" end, __lt = function() return false end}), {})

-- coroutines calling Swift functions
local co = coroutine.wrap(function(x) coroutine.yield(counter.sum(x, 1)) return counter.new(x):get() end)
assert(co(1) == 2 and co() == 1)
fails("number expected, got string", coroutine.wrap(function() return counter.sum("a", 1) end))

-- big values
assert(#string.rep("x", 1 << 20) == 1 << 20)
print("errors.lua ok")
