-- The nn losses against PyTorch's values (Tests/Fixtures/tensor/ops.safetensors, written by
-- scripts/reference/tensor.py) and their definitions.

local r = tensor.load(fixtures .. "tensor/ops.safetensors")
local function near(a, b, tolerance)
    local scale = math.max(b:abs():max():item(), 1e-12)
    return (a - b):abs():max():item() / scale < (tolerance or 1e-5)
end

-- cross-entropy with 0-based labels, label smoothing and ignore_index
assert(near(nn.cross_entropy(r.logits, r.labels), r.ce))
assert(near(nn.cross_entropy(r.logits, r.labels, {label_smoothing = 0.2}), r.ce_smooth))
local logits = tensor{{2.0, 0.5, -1.0}, {0.1, 0.2, 0.3}}
local by_hand = -(logits[1]:log_softmax(1)[1] + logits[2]:log_softmax(1)[3]) / 2   -- classes 0 and 2
assert(near(nn.cross_entropy(logits, tensor{0, 2}), by_hand))
assert(near(nn.cross_entropy(logits, tensor{0, -100}), -logits[1]:log_softmax(1)[1]), "-100 is ignored")
assert(near(nn.cross_entropy(logits, tensor{0, 1}, {ignore_index = 1}), -logits[1]:log_softmax(1)[1]))
-- class axis 2 of [N, C, d]: per-position labels, as PyTorch
assert(nn.cross_entropy(tensor.randn(2, 3, 4), tensor.zeros(2, 4, {dtype = "int64"})):dim() == 0)

-- binary cross-entropy on logits, mean squared error
assert(near(nn.bce_with_logits(r.bce_x, r.bce_y), r.bce))
local p, t = tensor{1.0, 2.0, 4.0}, tensor{1.0, 0.0, 2.0}
assert(near(nn.mse(p, t), tensor(8 / 3)))   -- (0 + 4 + 4) / 3

-- CLIP's contrastive loss: the mean of cross-entropies over rows and columns of the scaled
-- cosine similarities, diagonal targets; logit_scale is the log of the scale
local a, b = tensor.randn(4, 3), tensor.randn(4, 3)
local sims = (a / a:norm(2, {keepdim = true})):matmul((b / b:norm(2, {keepdim = true})):t()) * math.exp(2)
local targets = tensor.arange(4)
local expected = (nn.cross_entropy(sims, targets) + nn.cross_entropy(sims:t(), targets)) / 2
assert(near(nn.contrastive(a, b, 2), expected))
local scale = tensor(2.0):requires_grad()
local loss = nn.contrastive(a, b, scale)
assert(near(loss, expected))
loss:backward()
assert(scale.grad ~= nil, "the scale is learnt through the loss")

-- CTC with PyTorch's arguments: mean and sum reductions, lengths as lists or tensors, its gradient
assert(near(nn.ctc(r.ctc_log_probs, r.ctc_targets, {12, 9}, {4, 2}), r.ctc_loss))
local ctc_logits = r.ctc_logits:clone():requires_grad()
local sum = nn.ctc(ctc_logits:log_softmax(3), r.ctc_targets, tensor{12, 9}, tensor{4, 2}, {reduction = "sum"})
assert(near(sum, r.ctc_loss_sum))
sum:backward()
assert(near(ctc_logits.grad, r.ctc_logits_grad, 1e-4))
assert(nn.ctc(r.ctc_log_probs, r.ctc_targets, {12, 9}, {4, 2}, {reduction = "none"}):numel() == 2)

print("nn_losses.lua ok")
