-- Ember quickstart: fine-tune a ViT + Wav2Vec2 fusion classifier on the bundled screen
-- recordings and the voice requests spoken over them (examples/data: 5 kinds of request,
-- 40 clips each), validate on held-out clips, and save the model, the charts and this session.
--
--   scripts/ember examples/quickstart.lua                  (under a minute on 2 cores)
--   ember replay runs/quickstart/session.lua --check       (runs it again, checks every output)
--
-- Each `-- %%` line starts a cell: open the file in the REPL with `%load`, in VS Code or
-- Jupytext as a notebook, or run it whole as above.

-- %% [1]
-- The data: 4 frames per clip, the whole screen scaled to 64×64, and the voice at 16 kHz,
-- decoded once and then read from a disk cache, split 80/20 per class.
tensor.seed(0)
local ds = data.manifest("examples/data/manifest.jsonl", {frames = 4, resize = {64, 64}, normalize = "clip"})
ds:cache("runs/quickstart/cache")
local train_set, val_set = ds:split(0.8, {seed = 0})
local classes = ds:classes()
print(#train_set .. " training clips, " .. #val_set .. " validation clips; classes: " .. table.concat(classes, ", "))

-- %% [2]
-- The model: a small ViT over the frames (8×8 patches, pooled over time) and a small Wav2Vec2
-- over the voice, their pooled embeddings concatenated into a classifier. Both from scratch.
local model = nn.Fusion{
  vision = {image_size = 64, patch_size = 8, hidden_size = 64, num_hidden_layers = 2,
            num_attention_heads = 4, intermediate_size = 128},
  audio = {hidden_size = 64, num_hidden_layers = 1, num_attention_heads = 4, intermediate_size = 128,
           conv_dim = {32, 32, 32, 32}, conv_kernel = {10, 5, 5, 5}, conv_stride = {5, 4, 4, 4},
           num_conv_pos_embeddings = 16, num_conv_pos_embedding_groups = 4,
           feat_extract_norm = "layer", do_stable_layer_norm = true},
  num_labels = #classes, id2label = classes, fusion = "concat",
}
print(model)

-- %% [3]
-- Training: AdamW with a warmed-up cosine schedule; validation after every epoch.
local epochs = 20
local loader = data.loader(train_set, {batch = 8, shuffle = true, seed = 0})
local opt = optim.AdamW(model, {lr = 2e-3, weight_decay = 0.05})
local tr = train.Trainer{
  model = model, optimizer = opt,
  scheduler = optim.cosine(opt, {warmup = 10, total = epochs * #loader}),
  train = loader, val = data.loader(val_set, {batch = 10}),
  metrics = {"accuracy", "f1", "confusion"}, classes = classes, grad_clip = 1.0,
  dir = "runs/quickstart",
}
tr:fit{epochs = epochs}

-- %% [4]
-- Results on the held-out clips, the charts, and a checkpoint that nn.load and
-- transformers-style tools can read.
local m = tr:validate()
print(string.format("validation accuracy %.2f (chance %.2f), macro F1 %.2f", m.accuracy, 1 / #classes, m.f1))
print("confusion (rows: true class, columns: predicted):")
print(m.confusion)
tr:plot("loss")
tr:plot("confusion")
print("checkpoint: " .. tr:save())

-- %% [5]
notebook.save("runs/quickstart/session.lua")
print("session saved to runs/quickstart/session.lua")
