-- UNITER over the transcript, the screen and the voice: one transformer reads the text tokens,
-- the patches of the frames as region features (with their boxes) and the voice as audio tokens,
-- and classifies what the user asked for. The text side starts from the real all-MiniLM-L6-v2
-- checkpoint when scripts/fetch-assets has fetched it, and from scratch (a smaller model) when not.
--
--   scripts/fetch-assets                                 (once: ~/.cache/ember/assets, 90 MB)
--   scripts/ember examples/uniter_finetune.lua           (about a minute on 2 cores)
--   ember replay runs/uniter_finetune/session.lua --check
--
-- EMBER_EXAMPLE_EPOCHS=2 makes a short run (the smoke test's); the README gives the
-- figures of the default run. EMBER_ASSETS moves the assets folder, as for scripts/fetch-assets.

-- %% [1]
-- The data: 2 frames per clip at 64×64, the voice at 16 kHz mono, and the transcript; decoded
-- once into a disk cache, then split 32/8 clips per class.
tensor.seed(0)
local epochs = tonumber(os.getenv("EMBER_EXAMPLE_EPOCHS")) or 4
local dir = "runs/uniter_finetune"
local frames, size, patch = 2, 64, 16
local ds = data.manifest("examples/data/manifest.jsonl", {frames = frames, resize = {size, size}, normalize = "clip"})
ds:cache(dir .. "/cache")
local train_set, val_set = ds:split(0.8, {seed = 0})
local classes = ds:classes()
print(#train_set .. " training clips, " .. #val_set .. " validation clips; classes: " .. table.concat(classes, ", "))

-- %% [2]
-- The text side: all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT) when present. Its config.json gives
-- UNITER's sizes; UNITER adds a region embedding for 16×16×3 patches (img_dim), audio tokens from
-- a small Wav2Vec2 (audio_config; frames of 640 samples, 40 ms) and a classifier (id2label).
local minilm = (os.getenv("EMBER_ASSETS") or os.getenv("HOME") .. "/.cache/ember/assets") .. "/all-MiniLM-L6-v2"
local bert, tok, cfg
if io.open(minilm .. "/model.safetensors") then
  bert = nn.load(minilm)                       -- a BertModel
  tok = text.tokenizer(minilm)
  cfg = bert.config
  cfg.model_type, cfg.architectures = nil, nil
else
  print("note: " .. minilm .. " is absent (run scripts/fetch-assets); the text side starts from scratch, smaller")
  tok = text.tokenizer("Tests/Fixtures/text/minilm")   -- the same WordPiece vocabulary
  cfg = {vocab_size = 30522, hidden_size = 128, num_hidden_layers = 2, num_attention_heads = 4, intermediate_size = 256}
end
cfg.img_dim = 3 * patch * patch
cfg.audio_config = {hidden_size = 64, num_hidden_layers = 1, num_attention_heads = 4, intermediate_size = 128,
                    conv_dim = {32, 32, 32, 32, 32}, conv_kernel = {10, 4, 4, 4, 2}, conv_stride = {5, 4, 4, 4, 2},
                    num_conv_pos_embeddings = 16, num_conv_pos_embedding_groups = 4,
                    feat_extract_norm = "layer", do_stable_layer_norm = true}
cfg.id2label = classes
local model = nn.UNITER(cfg)
print(string.format("UNITER: %d parameters", model:num_parameters()))

-- %% [3]
-- BERT's weights into UNITER's text side: UNITER keeps them under "uniter.", and loading
-- non-strictly reports what the checkpoint does not have — the parts UNITER adds.
local pretrained = {}
if bert then
  local weights = {}
  for name, t in pairs(bert:state_dict()) do
    weights["uniter." .. name] = t
    pretrained["uniter." .. name] = true
  end
  local report = model:load_state_dict(weights, {strict = false})
  local parts, order = {}, {}
  for _, name in ipairs(report.missing_keys) do
    local part = name:match("^uniter%.[^.]+") or name:match("^[^.]+")
    if not parts[part] then order[#order + 1] = part; parts[part] = 0 end
    parts[part] = parts[part] + 1
  end
  print(string.format("loaded %d tensors from all-MiniLM-L6-v2; %d unexpected; new (missing from it):",
                      #bert:parameters(), #report.unexpected_keys))
  for _, part in ipairs(order) do print(string.format("  %-26s %3d tensors", part, parts[part])) end
end

-- %% [4]
-- UNITER's inputs from a loader batch: the tokens of batch.text; each frame cut into 16×16
-- patches, flattened to 768 values, as region features; each region's box [x1, y1, x2, y2, w, h,
-- w·h] in fractions of the frame (the same boxes for every frame); the voice and its mask.
local n = size // patch
local boxes = {}
for _ = 1, frames do
  for row = 0, n - 1 do
    for col = 0, n - 1 do
      local x1, y1, w = col / n, row / n, 1 / n
      boxes[#boxes + 1] = {x1, y1, x1 + w, y1 + w, w, w, w * w}
    end
  end
end
boxes = tensor(boxes)                                              -- [frames·n·n, 7]

local function uniter_inputs(batch)
  local b = batch.pixel_values:size(1)
  local words = tok(batch.text, {padding = "longest"})
  local regions = batch.pixel_values:reshape(b, frames, 3, n, patch, n, patch)
                       :permute(1, 2, 4, 6, 3, 5, 7):reshape(b, frames * n * n, 3 * patch * patch)
  return {input_ids = words.input_ids, attention_mask = words.attention_mask, token_type_ids = words.token_type_ids,
          img_feat = regions, img_pos_feat = boxes:unsqueeze(1):expand(b, -1, -1),
          input_values = batch.input_values, audio_attention_mask = batch.attention_mask,
          labels = batch.labels}
end

-- %% [5]
-- Training: AdamW with two parameter groups — the pretrained weights at a fine-tuning rate, the
-- new parts ten times faster — a warmed-up cosine schedule, and UNITER's own loss
-- (cross-entropy of its classifier on the labels).
local old, new = {}, {}
for name, p in model:named_parameters() do table.insert(pretrained[name] and old or new, p) end
local groups = {{params = new, lr = 1e-3}}
if #old > 0 then table.insert(groups, 1, {params = old, lr = 1e-4}) end
local loader = data.loader(train_set, {batch = 8, shuffle = true, seed = 0})
local opt = optim.AdamW(groups, {weight_decay = 0.01})
local tr = train.Trainer{
  model = model, optimizer = opt,
  loss = function(m, batch)
    local out = m(uniter_inputs(batch))
    return out.loss, out
  end,
  scheduler = optim.cosine(opt, {warmup = 5, total = epochs * #loader}),
  train = loader, val = data.loader(val_set, {batch = #val_set}),
  metrics = {"accuracy", "f1", "confusion"}, classes = classes, grad_clip = 1.0,
  dir = dir,
}
local metrics = tr:fit{epochs = epochs}

-- %% [6]
-- The held-out clips: accuracy and macro F1 beside chance (0.20 for both over 5 balanced
-- classes), the confusion matrix (rows: the true class), the charts and a checkpoint.
print(string.format("validation: accuracy %.2f, macro F1 %.2f (chance 0.20 for both) on %d clips",
                    metrics.accuracy, metrics.f1, #val_set))
print(metrics.confusion)
print(table.concat(tr:plot("loss"), ", "))
print(table.concat(tr:plot("confusion"), ", "))
print("checkpoint: " .. tr:save())

-- %% [7]
notebook.save(dir .. "/session.lua")
print("session saved to " .. dir .. "/session.lua")
