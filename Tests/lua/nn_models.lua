-- Models from Lua: built from config tables with Hugging Face's field names, called with named
-- inputs, saved and loaded back; num_labels picks the classification class; Fusion from
-- tables and from built towers. `scratch` is a fresh folder.

local function shape(t) return table.concat(t:shape(), ",") end
local function same(a, b) return (a - b):abs():max():item() <= 1e-6 end

tensor.seed(4)
local vit_cfg = {image_size = 16, patch_size = 8, hidden_size = 16, num_hidden_layers = 2, num_attention_heads = 2,
                 intermediate_size = 32}
local bert_cfg = {vocab_size = 30, hidden_size = 16, num_hidden_layers = 2, num_attention_heads = 2, intermediate_size = 32,
                  max_position_embeddings = 20}
local w2v_cfg = {hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2, intermediate_size = 32,
                 conv_dim = {8, 8}, conv_kernel = {10, 3}, conv_stride = {5, 2}, num_conv_pos_embeddings = 4,
                 num_conv_pos_embedding_groups = 2, vocab_size = 12}
local pixels = tensor.randn(2, 3, 16, 16)
local ids = tensor{{1, 5, 7, 2, 0}, {1, 9, 2, 0, 0}}
local mask = tensor{{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}}
local audio = tensor.randn(2, 400)
local audio_mask = tensor.ones(2, 400, {dtype = "int64"})
for i = 301, 400 do audio_mask[2][i] = 0 end

-- ViT: ViTModel, and with num_labels ViTForImageClassification; a video [B, T, 3, S, S] pools frames
local vit = nn.ViT(vit_cfg)
assert(vit.config.architectures[1] == "ViTModel")
local out = vit{pixel_values = pixels}
assert(shape(out.last_hidden_state) == "2,5,16" and shape(out.pooler_output) == "2,16" and out.loss == nil)
local video = vit{pixel_values = pixels:unsqueeze(2):expand(2, 3, 3, 16, 16)}
assert(shape(video.last_hidden_state) == "2,3,5,16" and same(video.pooler_output, out.pooler_output))
local cfg = {}
for k, v in pairs(vit_cfg) do cfg[k] = v end
cfg.num_labels = 4
local classifier = nn.ViT(cfg)
assert(classifier.config.architectures[1] == "ViTForImageClassification" and #classifier.config.id2label == 4)
out = classifier{pixel_values = pixels, labels = tensor{3, 0}}
assert(shape(out.logits) == "2,4" and out.loss:dim() == 0)
-- id2label as a Lua list: class id k is entry k + 1, as ds:classes() lists them
cfg.num_labels, cfg.id2label = nil, {"code", "browser", "terminal"}
local named = nn.ViT(cfg)
assert(named.config.id2label[2] == "browser" and named.config.label2id.terminal == 2)

-- BERT and its classifier; a loader batch's non-tensor entries are ignored
local bert = nn.BERT(bert_cfg)
out = bert{input_ids = ids, attention_mask = mask, text = {"a", "b"}, id = {"x", "y"}}
assert(shape(out.last_hidden_state) == "2,5,16" and shape(out.pooler_output) == "2,16")
bert_cfg.num_labels = 3
local bert_cls = nn.BERT(bert_cfg)
out = bert_cls{input_ids = ids, attention_mask = mask, labels = tensor{2, 1}, output_hidden_states = true}
assert(shape(out.logits) == "2,3" and out.loss and #out.hidden_states == 3)
assert(bert_cls.config.architectures[1] == "BertForSequenceClassification")

-- Wav2Vec2: the base model, CTC through architectures, sequence classification through num_labels
local w2v = nn.Wav2Vec2(w2v_cfg)
out = w2v{input_values = audio, attention_mask = audio_mask, output_hidden_states = true}
assert(shape(out.last_hidden_state) == "2,39,16" and #out.hidden_states == 2 and shape(out.extract_features) == "2,39,8")
w2v_cfg.architectures = {"Wav2Vec2ForCTC"}
local ctc = nn.Wav2Vec2(w2v_cfg)
out = ctc{input_values = audio, labels = tensor{{1, 2, 3}, {4, 5, -100}}}
assert(shape(out.logits) == "2,39,12" and out.loss:item() > 0)
w2v_cfg.architectures, w2v_cfg.num_labels = nil, 5
local w2v_cls = nn.Wav2Vec2(w2v_cfg)
out = w2v_cls{input_values = audio, attention_mask = audio_mask, labels = tensor{4, 0}}
assert(shape(out.logits) == "2,5" and w2v_cls.config.architectures[1] == "Wav2Vec2ForSequenceClassification")
w2v_cfg.num_labels = nil

-- CLIP: nested tower configs; both logits, the loss with return_loss; an audio tower adds audio_embeds
local clip_cfg = {
    text_config = {vocab_size = 30, hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2, intermediate_size = 32,
                   max_position_embeddings = 8, eos_token_id = 2},
    vision_config = {image_size = 16, patch_size = 8, hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2,
                     intermediate_size = 32},
    projection_dim = 8,
}
local clip = nn.CLIP(clip_cfg)
out = clip{input_ids = ids, attention_mask = mask, pixel_values = pixels, return_loss = true}
assert(shape(out.logits_per_image) == "2,2" and shape(out.text_embeds) == "2,8" and out.loss:item() > 0)
assert(same(out.logits_per_image, out.logits_per_text:t()))
assert(same(out.image_embeds:norm(2), tensor.ones(2)), "embeddings are normalised")
assert(shape(out.text_model_output.last_hidden_state) == "2,5,16")
clip_cfg.audio_config = w2v_cfg
local clip_audio = nn.CLIP(clip_cfg)
out = clip_audio{pixel_values = pixels, input_values = audio, audio_attention_mask = audio_mask, return_loss = true}
assert(shape(out.audio_embeds) == "2,8" and shape(out.logits_per_audio) == "2,2" and out.loss)

-- UNITER: text, regions with boxes, the ITM head; num_labels adds the classifier
local uniter_cfg = {vocab_size = 30, hidden_size = 16, num_hidden_layers = 1, num_attention_heads = 2, intermediate_size = 32,
                    max_position_embeddings = 20, img_dim = 6, num_labels = 3}
local uniter = nn.UNITER(uniter_cfg)
local regions = {input_ids = ids, attention_mask = mask, img_feat = tensor.randn(2, 4, 6), img_pos_feat = tensor.rand(2, 4, 7),
                 itm_labels = tensor{1, 0}, labels = tensor{0, 2}}
out = uniter(regions)
assert(shape(out.last_hidden_state) == "2,9,16" and shape(out.itm_logits) == "2,2" and shape(out.logits) == "2,3" and out.loss)

-- Fusion from two config tables, concat and attention, called with a loader-style batch
local batch = {pixel_values = pixels:unsqueeze(2):expand(2, 2, 3, 16, 16), input_values = audio, attention_mask = audio_mask,
               labels = tensor{1, 0}, text = {"", ""}, id = {"a", "b"}}
local fusion = nn.Fusion{vision = vit_cfg, audio = w2v_cfg, num_labels = 2}
out = fusion(batch)
assert(shape(out.logits) == "2,2" and shape(out.vision_embeds) == "2,16" and shape(out.audio_embeds) == "2,16" and out.loss)
local attention = nn.Fusion{vision = vit_cfg, audio = w2v_cfg, num_labels = 2, fusion = "attention", fusion_heads = 2}
assert(attention:get_submodule("fusion") ~= nil and shape(attention(batch).logits) == "2,2")
-- from built towers: the ViT's weights are used as they are (its pooler dropped)
local towers = nn.Fusion{vision = vit, audio = w2v, id2label = {"idle", "typing"}}
assert(same(towers:get_parameter("vision.embeddings.cls_token"), vit:get_parameter("embeddings.cls_token")))
assert(towers.config.id2label[2] == "typing" and shape(towers(batch).logits) == "2,2")
local mixed = nn.Fusion{vision = classifier, audio = w2v_cfg, num_labels = 3, fusion = "attention"}
assert(shape(mixed(batch).logits) == "2,3")

-- save -> load: the same class, configuration and outputs (in eval mode, as nn.load returns)
for name, model in pairs{vit = classifier, bert = bert_cls, clip = clip_audio, uniter = uniter, fusion = fusion, ctc = ctc} do
    local dir = scratch .. "/" .. name
    model:save(dir)
    local loaded = nn.load(dir)
    assert(not loaded.training and loaded.config.architectures[1] == model.config.architectures[1], name)
    assert(loaded:num_parameters() == model:num_parameters(), name)
    for key, p in loaded:named_parameters() do assert(same(p, model:get_parameter(key)), name .. ": " .. key) end
end
classifier:eval()
local reloaded = nn.load(scratch .. "/vit")
assert(same(reloaded{pixel_values = pixels}.logits, classifier{pixel_values = pixels}.logits))

-- a backbone checkpoint under a new head: num_labels loads leniently and reports the head
vit:save(scratch .. "/backbone")
local headed, report = nn.load(scratch .. "/backbone", {num_labels = 7})
assert(headed.config.architectures[1] == "ViTForImageClassification" and #headed.config.id2label == 7)
assert(table.concat(report.missing_keys, " ") == "classifier.weight classifier.bias" and #report.unexpected_keys == 0)
assert(same(headed:get_parameter("vit.encoder.layer.1.output.dense.weight"), vit:get_parameter("encoder.layer.1.output.dense.weight")))
-- the same number of classes keeps the folder's names and head; another number is a new head
local same_head, kept = nn.load(scratch .. "/vit", {num_labels = 4})
assert(#kept.missing_keys == 0 and same(same_head:get_parameter("classifier.weight"), classifier:get_parameter("classifier.weight")))
local uniter_head, fresh = nn.load(fixtures .. "models/uniter", {model_type = "uniter", num_labels = 5})
assert(uniter_head.config.architectures[1] == "UniterModel" and #uniter_head.config.id2label == 5)
assert(#fresh.missing_keys == 6 and fresh.missing_keys[1]:find("^vqa_output") and #fresh.unexpected_keys == 0)
-- strict=false on a complete folder reports nothing missing
local again, clean = nn.load(scratch .. "/vit", {strict = false})
assert(again and #clean.missing_keys == 0 and #clean.unexpected_keys == 0)

print("nn_models.lua ok")
