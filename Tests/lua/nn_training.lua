-- Training from Lua by hand: forward, loss:backward(), then plain SGD on m:parameters() —
-- the loss goes down, and frozen parameters stay as they were.

-- p ← p − lr·∇p for every parameter that has a gradient, written in place through p:detach(),
-- which shares p's memory (the tensor library writes row by row, t[i] = v), then the gradients
-- are cleared.
local function sgd_step(m, lr)
    for _, p in ipairs(m:parameters()) do
        local grad = p.grad
        if grad then
            local data, new = p:detach(), p:detach() - grad * lr
            for i = 1, #data do data[i] = new[i] end
        end
    end
    m:zero_grad()
end

tensor.seed(0)

-- An MLP on a separable two-class problem, with cross-entropy
local x = tensor.randn(64, 2)
local labels = x:sum(2):gt(0):long()          -- class 1 when x1 + x2 > 0 (0-based labels)
local mlp = nn.Sequential{nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2)}
local first, last
for step = 1, 60 do
    local loss = nn.cross_entropy(mlp(x), labels)
    loss:backward()
    sgd_step(mlp, 0.5)
    first = first or loss:item()
    last = loss:item()
end
assert(last < 0.5 * first, ("MLP loss %.3f -> %.3f"):format(first, last))
local accuracy = mlp(x):argmax(2):eq(labels):float():mean():item()
assert(accuracy > 0.9, "accuracy " .. accuracy)

-- A tiny ViT classifier on its own loss (labels in the batch), backbone frozen but its last layer
local vit = nn.ViT{image_size = 16, patch_size = 8, hidden_size = 16, num_hidden_layers = 2, num_attention_heads = 2,
                   intermediate_size = 32, num_labels = 3}
local classes = tensor{0, 1, 2, 0, 1, 2}
local images = tensor.randn(6, 3, 16, 16) + classes:float():view(6, 1, 1, 1) * 2   -- brighter by class
local batch = {pixel_values = images, labels = classes,
               text = {"a", "b", "c", "d", "e", "f"}, id = {"1", "2", "3", "4", "5", "6"}}   -- loader-style extras
vit:freeze("vit")
vit:unfreeze("vit.encoder.layer.1")
local frozen = vit:get_parameter("vit.encoder.layer.0.output.dense.weight"):clone()
local trained = vit:get_parameter("vit.encoder.layer.1.output.dense.weight"):clone()
first = nil
for step = 1, 40 do
    local out = vit(batch)
    out.loss:backward()
    assert(vit:get_parameter("vit.encoder.layer.0.output.dense.weight").grad == nil, "a frozen parameter gets no gradient")
    sgd_step(vit, 0.05)
    first = first or out.loss:item()
    last = out.loss:item()
end
assert(last < 0.7 * first, ("ViT loss %.3f -> %.3f"):format(first, last))
assert((vit:get_parameter("vit.encoder.layer.0.output.dense.weight") - frozen):abs():max():item() == 0)
assert((vit:get_parameter("vit.encoder.layer.1.output.dense.weight") - trained):abs():max():item() > 0)

-- eval mode and no_grad for inference: no graph is kept
vit:eval()
local logits = tensor.no_grad(function() return vit(batch).logits end)
assert(logits:grad_fn() == nil and logits:argmax(2):dtype() == "int64")

print("nn_training.lua ok")
