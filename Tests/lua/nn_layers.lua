-- nn layers from Lua: PyTorch's constructors and options, shapes, the values they compute,
-- attention masks, Sequential, and what print shows.

local function shape(t) return table.concat(t:shape(), ",") end
local function close(a, b, tolerance)
    return (a - b):abs():max():item() <= (tolerance or 1e-5)
end

tensor.seed(1)

-- Linear: y = x·Wᵀ + b, PyTorch's parameter shapes and names
local linear = nn.Linear(4, 3)
assert(shape(linear:get_parameter("weight")) == "3,4" and shape(linear:get_parameter("bias")) == "3")
local x = tensor.randn(5, 4)
local w, b = linear:get_parameter("weight"), linear:get_parameter("bias")
assert(close(linear(x), x:matmul(w:t()) + b))
assert(close(linear:forward(x), linear(x)))
assert(shape(linear(tensor.randn(2, 7, 4))) == "2,7,3", "leading axes pass through")
assert(linear:num_parameters() == 15 and nn.Linear(4, 3, {bias = false}):num_parameters() == 12)
assert(tostring(nn.Linear(4, 3, {bias = false})):find("Linear%(in=4, out=3, bias=false%)"))
local bound = 1 / math.sqrt(4)
assert(w:abs():max():item() <= bound, "PyTorch's default init: U(-1/sqrt(in), 1/sqrt(in))")

-- tensor.seed restarts the initialisation too
tensor.seed(7); local a = nn.Linear(3, 2); tensor.seed(7); local a2 = nn.Linear(3, 2)
assert(close(a:get_parameter("weight"), a2:get_parameter("weight"), 0))

-- Convolutions: shapes with stride, padding (numbers, lists, "same", "valid"), groups, dilation
local conv1 = nn.Conv1d(2, 4, 3)
assert(shape(conv1(tensor.randn(1, 2, 10))) == "1,4,8")
assert(shape(nn.Conv1d(2, 4, 3, {padding = "same"})(tensor.randn(1, 2, 10))) == "1,4,10")
assert(shape(nn.Conv1d(2, 4, 5, {stride = 2, padding = 2})(tensor.randn(1, 2, 10))) == "1,4,5")
assert(shape(nn.Conv1d(4, 4, 3, {groups = 2, bias = false}):get_parameter("weight")) == "4,2,3")
assert(shape(nn.Conv1d(2, 2, 3, {dilation = 2, padding = "same"})(tensor.randn(1, 2, 9))) == "1,2,9")
local conv2 = nn.Conv2d(3, 8, {3, 5}, {stride = {1, 2}, padding = {1, 2}})
assert(shape(conv2:get_parameter("weight")) == "8,3,3,5")
assert(shape(conv2(tensor.randn(2, 3, 6, 10))) == "2,8,6,5")
assert(shape(nn.Conv2d(3, 4, 16, {stride = 16, padding = "valid"})(tensor.randn(1, 3, 32, 32))) == "1,4,2,2")
-- a 1×1 convolution is a Linear over channels
local pointwise = nn.Conv2d(3, 2, 1)
local image = tensor.randn(1, 3, 2, 2)
local by_hand = pointwise:get_parameter("weight"):view(2, 3):matmul(image:view(3, 4)) + pointwise:get_parameter("bias"):view(2, 1)
assert(close(pointwise(image):view(2, 4), by_hand))

-- Norms: normalised statistics, affine parameters at 1 and 0
local ln = nn.LayerNorm(6)
local y = ln(tensor.randn(4, 6) * 3 + 2)
assert(y:mean(-1):abs():max():item() < 1e-5 and close(y:var(-1, {correction = 0}), tensor.ones(4), 1e-3))
assert(nn.LayerNorm({2, 3}, {elementwise_affine = false}):num_parameters() == 0)
assert(shape(nn.LayerNorm({2, 3}, {eps = 1e-6})(tensor.randn(5, 2, 3))) == "5,2,3")
local gn = nn.GroupNorm(2, 4)
assert(shape(gn(tensor.randn(3, 4, 5))) == "3,4,5" and gn:num_parameters() == 8)

-- Embedding: 0-based int64 ids; padding_idx starts at zero and never trains
local emb = nn.Embedding(10, 3, {padding_idx = 0})
local ids = tensor{{0, 2, 9}, {9, 0, 1}}
local e = emb(ids)
assert(shape(e) == "2,3,3")
assert(close(e[1][2], emb:get_parameter("weight")[3], 0), "id 2 is row 3 of the table")
assert(e[1][1]:abs():sum():item() == 0)
e:sum():backward()
assert(emb:get_parameter("weight").grad[1]:abs():sum():item() == 0, "the padding row gets no gradient")
assert(emb:get_parameter("weight").grad[10]:sum():item() == 6, "id 9 appears twice, 3 wide")
assert(tostring(nn.Embedding(5, 2, {padding_idx = -1})):find("padding_idx=4"), "a negative padding_idx counts from the end")

-- Dropout: active in training mode only, scaling the kept values
local dropout = nn.Dropout(0.5)
assert(dropout.training)
local ones = tensor.ones(1000)
local dropped = dropout(ones)
local kept = dropped:gt(0):sum():item()
assert(kept > 400 and kept < 600 and dropped:max():item() == 2)
dropout:eval()
assert(close(dropout(ones), ones, 0))
assert(nn.Dropout{p = 0.1}(ones):numel() == 1000 and tostring(nn.Dropout()):find("p=0.5"))

-- Activations
local v = tensor{-1.0, 0.0, 2.0}
assert(close(nn.ReLU()(v), tensor{0, 0, 2}, 0))
assert(close(nn.GELU()(v), v:gelu()) and close(nn.GELU{approximate = "tanh"}(v), v:gelu{approximate = "tanh"}))
assert(close(nn.Tanh()(v), v:tanh()) and close(nn.Sigmoid()(v), v:sigmoid()))

-- Sequential: a table or arguments, children 0, 1, … (s[i] is the i-th), parameters in order
local mlp = nn.Sequential{nn.Linear(4, 8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 2)}
assert(#mlp == 4 and mlp[1]:num_parameters() == 40 and mlp[-1]:num_parameters() == 18)
local names = {}
for name in mlp:named_parameters() do names[#names + 1] = name end
assert(table.concat(names, " ") == "0.weight 0.bias 3.weight 3.bias", table.concat(names, " "))
mlp:eval()
assert(close(mlp(x), mlp[4](mlp[2](mlp[1](x)))))
assert(#nn.Sequential(nn.ReLU(), nn.Tanh()) == 2 and #nn.Sequential() == 0)
assert(close(nn.Sequential{}(x), x, 0), "an empty Sequential is the identity")
assert(tostring(mlp):find("├─ 0: Linear%(in=4, out=8%)  40"))
assert(#mlp:children() == 4 and mlp:get_submodule("3") ~= nil)

-- MultiheadAttention: PyTorch's layout ([L, B, D] unless batch_first) and masks
tensor.seed(3)
local mha = nn.MultiheadAttention(8, 2)
assert(shape(mha:get_parameter("in_proj_weight")) == "24,8" and mha:get_submodule("out_proj") ~= nil)
local q, kv = tensor.randn(5, 2, 8), tensor.randn(4, 2, 8)   -- [L, B, D]
local out = mha(q, kv, kv)
assert(shape(out) == "5,2,8")
local first = nn.MultiheadAttention(8, 2, {batch_first = true})
first:load_state_dict(mha:state_dict())
assert(close(first(q:transpose(1, 2), kv:transpose(1, 2), kv:transpose(1, 2)):transpose(1, 2), out))
-- a masked key changes nothing when its value is changed; a bool mask equals its additive form
local padding = tensor{{false, false, false, true}, {false, false, false, false}}
local masked = mha(q, kv, kv, {key_padding_mask = padding})
local changed = kv:clone()
changed[4] = tensor.randn(2, 8)                     -- key 4 of both items
local again = mha(q, changed, changed, {key_padding_mask = padding})
assert(close(masked:select(2, 1), again:select(2, 1)), "item 1 ignores its padded key")
assert(not close(masked:select(2, 2), again:select(2, 2)), "item 2 still sees key 4")
local additive = tensor.zeros(2, 4):masked_fill(padding, -1e9)
assert(close(mha(q, kv, kv, {key_padding_mask = additive}), masked))
local causal = tensor.ones(5, 4):bool()
for i = 1, 5 do for j = 1, 4 do if j <= i then causal[i][j] = false end end end
assert(shape(mha(q, kv, kv, {attn_mask = causal, key_padding_mask = padding})) == "5,2,8")
assert(tostring(mha):find("batch_first=false"))

-- TransformerEncoderLayer: PyTorch's children, layouts and masks
local encoder = nn.TransformerEncoderLayer(8, 2, {dim_feedforward = 16, dropout = 0, batch_first = true})
local names2 = {}
for name in encoder:named_parameters() do names2[#names2 + 1] = name end
assert(table.concat(names2, " ") == "self_attn.in_proj_weight self_attn.in_proj_bias self_attn.out_proj.weight "
    .. "self_attn.out_proj.bias linear1.weight linear1.bias linear2.weight linear2.bias norm1.weight norm1.bias "
    .. "norm2.weight norm2.bias", table.concat(names2, " "))
local src = tensor.randn(2, 6, 8)
assert(shape(encoder(src)) == "2,6,8")
local pad = tensor.zeros(2, 6):bool()
pad[1][6] = true
local with_mask = encoder(src, {src_key_padding_mask = pad})
assert(close(with_mask[2], encoder(src)[2]), "an unpadded item is unchanged")
local seq_first = nn.TransformerEncoderLayer(8, 2, {dim_feedforward = 16, dropout = 0, norm_first = true, activation = "gelu"})
seq_first:load_state_dict(encoder:state_dict())
assert(shape(seq_first(src:transpose(1, 2), {src_mask = tensor.zeros(6, 6)})) == "6,2,8")

print("nn_layers.lua ok")
