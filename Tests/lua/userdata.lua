-- Ember userdata from Lua's side, with the test type Counter (registered by LuaTests).
local function fails(pattern, f, ...)
    local ok, message = pcall(f, ...)
    assert(not ok, "expected an error matching " .. pattern)
    assert(tostring(message):find(pattern, 1, true), "got: " .. tostring(message))
end

local c = counter.new(2)
assert(c:add(3) == c, "methods return self so calls chain")
assert(c:get() == 5 and c.value == 5 and #c == 5)
c.value = 10
assert(c:get() == 10)
assert(c + 1 == 11 and 1 + c == 11 and c + c == 20, "a number on either side")
assert(c(3) == 30, "__call")
assert(tostring(c) == "Counter(10)" and c .. "!" == "Counter(10)!")
assert(counter.new(1) == counter.new(1) and counter.new(1) ~= counter.new(2), "__eq")
assert(c.nothing == nil, "unknown fields read as nil")
assert(getmetatable(c).__name == "Counter")

-- wrong types, counts and objects
fails("bad argument #1 to 'Counter:add' (number expected, got string)", function() c:add("x") end)
fails("bad argument #1 to 'Counter:add' (number expected, got no value)", function() c:add() end)
fails("bad argument #1 to 'Counter:get' (Counter expected, got Gauge)", function() c.get(gauge()) end)
local impostor = {get = c.get}
fails("calling 'Counter:get' on bad self (Counter expected, got table)", function() impostor:get() end)
fails("bad argument #1 to 'Gauge:level' (Gauge expected, got Counter)", function() gauge().level(c) end)
fails("bad argument #1 to 'Counter:get' (Counter expected, got number)", function() c.get(42) end)
fails("bad argument #2 to 'counter.new' (no value expected, got number)", function() counter.new(1, 2) end)
fails("Counter has no settable field 'nope'", function() c.nope = 1 end)
fails("attempt to call a nil value (method 'missing')", function() c:missing() end)

-- finalizers can be called by hand without harm, and <close> releases at once
local closed
do
    local d <close> = counter.new(1)
    closed = d
end
fails("Counter is closed", function() closed:get() end)
getmetatable(c).__gc(c)
fails("Counter is closed", function() c:get() end)
getmetatable(c).__gc({})  -- not a Counter: ignored

-- Lua callbacks called from Swift, errors passing back through
assert(counter.apply(function(x) return x + 1 end, 1) == 2)
fails("inner", function() counter.apply(function() error("inner") end, 1) end)
print("userdata.lua ok")
