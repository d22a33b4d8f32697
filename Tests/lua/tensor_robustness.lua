-- Never a crash: every tensor method on odd but valid tensors (0-d, empty, bool, int64, half,
-- expanded and transposed views) with many argument patterns, and every operator both ways.
-- Each call either works (and its result prints) or raises a Lua error; the process lives.
local subjects = {
    tensor(1.5), tensor(3), tensor(true), tensor.zeros(0), tensor.zeros(0, 3), tensor.zeros(2, 0),
    tensor{{1.0, 2}, {3, 4}}, tensor{1, 2, 3}, tensor{true, false}, tensor({1.5, 2}, {dtype = "float64"}),
    tensor{1.5, -2}:to("float16"), tensor{1.5, 2}:to("bfloat16"), tensor.zeros(1, 1, 1),
    tensor{{1.0, 2}}:expand(3, 2), tensor.arange(6):reshape(2, 3):t(), tensor{0/0, 1/0, -1/0},
}
local arguments = {
    {}, {1}, {-1}, {2}, {0}, {1, 1}, {1, -1}, {1, 0}, {1, 1, 0}, {1, 1, 1}, {{1}}, {{}},
    {tensor(1)}, {tensor{0}}, {tensor{1.0, 2}}, {1, tensor{0}}, {{keepdim = true}}, {1, {keepdim = true}},
    {"float32"}, {true},
}
local methods = {}
for name in pairs(getmetatable(tensor(1)).__methods) do methods[#methods + 1] = name end
table.sort(methods)

local calls, failures = 0, 0
for _, name in ipairs(methods) do
    for _, s in ipairs(subjects) do
        for _, a in ipairs(arguments) do
            local ok = pcall(function()
                local results = table.pack(s[name](s, table.unpack(a)))
                for k = 1, results.n do tostring(results[k]) end
            end)
            calls = calls + 1
            if not ok then failures = failures + 1 end
        end
    end
end
local operators = {
    function(a, b) return a + b end, function(a, b) return a - b end, function(a, b) return a * b end,
    function(a, b) return a / b end, function(a, b) return a ^ b end, function(a) return -a end,
}
for _, s in ipairs(subjects) do
    for _, other in ipairs({1, 2.5, tensor(2), tensor{1, 2}, tensor{true}, s}) do
        for _, op in ipairs(operators) do
            pcall(function() tostring(op(s, other)) tostring(op(other, s)) end)
            calls = calls + 1
        end
    end
    for _, k in ipairs({1, -1, 2, 0}) do
        pcall(function() return tostring(s[k]) end)
        pcall(function() s[k] = 1 end)
    end
    pcall(function() return #s end)
    tostring(s)
end
assert(calls > 15000 and failures > 0 and failures < calls)

print("tensor_robustness.lua ok")
