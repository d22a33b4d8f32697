-- A data.loader batch goes into a model as it comes: Fusion reads pixel_values, input_values,
-- attention_mask and labels; a ViT takes the same batch and reads what it needs; the batch's
-- text and id lists are ignored. Class names from ds:classes() label the head.
local ds = data.manifest(fixtures .. "../../examples/data/manifest.jsonl", {frames = 2, size = 32, crop = true})
local batch
for b in data.loader(ds, {batch = 3}):iter() do batch = b; break end
assert(type(batch.text) == "table" and type(batch.id) == "table")

tensor.seed(5)
local vision = {image_size = 32, patch_size = 16, hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2,
                intermediate_size = 32}
local audio = {hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2, intermediate_size = 32,
               conv_dim = {16, 16}, conv_kernel = {10, 5}, conv_stride = {5, 5}, num_conv_pos_embeddings = 8,
               num_conv_pos_embedding_groups = 2}
local fusion = nn.Fusion{vision = vision, audio = audio, id2label = ds:classes(), fusion = "attention"}
local out = fusion(batch)
assert(out.logits:size(1) == 3 and out.logits:size(2) == #ds:classes())
out.loss:backward()
assert(fusion:get_parameter("classifier.weight").grad ~= nil and fusion:get_parameter("audio.feature_projection.projection.weight").grad ~= nil)
assert(fusion.config.id2label[1] == ds:classes()[1])

vision.num_labels = #ds:classes()
local vit = nn.ViT(vision)
out = vit(batch)                                  -- video [B, T, 3, S, S]: frames pooled
assert(out.logits:size(1) == 3 and out.loss:dim() == 0)

print("nn_loader.lua ok")
