-- The Module methods every layer and model has: parameters, named_parameters, state_dict,
-- load_state_dict, train/eval, freeze/unfreeze, num_parameters, zero_grad, submodules, print.

local function keys(ordered)
    local list = {}
    for name in pairs(ordered) do list[#list + 1] = name end
    return table.concat(list, " ")
end

-- Whether a tensor requires grad, read from its header (t:requires_grad() would set it).
local function requires_grad(t) return tostring(t):match("^[^\n]*requires_grad") ~= nil end

tensor.seed(2)
local m = nn.ViT{image_size = 16, patch_size = 8, hidden_size = 8, num_hidden_layers = 2, num_attention_heads = 2,
                 intermediate_size = 16, num_labels = 3}

-- parameters(): a list in module order, the tensors themselves (they require grad)
local params = m:parameters()
local named = m:named_parameters()
assert(#params == 40)
local i = 0
for name, p in named do
    i = i + 1
    assert(requires_grad(p) and #params[i]:shape() == #p:shape() and (params[i] - p):abs():max():item() == 0, name)
end
assert(i == 40)
local order = keys(named)
assert(order:find("^vit%.embeddings%.cls_token vit%.embeddings%.position_embeddings vit%.embeddings%.patch_embeddings"))
assert(order:find("vit.encoder.layer.0.attention.attention.query.weight", 1, true) <
       order:find("vit.encoder.layer.1.attention.attention.query.weight", 1, true), "layer 0 before layer 1")
assert(order:find("classifier%.bias$"))
-- the table is an ordinary one too
assert(named["classifier.weight"]:shape()[1] == 3)
named.extra = tensor.zeros(1)
assert(keys(named):find(" extra$"), "keys added later come after the module's")

-- num_parameters, with and without frozen ones
local total = m:num_parameters()
local counted = 0
for _, p in ipairs(params) do counted = counted + p:numel() end
assert(total == counted)

-- freeze / unfreeze: requires_grad follows, counts are returned, the summary says it
assert(m:freeze("vit") == 38)
assert(not requires_grad(m:get_parameter("vit.encoder.layer.0.output.dense.weight")))
assert(requires_grad(m:get_parameter("classifier.weight")))
assert(m:num_parameters{trainable = true} == 27 and m:num_parameters{only_trainable = true} == 27)
assert(#m:parameters{trainable = true} == 2)
assert(m:unfreeze("vit.encoder.layer.1") == 16)
assert(requires_grad(m:get_parameter("vit.encoder.layer.1.output.dense.weight")))
assert(not requires_grad(m:get_parameter("vit.encoder.layer.0.output.dense.weight")))
assert(tostring(m):find("trainable"))
assert(m:freeze("*.bias") > 0 and not requires_grad(m:get_parameter("classifier.bias")))
assert(m:unfreeze() == 40 and m:num_parameters{trainable = true} == total)

-- train / eval: chaining, m.training on every submodule
assert(m.training)
assert(rawequal(m:eval(), m) and not m.training and not m:get_submodule("vit.encoder").training)
assert(m:train().training and m:get_submodule("classifier").training)
m:train(false)
assert(not m.training)

-- state_dict: detached tensors sharing memory, in order; load_state_dict copies in place
local sd = m:state_dict()
assert(keys(sd) == order:gsub(" extra$", ""))
assert(not requires_grad(sd["classifier.weight"]))
tensor.seed(9)
local other = nn.ViT{image_size = 16, patch_size = 8, hidden_size = 8, num_hidden_layers = 2, num_attention_heads = 2,
                     intermediate_size = 16, num_labels = 3}
local before = other:get_parameter("classifier.weight")
local report = other:load_state_dict(sd)
assert(#report.missing_keys == 0 and #report.unexpected_keys == 0)
assert((before - m:get_parameter("classifier.weight")):abs():max():item() == 0, "loading copies into the same tensors")
local x = tensor.randn(2, 3, 16, 16)
other:eval()
assert((other{pixel_values = x}.logits - m{pixel_values = x}.logits):abs():max():item() == 0)
-- a saved file loads back (tensor.save / tensor.load are safetensors)
tensor.save(scratch .. "/vit.safetensors", m:state_dict())
assert(#nn.Linear(2, 2):load_state_dict({}, {strict = false}).missing_keys == 2)
report = other:load_state_dict(tensor.load(scratch .. "/vit.safetensors"))
assert(#report.missing_keys == 0)
-- non-strict: reports what is missing and unexpected
local partial = {["classifier.weight"] = sd["classifier.weight"], ["head.weight"] = tensor.zeros(2)}
report = other:load_state_dict(partial, {strict = false})
assert(#report.missing_keys == 39 and report.unexpected_keys[1] == "head.weight")

-- zero_grad clears what backward accumulated
m:train()
m{pixel_values = x, labels = tensor{0, 2}}.loss:backward()
assert(m:get_parameter("classifier.weight").grad ~= nil)
m:zero_grad()
for _, p in ipairs(m:parameters()) do assert(p.grad == nil) end

-- submodules: by path, by position, as a list
local layer = m:get_submodule("vit.encoder.layer.1")
assert(layer:num_parameters() * 2 + m:get_submodule("vit.embeddings"):num_parameters()
    + m:get_submodule("vit.layernorm"):num_parameters() + m:get_submodule("classifier"):num_parameters() == total)
assert(#m == 2 and m[1]:num_parameters() == m:get_submodule("vit"):num_parameters() and #m:children() == 2)
assert(layer.config == nil and m.config.hidden_size == 8)

-- print(m): the tree with shapes and parameter counts
local text = tostring(m)
assert(text:find("^ViTForImageClassification%(3 classes%)  %d+ parameters"), text)
assert(text:find("0–1: 2 × ViTLayer"), text)
assert(text:find("cls_token %[1, 1, 8%]"), text)

print("nn_module.lua ok")
