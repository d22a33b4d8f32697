-- The trainer over data.loader: batches of the sample clips reach the loss function as the loader
-- makes them, and a run resumed from a checkpoint continues the shuffled loader exactly (through
-- its state_dict) — same parameters as a run never stopped.
local root = fixtures .. "../../examples/data/"
local ds = data.manifest(root .. "manifest.jsonl", {frames = 2, size = 32, crop = true})
local part = ds:split(0.05, {seed = 1})  -- 10 clips, 2 of each of 5 classes

-- Pixels straight into a linear layer: enough to see that it learns and resumes.
local Model = {}
Model.__index = Model
function Model.new()
  tensor.seed(3)
  return setmetatable({w = (tensor.randn(5, 2 * 3 * 32 * 32) * 0.1):requires_grad(), b = tensor.zeros(5):requires_grad()}, Model)
end
function Model:parameters() return {self.w, self.b} end
function Model:forward(batch)
  local x = batch.pixel_values:reshape(batch.pixel_values:size(1), -1) / 78  -- ~unit norm for 6144 values
  return {logits = x:matmul(self.w:t()) + self.b}
end

local texts = 0
local function loss(model, batch)
  texts = texts + #batch.text  -- the loader's batch table, text and ids included
  local out = model:forward(batch)
  return -(out.logits:log_softmax(2):gather(2, batch.labels:unsqueeze(2))):mean(), out
end

local function parts(extra)
  local model = Model.new()
  local spec = {model = model, optimizer = optim.Adam(model:parameters(), {lr = 0.02}), loss = loss,
                train = data.loader(part, {batch = 4, shuffle = true, seed = 4}), log_every = 0,
                val = data.loader(part, {batch = 5}), classes = ds:classes()}  -- validating on the training clips
  for k, v in pairs(extra or {}) do spec[k] = v end
  return spec
end

local reference_parts = parts()
local reference = train.Trainer(reference_parts)
local metrics = reference:fit{epochs = 3}
assert(texts == 3 * 10 + 3 * 10, texts)  -- three epochs and three validations of 10 clips
assert(reference.global_step == 9 and metrics.loss < reference.history.val[1].loss)

local folder = scratch .. "/data/checkpoint"
local first = train.Trainer(parts{on_step = function(t, info) if info.step == 4 then return false end end})
first:fit{epochs = 3}
first:save(folder)

local second_parts = parts()
local second = train.resume(folder, second_parts)
assert(second_parts.train.epoch == 1)  -- the loader stands in its second epoch, one batch in
second:fit{epochs = 3}
assert((second_parts.model.w - reference_parts.model.w):abs():max():item() == 0)
for i = 1, 9 do assert(second.history.train[i].loss == reference.history.train[i].loss) end

print("train_data.lua ok")
