-- The tensor library: operators, functions, reductions, comparisons and autograd.
local function close(t, expected, tolerance)
    tolerance = tolerance or 1e-5
    local values = type(t) == "number" and t or t:totable()
    local function walk(a, b, path)
        if type(b) == "table" then
            assert(type(a) == "table" and #a == #b, "shape differs at " .. path .. ": " .. tostring(t))
            for i = 1, #b do walk(a[i], b[i], path .. "[" .. i .. "]") end
        else
            assert(math.abs(a - b) <= tolerance * (1 + math.abs(b)), path .. ": " .. tostring(a) .. " vs " .. tostring(b))
        end
    end
    walk(values, expected, "")
end

-- operators broadcast, and a number may stand on either side
local a = tensor{{1.0, 2}, {3, 4}}
local b = tensor{10.0, 20}
close(a + b, {{11, 22}, {13, 24}})
close(a - 1, {{0, 1}, {2, 3}})
close(1 - a, {{0, -1}, {-2, -3}})
close(2 * a, {{2, 4}, {6, 8}})
close(a * a, {{1, 4}, {9, 16}})
close(a / 2, {{0.5, 1}, {1.5, 2}})
close(12 / a, {{12, 6}, {4, 3}})
close(a ^ 2, {{1, 4}, {9, 16}})
close(2 ^ a, {{2, 4}, {8, 16}})
close(-a, {{-1, -2}, {-3, -4}})
close(a:add(b):sub(1):mul(2):div(4), {{5, 10.5}, {6, 11.5}})
close(a:pow(0.5), {{1, math.sqrt(2)}, {math.sqrt(3), 2}})
close(a:neg(), {{-1, -2}, {-3, -4}})

-- dtypes follow PyTorch's promotion
local ints = tensor{1, 2, 3}
assert((ints + 1):dtype() == "int64")
assert((ints + 1.5):dtype() == "float32")
assert((ints / 2):dtype() == "float32", "true division")
close(ints / 2, {0.5, 1, 1.5})
assert((ints * tensor{0.5, 1, 2}):dtype() == "float32")
assert((tensor({1}, {dtype = "float64"}) + 1):dtype() == "float64")
assert((tensor{true, false} + 1):dtype() == "int64")

-- matmul with torch.matmul's rules
local m = tensor{{1.0, 2}, {3, 4}}
close(m:matmul(m), {{7, 10}, {15, 22}})
close(m:matmul(tensor{1.0, 1}), {3, 7})
close(tensor{1.0, 1}:matmul(m), {4, 6})
close(tensor{1.0, 2}:matmul(tensor{3.0, 4}), 11)
assert(tensor.ones(5, 2, 3):matmul(tensor.ones(3, 4)):size(1) == 5)
close(m:t():matmul(m), {{10, 14}, {14, 20}})

-- elementwise functions
close(tensor{0.0, 1}:exp(), {1, math.exp(1)})
close(tensor{1.0, math.exp(2)}:log(), {0, 2})
close(tensor{4.0, 9}:sqrt(), {2, 3})
close(tensor{4.0}:rsqrt(), {0.5})
close(tensor{-2.0, 3}:abs(), {2, 3})
close(tensor{-2.0, 0, 3}:sign(), {-1, 0, 1})
close(tensor{0.5}:tanh(), {math.tanh and math.tanh(0.5) or 0.46211715726})
close(tensor{0.0}:sigmoid(), {0.5})
close(tensor{-1.0, 2}:relu(), {0, 2})
close(tensor{1.0}:gelu(), {0.8413447460685429})
close(tensor{1.0}:gelu{approximate = "tanh"}, {0.8411919906082768})
close(tensor{{1.0, 2, 3}}:softmax(2), {{0.09003057, 0.24472847, 0.66524096}})
close(tensor{{1.0, 2, 3}}:softmax(-1):sum(), 1)
close(tensor{{1.0, 2, 3}}:log_softmax(2), {{-2.40760596, -1.40760596, -0.40760596}})
close(tensor{{1.0}, {3}}:softmax(1), {{0.11920292}, {0.88079708}})
close(tensor{-5.0, 0.5, 5}:clamp(0, 1), {0, 0.5, 1})
close(tensor{-5.0, 0.5, 5}:clamp(nil, 1), {-5, 0.5, 1})
close(tensor{-5.0, 0.5, 5}:clamp(0), {0, 0.5, 5})

-- comparisons give bool tensors
local v = tensor{1, 2, 3}
assert(v:eq(2):dtype() == "bool")
local function flags(t) return table.concat((function() local r = {} for i, x in ipairs(t:totable()) do r[i] = tostring(x) end return r end)(), " ") end
assert(flags(v:eq(2)) == "false true false")
assert(flags(v:ne(2)) == "true false true")
assert(flags(v:lt(2)) == "true false false")
assert(flags(v:le(2)) == "true true false")
assert(flags(v:gt(tensor{0, 2, 4})) == "true false false")
assert(flags(v:ge(2.5)) == "false false true")

-- reductions: axes are 1-based; keepdim keeps them as size 1
local x = tensor{{1.0, 2, 3}, {4, 5, 6}}
close(x:sum(), 21)
close(x:sum(1), {5, 7, 9})
close(x:sum(2), {6, 15})
close(x:sum(-1), {6, 15})
close(x:sum({1, 2}), 21)
close(x:sum(2, {keepdim = true}), {{6}, {15}})
assert(#x:sum{keepdim = true}:shape() == 2)
close(x:mean(), 3.5)
close(x:mean(1), {2.5, 3.5, 4.5})
close(x:max(), 6)
close(x:min(), 1)
local values, indices = x:max(2)
close(values, {3, 6})
assert(indices:dtype() == "int64" and indices:totable()[1] == 2 and indices:totable()[2] == 2)
values, indices = x:min(1, {keepdim = true})
close(values, {{1, 2, 3}})
assert(#indices:shape() == 2 and indices:totable()[1][1] == 0)
close(x:max(tensor{3.0, 3, 3}), {{3, 3, 3}, {4, 5, 6}})
close(x:min(3.5 * tensor.ones(2, 3)), {{1, 2, 3}, {3.5, 3.5, 3.5}})
assert(x:argmax():item() == 5 and x:argmin():item() == 0)
assert(x:argmax(1):totable()[3] == 1)
assert(#x:argmax(2, {keepdim = true}):shape() == 2)
close(x:var(), 3.5)
close(x:var({1, 2}, {correction = 0}), 35 / 12)
close(x:std(2), {1, 1})
close(x:norm(), math.sqrt(91))
close(x:norm(2, {p = 1}), {6, 15})
close(tensor{{0.0, 0}}:logsumexp(2), {math.log(2)})
assert(tensor{1, 5, 2}:max():dtype() == "int64", "max keeps int64")
assert(tensor{1, 5, 2}:max():item() == 5)
assert(tensor{(1 << 40) + 1, 1 << 40}:argmax():item() == 0, "int64 compared exactly")
assert(tensor{1, 2}:sum():dtype() == "int64")
assert(tensor{true, true, false}:sum():item() == 2)

-- autograd
local w = tensor{{1.0, 2}, {3, 4}}:requires_grad()
assert(w:is_leaf() and w.grad == nil)
local input = tensor{{1.0, 1}}
local loss = input:matmul(w):pow(2):sum()
assert(loss:grad_fn() ~= nil and not loss:is_leaf())
close(loss, 16 + 36)
loss:backward()
close(w.grad, {{8, 12}, {8, 12}})
loss = (w * 3):sum()
loss:backward()                 -- gradients accumulate
close(w.grad, {{11, 15}, {11, 15}})
w.grad = nil
assert(w.grad == nil)
local y = (w * 2):sum(1)
y:backward(tensor{1.0, 0.5})    -- an explicit gradient for a non-scalar output
close(w.grad, {{2, 1}, {2, 1}})
local d = w:detach()
assert(d:grad_fn() == nil and not tostring(d):find("requires_grad"))
assert(tostring(w):find("requires_grad"))
local frozen = tensor{1.0}:requires_grad(true):requires_grad(false)
assert(not tostring(frozen):find("requires_grad"))
-- clone, views and softmax pass gradients back
local p = tensor{1.0, 2, 3}:requires_grad()
local q = p:clone():view(3, 1):softmax(1):select(1, 1):sum()
q:backward()
assert(p.grad ~= nil and p.grad:numel() == 3)
-- no_grad records nothing and returns what the function returns (tables keep identity)
local kept = {}
local r1, r2, r3 = tensor.no_grad(function(t, extra) return t * 2, extra, nil end, w, kept)
assert(r1:grad_fn() == nil and r2 == kept and r3 == nil)
assert(select("#", tensor.no_grad(function() end)) == 0)
local ok, message = pcall(tensor.no_grad, function() error("inside") end)
assert(not ok and message:find("inside"))
assert((w * 2):grad_fn() ~= nil, "recording is back on after an error")

print("tensor_math.lua ok")
