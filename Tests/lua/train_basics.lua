-- optim, train and plot from Lua: optimizers and schedules against hand-computed values, the
-- metrics, and a trainer fitting a model written in Lua (the seam the nn library's models use:
-- forward, parameters, state_dict, train/eval).

local function close(a, b, tol) return math.abs(a - b) <= (tol or 1e-6) end

-- optim.SGD: p <- p - lr * g; momentum keeps a buffer; zero_grad drops the grads.
local p = tensor{1.0, 2.0}:requires_grad()
local sgd = optim.SGD({p}, {lr = 0.1, momentum = 0.9})
assert(sgd.lr == 0.1 and tostring(sgd) == "SGD(lr=1.00e-01; 1 parameters)")
p:sum():backward()
sgd:step()
assert(close(p[1]:item(), 0.9) and close(p[2]:item(), 1.9))
sgd:zero_grad()
assert(p.grad == nil)
p:sum():backward()
sgd:step()  -- buffer 0.9 * 1 + 1 = 1.9: p = 0.9 - 0.19
assert(close(p[1]:item(), 0.71, 1e-6))
sgd.lr = 0.5
assert(sgd.lr == 0.5)

-- groups with their own options; AdamW's default weight decay is 0.01
local a, b = tensor.ones(3):requires_grad(), tensor.ones(2):requires_grad()
local adamw = optim.AdamW({{params = {a}, lr = 0.1}, {params = {b}, weight_decay = 0}}, {lr = 0.01, betas = {0.8, 0.99}})
assert(adamw.lrs[1] == 0.1 and adamw.lrs[2] == 0.01 and #adamw.params == 2)
a:sum():backward(); b:sum():backward()
adamw:step()
-- first Adam step moves by lr (bias-corrected m / sqrt(v) = 1); AdamW decays a by lr * 0.01 first
assert(close(a[1]:item(), 1 * (1 - 0.1 * 0.01) - 0.1, 1e-6), a[1]:item())
assert(close(b[1]:item(), 1 - 0.01, 1e-6), b[1]:item())

-- clip_grad_norm returns the norm before clipping and scales the grads to max_norm
local g = tensor{3.0, 4.0}:requires_grad()
local half_square = (g * g / 2):sum()
half_square:backward()  -- grad = g = (3, 4), norm 5
assert(close(optim.clip_grad_norm({g}, 1), 5, 1e-5))
assert(close(g.grad[1]:item(), 0.6, 1e-5) and close(g.grad[2]:item(), 0.8, 1e-5))

-- schedules: a warmup starts at 0; cosine reaches min_lr at total
local w = tensor.zeros(1):requires_grad()
local opt = optim.SGD({w}, {lr = 1.0})
local cosine = optim.cosine(opt, {warmup = 2, total = 6, min_lr = 0.1})
assert(opt.lr == 0 and cosine.last_step == 0)
local rates = {}
for i = 1, 6 do cosine:step(); rates[i] = opt.lr end
assert(close(rates[1], 0.5) and close(rates[2], 1.0) and close(rates[6], 0.1), table.concat(rates, " "))
assert(close(cosine:get_last_lr()[1], 0.1) and cosine.lr == opt.lr)
local linear = optim.linear(optim.SGD({w}, {lr = 1.0}), {total = 4})
linear:step()
assert(close(linear.lr, 0.75))
local decay = optim.step(optim.SGD({w}, {lr = 1.0}), {step_size = 2, gamma = 0.5})
decay:step(); decay:step()
assert(close(decay.lr, 0.5))
assert(close(optim.constant(optim.SGD({w}, {lr = 2.0}), {warmup = 4}).lr, 0))

-- metrics
local scores = tensor{{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}, {0.3, 0.7}}
local labels = tensor({0, 1, 1, 1}, {dtype = "int64"})
assert(close(train.accuracy(scores, labels), 0.75))
assert(close(train.f1(scores, labels), (2 / 3 + 0.8) / 2))
assert(train.confusion(scores, labels):totable()[2][1] == 1)
assert(train.confusion(scores, labels, {classes = 3}):size(1) == 3)
assert(close(train.top_k_accuracy(scores, labels, 2), 1))
local similarity = tensor{{0.9, 0.1, 0.0}, {0.2, 0.1, 0.8}, {0.0, 0.3, 0.7}}
assert(close(train.recall_at_k(similarity, 1), 2 / 3))
local recall = train.recall_at_k(similarity, {1, 3})  -- query 2 finds its match third
assert(close(recall[1], 2 / 3) and close(recall[2], 1))

-- A Lua model: a linear classifier. (No dropout: other tests draw from the shared generator in
-- parallel, so runs compared here must not depend on it; TrainTests cover dropout with a
-- generator of their own.)
local Model = {}
Model.__index = Model
function Model.new()
  local m = setmetatable({training = true, modes = {}}, Model)
  m.w = (tensor.randn(3, 4) * 0.1):requires_grad()
  m.b = tensor.zeros(3):requires_grad()
  return m
end
function Model:parameters() return {self.w, self.b} end
function Model:state_dict() return {["head.weight"] = self.w, ["head.bias"] = self.b} end
function Model:train() self.training = true; self.modes[#self.modes + 1] = "train" end
function Model:eval() self.training = false; self.modes[#self.modes + 1] = "eval" end
function Model:forward(batch)
  local logits = batch.inputs:matmul(self.w:t()) + self.b
  local loss = -(logits:log_softmax(2):gather(2, batch.labels:unsqueeze(2))):mean()
  return {logits = logits, loss = loss}
end

-- Three blobs in 4-D: class c is shifted along axis c.
local function blobs(n, size, seed)
  tensor.seed(seed)
  local list = {}
  for i = 1, n do
    local ids, shift = {}, {}
    for j = 1, size do
      ids[j] = (j - 1) % 3
      shift[j] = {0, 0, 0, 0}
      shift[j][ids[j] + 1] = 2
    end
    list[i] = {inputs = tensor.randn(size, 4) * 0.7 + tensor(shift), labels = tensor(ids, {dtype = "int64"}), note = "batch " .. i}
  end
  return list
end
local train_batches, val_batches = blobs(10, 8, 2), blobs(3, 10, 3)

local function make(extra)
  tensor.seed(5)
  local model = Model.new()
  local opt = optim.AdamW(model:parameters(), {lr = 0.05})
  local spec = {model = model, optimizer = opt, scheduler = optim.cosine(opt, {warmup = 3, total = 30}),
                train = train_batches, val = val_batches, grad_clip = 1.0, log_every = 0}
  for k, v in pairs(extra or {}) do spec[k] = v end
  return train.Trainer(spec), model
end

local steps, epochs, validations = 0, {}, 0
local dir = scratch .. "/basics"
local tr, model = make{
  dir = dir, classes = {"left", "middle", "right"},
  on_step = function(t, info) steps = steps + 1; assert(info.step == t.global_step and info.lr >= 0) end,
  on_epoch = function(t, info) epochs[#epochs + 1] = info.epoch; assert(info.val.accuracy) end,
  on_validate = function(t, metrics) validations = validations + 1 end,
}
assert(tostring(tr) == "Trainer(LuaModel, AdamW, 0 epochs, 0 steps)")
local loss = tr:step()
assert(type(loss) == "number" and tr.global_step == 1)
local metrics = tr:fit{epochs = 3}
assert(metrics.accuracy >= 0.9 and metrics.f1 > 0.85 and metrics.loss < 0.5, metrics.accuracy)  -- chance: 1/3
assert(metrics.confusion:dtype() == "int64" and metrics.confusion:sum():item() == 30)
assert(steps == 30 and #epochs == 3 and epochs[3] == 3 and validations == 3)
assert(tr.global_step == 30 and tr.epochs_done == 3 and tr.metrics.accuracy == metrics.accuracy)
local history = tr.history
assert(#history.train == 30 and #history.val == 3 and #history.skipped == 0)
assert(history.train[30].step == 30 and history.train[30].epoch == 3 and history.val[3].epoch == 3)
assert(history.val[1].loss > history.val[3].loss)
-- the model was put in eval mode for each validation, and back in train mode for the steps
assert(model.modes[1] == "train" and model.modes[2] == "eval" and model.modes[3] == "train")
assert(tr.optimizer.lr == tr.scheduler.lr and tr.dir == dir)

-- a callback returning false stops the fit; fit counts all epochs of the run
local stopper = make{on_step = function(t, info) if info.step == 4 then return false end end}
assert(stopper:fit{epochs = 2} == nil and stopper.global_step == 4)
stopper:fit{epochs = 1}
assert(stopper.global_step == 10 and stopper.epochs_done == 1)

-- the same parts give the same run; the loss function may return the outputs for the metrics
local again = make{loss = function(m, batch)
  assert(batch.note)  -- the batch table reaches the loss function as given
  local out = m:forward(batch)
  return out.loss, out
end}
again:fit{epochs = 3}
for i = 1, 30 do assert(again.history.train[i].loss == history.train[i].loss) end
assert(again.metrics.accuracy == metrics.accuracy)

-- charts
local files = tr:plot("loss")
assert(files[1] == dir .. "/loss.svg" and files[2] == dir .. "/loss.png")
assert(tr:plot("confusion")[2] == dir .. "/confusion.png")
assert(tr:plot("accuracy", {path = dir .. "/acc.png"})[1] == dir .. "/acc.png")
assert(#plot.line({train = {3, 2, 1.5}, val = {x = {1, 3}, y = {2.5, 1.8}}}, {path = dir .. "/line", title = "t"}) == 2)
assert(plot.line({{name = "a", y = {1, 2}}, {name = "b", x = {1, 2}, y = {2, 1}}}, {path = dir .. "/two.svg"})[1] == dir .. "/two.svg")
assert(plot.confusion(metrics.confusion, {path = dir .. "/cm.png", classes = {"l", "m", "r"}})[1] == dir .. "/cm.png")
assert(plot.frames(tensor.rand(5, 3, 16, 24), dir .. "/frames.png", {columns = 3}) == dir .. "/frames.png")
local f = io.open(dir .. "/metrics.jsonl")
local lines = 0
for _ in f:lines() do lines = lines + 1 end
f:close()
assert(lines == 33, lines)

print("train_basics.lua ok")
