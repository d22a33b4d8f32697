-- The tensor library: creation, queries, views and the 1-based position rule.
local function same(a, b, tolerance)
    tolerance = tolerance or 0
    if type(a) ~= type(b) then return false end
    if type(a) ~= "table" then
        if type(a) == "number" then return math.abs(a - b) <= tolerance end
        return a == b
    end
    if #a ~= #b then return false end
    for i = 1, #a do if not same(a[i], b[i], tolerance) then return false end end
    return true
end
local function check(t, dtype, shape, values, tolerance)
    assert(t:dtype() == dtype, "dtype " .. t:dtype() .. ", expected " .. dtype)
    assert(same(t:shape(), shape), "shape {" .. table.concat(t:shape(), ", ") .. "}")
    if values then
        assert(same(t:totable(), values, tolerance), "values differ: " .. tostring(t))
    end
end

-- tensor{...}: dtypes inferred as torch.tensor does
check(tensor{1, 2, 3}, "int64", {3}, {1, 2, 3})
check(tensor{1, 2.5}, "float32", {2}, {1, 2.5})
check(tensor{{true, false}}, "bool", {1, 2}, {{true, false}})
check(tensor{{1, 2}, {3, 4}}, "int64", {2, 2}, {{1, 2}, {3, 4}})
check(tensor({{1, 2}, {3, 4}}, {dtype = "float64"}), "float64", {2, 2}, {{1, 2}, {3, 4}})
check(tensor({1.7, -1.7}, {dtype = "int64"}), "int64", {2}, {1, -1})  -- truncation, as PyTorch
check(tensor(5), "int64", {}, 5)
check(tensor(2.5), "float32", {}, 2.5)
check(tensor{}, "float32", {0}, {})
check(tensor{{}, {}}, "float32", {2, 0}, {{}, {}})
check(tensor{(1 << 40) + 1}, "int64", {1}, {(1 << 40) + 1})  -- int64 values are exact
assert(math.type(tensor{7}:totable()[1]) == "integer")

-- constructors
check(tensor.zeros(2, 3), "float32", {2, 3}, {{0, 0, 0}, {0, 0, 0}})
check(tensor.zeros{2, 3}, "float32", {2, 3})
check(tensor.zeros(2, 3, {dtype = "int64"}), "int64", {2, 3})
check(tensor.ones({2}, {dtype = "bool"}), "bool", {2}, {true, true})
check(tensor.zeros(tensor.ones(4, 1):shape()), "float32", {4, 1})
check(tensor.zeros(0), "float32", {0}, {})
check(tensor.full({2}, 7), "int64", {2}, {7, 7})
check(tensor.full({2}, 0.5), "float32", {2}, {0.5, 0.5})
check(tensor.full(3, true), "bool", {3}, {true, true, true})
check(tensor.full({1}, 7, {dtype = "float64"}), "float64", {1}, {7})
check(tensor.arange(4), "int64", {4}, {0, 1, 2, 3})  -- values, not positions: 0-based like PyTorch
check(tensor.arange(1, 4), "int64", {3}, {1, 2, 3})
check(tensor.arange(0, 1, 0.25), "float32", {4}, {0, 0.25, 0.5, 0.75})
check(tensor.arange(5, 0, -2), "int64", {3}, {5, 3, 1})
check(tensor.arange(0.0, 3), "float32", {3}, {0, 1, 2})
check(tensor.arange(3, {dtype = "float64"}), "float64", {3}, {0, 1, 2})
check(tensor.arange(3, 3), "int64", {0}, {})
check(tensor.linspace(0, 1, 5), "float32", {5}, {0, 0.25, 0.5, 0.75, 1})
check(tensor.eye(2), "float32", {2, 2}, {{1, 0}, {0, 1}})
check(tensor.eye(2, 3, {dtype = "int64"}), "int64", {2, 3}, {{1, 0, 0}, {0, 1, 0}})
check(tensor.rand(3, 4), "float32", {3, 4})
check(tensor.randn({2, 2}, {dtype = "float64"}), "float64", {2, 2})
local r = tensor.rand(1000)
assert(r:min():item() >= 0 and r:max():item() < 1)
local labels = tensor.randint(0, 10, {50})
check(labels, "int64", {50})
assert(labels:min():item() >= 0 and labels:max():item() <= 9)

-- seeding repeats the sequence
tensor.seed(42)
local a = tensor.randn(5):totable()
tensor.seed(42)
assert(same(tensor.randn(5):totable(), a))

-- queries
local t = tensor.arange(24):reshape(2, 3, 4)
assert(same(t:shape(), {2, 3, 4}) and same(t:size(), {2, 3, 4}))
assert(t:size(1) == 2 and t:size(3) == 4 and t:size(-1) == 4 and t:size(-3) == 2)
assert(t:dim() == 3 and t:numel() == 24 and #t == 2 and t:dtype() == "int64")
assert(#tensor.zeros(5, 2) == 5)

-- t[i] selects along axis 1; positions are 1-based, negative from the end
check(t[1], "int64", {3, 4}, {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}})
check(t[-1][1], "int64", {4}, {12, 13, 14, 15})
assert(t[2][3][4]:item() == 23 and t[-1][-1][-1]:item() == 23)
check(t:select(2, 1), "int64", {2, 4}, {{0, 1, 2, 3}, {12, 13, 14, 15}})
check(t:select(-1, -1), "int64", {2, 3}, {{3, 7, 11}, {15, 19, 23}})
check(t:narrow(3, 2, 2)[1], "int64", {3, 2}, {{1, 2}, {5, 6}, {9, 10}})
check(t:narrow(1, 3, 0), "int64", {0, 3, 4})  -- an empty slice after the end

-- views share memory with their base
local m = tensor.zeros(2, 3)
m[1] = 5
m[-1] = tensor{1, 2, 3}
m:select(2, 3)[1] = 9  -- writes through a view into m
check(m, "float32", {2, 3}, {{5, 5, 9}, {1, 2, 3}})
local col = tensor.zeros(3, 2)
col:select(2, 1)[2] = 4
check(col, "float32", {3, 2}, {{0, 0}, {4, 0}, {0, 0}})
local ids = tensor.zeros(2, 2, {dtype = "int64"})
ids[1] = tensor{{7, 8}}  -- broadcast
ids[2] = 3.9             -- converted to the dtype
check(ids, "int64", {2, 2}, {{7, 8}, {3, 3}})
-- a parameter may be written by hand inside no_grad (an update step), as in PyTorch
local w = tensor.zeros(2, 2):requires_grad()
tensor.no_grad(function() w[1] = 1 end)
check(w:detach(), "float32", {2, 2}, {{1, 1}, {0, 0}})

-- movement
check(t:view(6, 4), "int64", {6, 4})
check(t:view{-1, 2}, "int64", {12, 2})
check(t:reshape(4, -1), "int64", {4, 6})
check(t:permute(3, 1, 2), "int64", {4, 2, 3})
check(t:permute{3, 1, 2}[1], "int64", {2, 3}, {{0, 4, 8}, {12, 16, 20}})
check(t:transpose(1, 3), "int64", {4, 3, 2})
check(tensor{{1, 2, 3}}:t(), "int64", {3, 1}, {{1}, {2}, {3}})
check(t:transpose(1, 2):reshape(-1), "int64", {24})   -- needs a copy: reshape makes one
check(t:unsqueeze(1), "int64", {1, 2, 3, 4})
check(t:unsqueeze(4), "int64", {2, 3, 4, 1})
check(t:unsqueeze(-1), "int64", {2, 3, 4, 1})
check(tensor.zeros(1, 3, 1):squeeze(), "float32", {3})
check(tensor.zeros(1, 3, 1):squeeze(3), "float32", {1, 3})
check(tensor.zeros(1, 3, 1):squeeze(2), "float32", {1, 3, 1})
check(t:flatten(), "int64", {24})
check(t:flatten(2), "int64", {2, 12})
check(t:flatten(1, 2), "int64", {6, 4})
check(tensor{{1}, {2}}:expand(2, 3), "int64", {2, 3}, {{1, 1, 1}, {2, 2, 2}})
check(tensor{1, 2}:expand(3, -1), "int64", {3, 2}, {{1, 2}, {1, 2}, {1, 2}})
assert(t:transpose(1, 2):contiguous():view(-1):size(1) == 24)
local c = m:clone()
c[1] = 0
assert(m[1][1]:item() == 5, "clone owns its memory")

-- joining and splitting
local x, y = tensor{{1, 2}}, tensor{{3, 4}}
check(tensor.cat{x, y}, "int64", {2, 2}, {{1, 2}, {3, 4}})
check(tensor.cat({x, y}, 2), "int64", {1, 4}, {{1, 2, 3, 4}})
check(tensor.cat({x, y}, -1), "int64", {1, 4})
check(tensor.stack{x, y}, "int64", {2, 1, 2})
check(tensor.stack({x, y}, 3), "int64", {1, 2, 2}, {{{1, 3}, {2, 4}}})
check(tensor.cat{tensor{1}, tensor{0.5}}, "float32", {2}, {1, 0.5})
local parts = tensor.arange(5):split(2)
assert(#parts == 3 and same(parts[3]:totable(), {4}))
parts = tensor.arange(6):reshape(2, 3):split({1, 2}, 2)
assert(same(parts[2]:totable(), {{1, 2}, {4, 5}}))

-- index tensors hold 0-based values, as in PyTorch
local rows = tensor{{10, 11}, {20, 21}, {30, 31}}
check(rows:index_select(1, tensor{2, 0}), "int64", {2, 2}, {{30, 31}, {10, 11}})
check(rows:index_select(2, tensor{1}), "int64", {3, 1}, {{11}, {21}, {31}})
check(rows:gather(2, tensor{{1}, {0}, {1}}), "int64", {3, 1}, {{11}, {20}, {31}})
check(rows:masked_fill(rows:gt(20), -1), "int64", {3, 2}, {{10, 11}, {20, -1}, {-1, -1}})
check(tensor.where(rows:lt(20), rows, 0), "int64", {3, 2}, {{10, 11}, {0, 0}, {0, 0}})
check(tensor.where(tensor{true, false}, 1.5, 2), "float32", {2}, {1.5, 2})
check(rows:where(rows:ge(30), tensor{{0, 1}}), "int64", {3, 2}, {{0, 1}, {0, 1}, {30, 31}})
local logits = tensor{{0.1, 2.0, 0.3}, {5.0, 0.2, 0.1}}
check(logits:argmax(2), "int64", {2}, {1, 0})
local _, where = logits:max(2)
assert(same(where:totable(), {1, 0}))
local row = logits[1]
assert(row[logits:argmax(2)[1]:item() + 1]:item() == row:max():item(), "an index value + 1 is a Lua position")

-- values
assert(tensor(2.5):item() == 2.5 and math.type(tensor(3):item()) == "integer")
assert(tensor{true}:item() == true)
assert(tensor{{1.5}}:item() == 1.5)
check(tensor{1.9, -1.9}:long(), "int64", {2}, {1, -1})
check(tensor{1, 2}:float(), "float32", {2}, {1, 2})
check(tensor{1, 2}:double(), "float64", {2}, {1, 2})
check(tensor{0, 2}:bool(), "bool", {2}, {false, true})
check(tensor{1.5}:to("float16"), "float16", {1}, {1.5})
check(tensor{1.5}:to("bfloat16"):float(), "float32", {1}, {1.5})
local same_tensor = tensor{1.0}
assert(same_tensor:float() == same_tensor, "float() of a float32 tensor is the tensor itself")

-- require("ember") holds the libraries
assert(require("ember").tensor == tensor and require("ember").text == text)

-- <close> and collection release tensors
do
    local closed <close> = tensor.zeros(10)
end
collectgarbage()

print("tensor_basics.lua ok")
