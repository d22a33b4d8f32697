-- ViT + Wav2Vec2 with cross-attention fusion: classify what the user asked for from the screen
-- recording and the spoken request. A ViT reads the frames, a Wav2Vec2 reads the voice, then
-- each side attends to the other's frames (fusion = "attention"; the quickstart concatenates
-- the two embeddings instead) before one classifier over both. Both towers start from scratch.
--
--   scripts/ember examples/vit_wav2vec_finetune.lua          (about 50 s on 2 cores)
--   ember replay runs/vit_wav2vec_finetune/session.lua --check
--
-- EMBER_EXAMPLE_EPOCHS=2 makes a short run (the smoke test's); the README gives the
-- figures of the default run.

-- %% [1]
-- The data: 4 frames per clip at 64×64 and the voice at 16 kHz mono, decoded once into a disk
-- cache, then split 32/8 clips per class into training and validation.
tensor.seed(0)
local epochs = tonumber(os.getenv("EMBER_EXAMPLE_EPOCHS")) or 20
local dir = "runs/vit_wav2vec_finetune"
local ds = data.manifest("examples/data/manifest.jsonl", {frames = 4, resize = {64, 64}, normalize = "clip"})
ds:cache(dir .. "/cache")
local train_set, val_set = ds:split(0.8, {seed = 0})
local classes = ds:classes()
print(#train_set .. " training clips, " .. #val_set .. " validation clips; classes: " .. table.concat(classes, ", "))

-- %% [2]
-- The model. `vision` and `audio` take the fields of a ViT and a Wav2Vec2 config.json (or
-- loaded models: nn.Fusion{vision = nn.load(dir), ...}). The voice tower's convolutions stride
-- 5·4·4·4 = 320 samples, 20 ms a frame, as wav2vec2-base's do; the stable layer-norm variant
-- keeps it independent of padding.
local model = nn.Fusion{
  vision = {image_size = 64, patch_size = 16, hidden_size = 64, num_hidden_layers = 2,
            num_attention_heads = 4, intermediate_size = 128},
  audio = {hidden_size = 64, num_hidden_layers = 2, num_attention_heads = 4, intermediate_size = 128,
           conv_dim = {32, 32, 32, 32}, conv_kernel = {10, 4, 4, 4}, conv_stride = {5, 4, 4, 4},
           num_conv_pos_embeddings = 16, num_conv_pos_embedding_groups = 4,
           feat_extract_norm = "layer", do_stable_layer_norm = true},
  fusion = "attention", fusion_hidden_size = 64, fusion_heads = 4,
  id2label = classes,
}
print(model)

-- %% [3]
-- Training: the model's own loss (cross-entropy on the batch's labels), AdamW with a warmed-up
-- cosine schedule, gradients clipped at 1; validation after every epoch. The loader decodes on
-- two worker threads (here it reads the cache) ahead of each step.
local loader = data.loader(train_set, {batch = 8, shuffle = true, seed = 0})
local opt = optim.AdamW(model, {lr = 1e-3, weight_decay = 0.05})
local tr = train.Trainer{
  model = model, optimizer = opt,
  scheduler = optim.cosine(opt, {warmup = 10, total = epochs * #loader}),
  train = loader, val = data.loader(val_set, {batch = 10}),
  metrics = {"accuracy", "f1", "confusion"}, classes = classes, grad_clip = 1.0,
  dir = dir,
}
local metrics = tr:fit{epochs = epochs}

-- %% [4]
-- The held-out clips: accuracy and macro F1 beside chance (a uniform guess over the 5 balanced
-- classes scores 0.20 on both), and the confusion matrix.
print(string.format("validation: accuracy %.2f, macro F1 %.2f (chance 0.20 for both) on %d clips",
                    metrics.accuracy, metrics.f1, #val_set))
print(string.format("%-12s%s", "true \\ pred", table.concat(classes, " ")))
local counts = metrics.confusion:totable()
for i, name in ipairs(classes) do
  local row = {}
  for j, count in ipairs(counts[i]) do row[j] = string.format("%" .. #classes[j] .. "d", count) end
  print(string.format("%-12s%s", name, table.concat(row, " ")))
end

-- %% [5]
-- The charts (SVG and PNG), and a checkpoint: a Hugging Face folder (config.json +
-- model.safetensors) that nn.load reads back, plus the optimizer and trainer state for
-- train.resume.
print(table.concat(tr:plot("loss"), ", "))
print(table.concat(tr:plot("confusion"), ", "))
local path = tr:save()
print("checkpoint: " .. path)
local reloaded = nn.load(path)  -- in evaluation mode, as from_pretrained returns a model
model:eval()
for batch in data.loader(val_set, {batch = #val_set}):iter() do
  local a, b = tensor.no_grad(function() return model(batch).logits, reloaded(batch).logits end)
  print("reloaded model: largest logit difference " .. (a - b):abs():max():item())
end

-- %% [6]
notebook.save(dir .. "/session.lua")
print("session saved to " .. dir .. "/session.lua")
