-- Checkpoints from Lua: a run stopped mid-epoch and mid-accumulation, saved, and resumed by a
-- fresh trainer from the same parts ends with exactly the parameters and history of a run that
-- was never stopped.

local Model = {}
Model.__index = Model
function Model.new(hidden)
  tensor.seed(5)
  local m = setmetatable({}, Model)
  m.w1 = (tensor.randn(hidden, 4) * 0.5):requires_grad()
  m.w2 = (tensor.randn(3, hidden) * 0.5):requires_grad()
  m.scale = tensor.ones(1)  -- a buffer: saved, not trained
  return m
end
function Model:parameters() return {self.w1, self.w2} end
function Model:state_dict() return {["encoder.weight"] = self.w1, ["head.weight"] = self.w2, scale = self.scale} end
function Model:forward(batch)
  local logits = batch.inputs:matmul(self.w1:t()):tanh():matmul(self.w2:t()) * self.scale
  return {logits = logits, loss = -(logits:log_softmax(2):gather(2, batch.labels:unsqueeze(2))):mean()}
end

local function blobs(n, size, seed)
  tensor.seed(seed)
  local list = {}
  for i = 1, n do
    local ids, shift = {}, {}
    for j = 1, size do
      ids[j] = (j + i) % 3
      shift[j] = {0, 0, 0, 0}
      shift[j][ids[j] + 1] = 1.5
    end
    list[i] = {inputs = tensor.randn(size, 4) + tensor(shift), labels = tensor(ids, {dtype = "int64"})}
  end
  return list
end
local train_batches, val_batches = blobs(7, 6, 1), blobs(2, 9, 2)

-- The parts of a run, made the same way each time.
local function parts(hidden, extra)
  local model = Model.new(hidden or 8)
  local opt = optim.Adam(model:parameters(), {lr = 0.03})
  local spec = {model = model, optimizer = opt, scheduler = optim.linear(opt, {warmup = 2, total = 20}),
                train = train_batches, val = val_batches, accumulate = 2, grad_clip = 0.5, log_every = 0}
  for k, v in pairs(extra or {}) do spec[k] = v end
  return spec
end

local function same(a, b) return (a - b):abs():max():item() == 0 end

local reference_parts = parts()
local reference = train.Trainer(reference_parts)
reference:fit{epochs = 3}

local folder = scratch .. "/resume/checkpoint"
local first_parts = parts(8, {on_step = function(t, info) if info.step == 5 then return false end end})
local first = train.Trainer(first_parts)
first:fit{epochs = 3}
first:step()  -- one batch of the next accumulation
assert(first.global_step == 5 and first.epochs_done == 1)
assert(first:save(folder) == folder)

local saved = tensor.load(folder .. "/model.safetensors")
assert(same(saved["encoder.weight"], first_parts.model.w1) and saved.scale ~= nil)
for _, name in ipairs{"trainer_state.json", "optimizer.safetensors", "gradients.safetensors"} do
  assert(io.open(folder .. "/" .. name), name)
end

local second_parts = parts()
local second = train.resume(folder, second_parts)
assert(second.global_step == 5 and second.epochs_done == 1 and #second.history.val == 1)
second:fit{epochs = 3}
assert(same(second_parts.model.w1, reference_parts.model.w1) and same(second_parts.model.w2, reference_parts.model.w2))
local a, b = second.history, reference.history
assert(#a.train == #b.train and #a.val == #b.val)
for i = 1, #b.train do assert(a.train[i].loss == b.train[i].loss and a.train[i].lr == b.train[i].lr) end
assert(a.val[3].loss == b.val[3].loss)

-- tr:resume continues in an existing trainer; a checkpoint of another model is refused whole.
local third_parts = parts()
local third = train.Trainer(third_parts):resume(folder)
assert(third.global_step == 5)
local other_parts = parts(6)
local other = train.Trainer(other_parts)
local before = other_parts.model.w1:clone()
local ok, message = pcall(other.resume, other, folder)
assert(not ok and message:find("was saved from a LuaModel, which does not fit this trainer's LuaModel: "
  .. "shapes differ: encoder.weight is [8, 4] there, [6, 4] here, head.weight is [3, 8] there, [3, 6] here", 1, true), message)
assert(same(other_parts.model.w1, before) and other.global_step == 0)

print("train_resume.lua ok")
