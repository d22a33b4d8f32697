-- Every misuse of optim, train and plot is a Lua error that says what is wrong: the function and
-- argument for bad arguments, the step for a NaN loss, the user's own line for an error in a
-- loss function. Each row: code, and the exact message.
local Model = {}
Model.__index = Model
function Model.new(classes)
  local m = setmetatable({}, Model)
  m.w = (tensor.randn(classes, 4) * 0.1):requires_grad()
  return m
end
function Model:parameters() return {self.w} end
function Model:forward(batch)
  local logits = batch.inputs:matmul(self.w:t())
  if self.logits_only then return {logits = logits} end
  return {logits = logits, loss = -(logits:log_softmax(2):gather(2, batch.labels:unsqueeze(2))):mean()}
end

local batch = {inputs = tensor.randn(4, 4), labels = tensor({0, 1, 2, 2}, {dtype = "int64"})}
local m = Model.new(3)
local opt = optim.AdamW(m:parameters())
local narrow = Model.new(2)  -- a head too small for the labels 0..2
narrow.logits_only = true
local env = setmetatable({m = m, opt = opt, batch = batch, narrow = narrow, Model = Model}, {__index = _G})

-- A trainer over `m` with `extra` options, for the rows below; errors it raises read "[T]:1:".
env.T = load([[return function(extra) local spec = {model = m, optimizer = opt, train = {batch}}; ]]
  .. [[for k, v in pairs(extra or {}) do spec[k] = v end; return train.Trainer(spec) end]], "=[T]", "t", env)()

local cases = {
  {"optim.Adam({})", "[c]:1: bad argument #1 to 'optim.Adam' (Adam: got an empty parameter list)"},
  {"optim.SGD({1})", "[c]:1: bad argument #1 to 'optim.SGD' (entry 1 must be a Tensor, got number)"},
  {"optim.SGD(m)", "[c]:1: bad argument #1 to 'optim.SGD' (list of tensors or of parameter groups expected, got table)"},
  {"optim.AdamW(m:parameters(), {lr = -1})", "[c]:1: bad argument #2 to 'optim.AdamW' (Adam: invalid learning rate -1.0 (must be >= 0))"},
  {"optim.AdamW(m:parameters(), {betas = {0.9}})", "[c]:1: bad argument #2 to 'optim.AdamW' (option 'betas': two numbers {beta1, beta2} expected)"},
  {"optim.AdamW(m:parameters(), {lr = 'x'})", "[c]:1: bad argument #2 to 'optim.AdamW' (option 'lr': number expected, got string)"},
  {"optim.AdamW(m:parameters(), {momentum = 0.9})", "[c]:1: bad argument #2 to 'optim.AdamW' (unknown option 'momentum'; valid options: amsgrad, betas, eps, lr, maximize, weight_decay)"},
  {"optim.SGD({{params = {m.w}, moment = 1}})", "[c]:1: bad argument #1 to 'optim.SGD' (SGD: unknown option 'moment' (expected one of lr, momentum, dampening, weight_decay, nesterov, maximize))"},
  {"optim.SGD({{lr = 1}})", "[c]:1: bad argument #1 to 'optim.SGD' (parameter group 1: a table {params={...}, lr=, ...} expected)"},
  {"optim.SGD(m:parameters(), {nesterov = true})", "[c]:1: bad argument #2 to 'optim.SGD' (SGD: Nesterov momentum requires a momentum and zero dampening)"},
  {"optim.cosine(opt, {})", "[c]:1: bad argument #2 to 'optim.cosine' (option 'total' is required)"},
  {"optim.cosine(opt, {total = 2, warmup = 5})", "[c]:1: bad argument #2 to 'optim.cosine' (schedule: total (2) must be at least warmup (5))"},
  {"optim.cosine(m, {total = 2})", "[c]:1: bad argument #1 to 'optim.cosine' (Optimizer expected, got table)"},
  {"optim.step(opt, {step_size = 0})", "[c]:1: bad argument #2 to 'optim.step' (schedule: step size must be > 0, got 0)"},
  {"optim.clip_grad_norm(m:parameters(), -1)", "[c]:1: bad argument #2 to 'optim.clip_grad_norm' (max_norm must be >= 0, got -1.0)"},
  {"opt.lr = -1", "[c]:1: bad argument #3 to 'Optimizer.__newindex' (learning rate must be >= 0, got -1.0)"},

  {"train.Trainer()", "[c]:1: bad argument #1 to 'train.Trainer' (table {model=, optimizer=, train=, ...} expected, got no value)"},
  {"train.Trainer{}", "[c]:1: bad argument #1 to 'train.Trainer' (optimizer= must be an Optimizer (optim.AdamW(...)), got nil)"},
  {"train.Trainer{optimizer = opt}", "[c]:1: bad argument #1 to 'train.Trainer' (model= is required)"},
  {"train.Trainer{model = m, optimizer = opt}", "[c]:1: bad argument #1 to 'train.Trainer' (train= (the training data) is required)"},
  {"T{train = 5}", "[T]:1: bad argument #1 to 'train.Trainer' (train= must be a data.loader, a list of batch tables, or a function returning an iterator; got number)"},
  {"T{val = setmetatable({}, {})}", "train.Trainer: val= must be a data.loader, a list of batch tables, or a function returning an iterator"},
  {"T{epochs = 3}", "[T]:1: bad argument #1 to 'train.Trainer' (unknown option 'epochs'; valid options: accumulate, classes, dir, grad_clip, keep_best, log_every, loss, metrics, min_delta, mode, model, monitor, on_epoch, on_nan, on_step, on_validate, optimizer, patience, progress, recall_at, save_every, scheduler, seed, train, val)"},
  {"T{model = 5}", "[T]:1: bad argument #1 to 'train.Trainer' (model= must be an nn model or a table with forward and parameters methods, got number)"},
  {"T{loss = 5}", "[T]:1: bad argument #1 to 'train.Trainer' (loss= must be a function(model, batch) returning the loss, got number)"},
  {"T{on_step = 5}", "[T]:1: bad argument #1 to 'train.Trainer' (on_step= must be a function, got number)"},
  {"T{optimizer = optim.SGD({tensor.zeros(2):requires_grad()})}", "[T]:1: Trainer: the optimizer updates none of LuaModel's parameters (was it made for another model? build it over model:parameters())"},
  {"T{on_nan = 'ignore'}", "[T]:1: bad argument #1 to 'train.Trainer' (option 'on_nan': expected one of \"error\", \"skip\", got \"ignore\")"},
  {"T{metrics = {'bleu'}}", "[T]:1: Trainer: unknown metric 'bleu' (expected accuracy, f1, confusion, top<k> such as top5, or recall)"},
  {"T{keep_best = true}", "[T]:1: Trainer: keep_best and save_every need a run folder: set dir="},
  {"T{accumulate = 0}", "[T]:1: Trainer: accumulate must be >= 1, got 0"},
  {"T():fit{}", "[c]:1: bad argument #1 to 'Trainer:fit' (option 'epochs' (an integer >= 1) is required: {epochs=n})"},
  {"T():validate()", "[c]:1: validate: the trainer has no validation data (give it val=)"},
  {"T():save()", "[c]:1: save: give a path, or give the trainer a run folder (dir=)"},
  {"T():plot('loss')", "[c]:1: plot: give a path, or give the trainer a run folder (dir=)"},
  {"T():plot('loss', {path = '/tmp/x'})", "[c]:1: plot: nothing to draw for 'loss' yet; train first"},

  -- the loss
  {"T{loss = function(model, b) return model:forward(b).logits end}:step()", "[c]:1: Trainer: the loss must be a float scalar, got a float32 tensor of shape [4, 3]; reduce it to one number (mean or sum)"},
  {"T{loss = function(model, b) return 1 end}:step()", "[c]:1: train: the loss function returned number; it must return the loss tensor (and, for metrics, the model's outputs)"},
  {"T{loss = function(model, b) return model:forward(b).loss:detach() end}:step()", "[c]:1: Trainer: the loss does not require grad, so nothing would learn: it depends on no trainable parameter (is the model frozen, or was the loss made from detached tensors?)"},
  {"T{loss = function(model, b) return model:forward(b).loss * (0/0) end}:step()", "[c]:1: Trainer: the loss is nan at step 1 (epoch 1, batch 1/1); lower the learning rate, clip the gradients (grad_clip=), or skip such batches with on_nan=\"skip\""},
  {"T{loss = function(model, b)\n  local x = nil\n  return x.y\nend}:step()", "[c]:3: attempt to index a nil value (local 'x')\nin the trainer:\n\t[c]:3: in function <[c]:1>"},
  -- labels against the head
  {"T{model = narrow, optimizer = optim.SGD(narrow:parameters()), loss = function(model, b) local out = model:forward(b); return out.logits:mean(), out end}:step()", "[c]:1: Trainer: the batch has label 2, but LuaModel's classification head has 2 classes (its logits have 2 columns, class ids 0..1); build the model with num_labels = the dataset's class count"},
  -- the data
  {"T{train = {5}}:step()", "[c]:1: train: the train data gave a number where a batch table was expected"},
  {"T{train = {}}:step()", "[c]:1: Trainer: the training data has no batches"},
  {"train.resume('/nonexistent', {model = m, optimizer = opt, train = {batch}})", "[c]:1: resume: /nonexistent is not a checkpoint folder (it does not exist)"},
  {"train.resume('/tmp')", "[c]:1: bad argument #2 to 'train.resume' (table {model=, optimizer=, train=, ...} (the parts of the saved run) expected, got no value)"},

  -- metrics and plots
  {"train.accuracy(tensor{1}, tensor{1, 2})", "[c]:1: bad argument #1 to 'train.accuracy' (accuracy: 1 predictions for 2 labels)"},
  {"train.recall_at_k(tensor.zeros(3, 2), 1)", "[c]:1: bad argument #1 to 'train.recall_at_k' (recall_at_k: similarity must be [queries, items] with at least one query and no more queries than items, got [3, 2])"},
  {"plot.line({}, {path = '/tmp/x'})", "[c]:1: bad argument #1 to 'plot.line' (no series to draw)"},
  {"plot.line({a = {1, 'x'}}, {path = '/tmp/x'})", "[c]:1: bad argument #1 to 'plot.line' (series 'a': list of numbers expected, found a string)"},
  {"plot.line({a = {1, 2}})", "[c]:1: bad argument #2 to 'plot.line' (option 'path' is required (where to write the chart))"},
  {"plot.confusion(tensor.zeros(2, 2), {path = '/tmp/x'})", "[c]:1: bad argument #1 to 'plot.confusion' (confusion matrix expected (int64 [C, C]), got float32 [2, 2])"},
}

for _, case in ipairs(cases) do
  local code, expected = case[1], case[2]
  local ok, message = pcall(load(code, "=[c]", "t", env))
  assert(not ok, "no error from: " .. code)
  assert(message == expected, "\n" .. code .. "\n  expected: " .. expected .. "\n  got:      " .. tostring(message))
end

-- On a NaN loss the batch is consumed and the trainer goes on; on_nan="skip" only counts it.
local calls = 0
local function sometimes_nan(model, b)
  calls = calls + 1
  local loss = model:forward(b).loss
  if calls == 2 then loss = loss * (0 / 0) end
  return loss
end
local tr = env.T{train = {batch, batch, batch}, loss = sometimes_nan, on_nan = "skip"}
tr:fit{epochs = 1}
assert(tr.global_step == 2 and #tr.history.skipped == 1 and tr.history.skipped[1] == 2)

print("train_errors.lua ok")
