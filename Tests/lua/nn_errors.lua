-- Every misuse of the nn library is a clean Lua error that names the function (or the module
-- or model being called), the argument or input, and what was expected. Each row: code, and
-- the exact message (a row starting with "~" matches a fragment: those name machine paths).
local lin = nn.Linear(4, 2)
local vit = nn.ViT{image_size = 16, patch_size = 8, hidden_size = 8, num_hidden_layers = 1, num_attention_heads = 2,
                   intermediate_size = 16, num_labels = 3}
local mha = nn.MultiheadAttention(8, 2)
-- a model folder whose config.json asks for a billion layers
local huge = scratch .. "/huge"
vit:save(huge)
local file = assert(io.open(huge .. "/config.json", "w"))
file:write('{"model_type": "vit", "num_hidden_layers": 1000000000}')
file:close()
-- and one whose config.json is a folder
local folder = scratch .. "/folder"
vit:save(folder .. "/config.json")
local env = setmetatable({lin = lin, vit = vit, mha = mha, x = tensor.randn(2, 4), huge = huge, folder = folder},
                         {__index = _G})

local cases = {
    {"nn.Linear()", "[c]:1: bad argument #1 to 'nn.Linear' (number expected, got no value)"},
    {"nn.Linear(4)", "[c]:1: bad argument #2 to 'nn.Linear' (number expected, got no value)"},
    {"nn.Linear(0, 2)", "[c]:1: bad argument #1 to 'nn.Linear' (a positive size expected, got 0)"},
    {"nn.Linear(4.5, 2)", "[c]:1: bad argument #1 to 'nn.Linear' (number has no integer representation)"},
    {"nn.Linear(4, 2, {bais = true})", "[c]:1: bad argument #3 to 'nn.Linear' (unknown option 'bais'; valid options: bias)"},
    {"nn.Linear(4, 2, {bias = 1})", "[c]:1: bad argument #3 to 'nn.Linear' (option 'bias': boolean expected, got number)"},
    {"nn.Linear(4, 2, {}, 1)", "[c]:1: bad argument #4 to 'nn.Linear' (no value expected, got number)"},
    {"nn.Conv1d(2, 4)", "[c]:1: bad argument #3 to 'nn.Conv1d' (number expected, got no value)"},
    {"nn.Conv1d(2, 4, 3, {padding = 'same', stride = 2})", "[c]:1: bad argument #4 to 'nn.Conv1d' (option 'padding': \"same\" needs stride 1)"},
    {"nn.Conv1d(2, 4, 4, {padding = 'same'})", "[c]:1: bad argument #4 to 'nn.Conv1d' (option 'padding': \"same\" with kernel_size {4} pads unevenly, which Ember's convolutions do not; give a padding)"},
    {"nn.Conv1d(3, 4, 3, {groups = 2})", "[c]:1: bad argument #4 to 'nn.Conv1d' (option 'groups': 2 must divide in_channels 3 and out_channels 4)"},
    {"nn.Conv2d(3, 4, {3})", "[c]:1: bad argument #3 to 'nn.Conv2d' (kernel_size: 2 positive sizes expected, got {3})"},
    {"nn.Conv2d(3, 4, 3, {stride = {1, 2, 3}})", "[c]:1: bad argument #4 to 'nn.Conv2d' (option 'stride': a positive integer or a list of 2 expected)"},
    {"nn.Conv2d(3, 4, 3, {padding = -1})", "[c]:1: bad argument #4 to 'nn.Conv2d' (option 'padding': an integer >= 0, a list of 2, \"valid\" or \"same\" expected)"},
    {"nn.Conv2d(3, 4, 3, {padding = 'full'})", "[c]:1: bad argument #4 to 'nn.Conv2d' (option 'padding': an integer >= 0, a list of 2, \"valid\" or \"same\" expected)"},
    {"nn.LayerNorm()", "[c]:1: bad argument #1 to 'nn.LayerNorm' (number expected, got no value)"},
    {"nn.LayerNorm({})", "[c]:1: bad argument #1 to 'nn.LayerNorm' (normalized_shape: positive sizes expected, got {})"},
    {"nn.LayerNorm(4, {eps = -1})", "[c]:1: bad argument #2 to 'nn.LayerNorm' (option 'eps': must be >= 0, got -1.0)"},
    {"nn.GroupNorm(3, 4)", "[c]:1: bad argument #2 to 'nn.GroupNorm' (num_channels 4 is not a multiple of num_groups 3)"},
    {"nn.Embedding(10, 3, {padding_idx = 10})", "[c]:1: bad argument #3 to 'nn.Embedding' (option 'padding_idx': must be an id in 0..9 (or negative from the end), got 10)"},
    {"nn.Dropout(2)", "[c]:1: bad argument #1 to 'nn.Dropout' (p must be in [0, 1], got 2.0)"},
    {"nn.Dropout('a')", "[c]:1: bad argument #1 to 'nn.Dropout' (number expected, got string)"},
    {"nn.GELU{approximate = 'fast'}", "[c]:1: bad argument #1 to 'nn.GELU' (option 'approximate': expected one of \"none\", \"tanh\", got \"fast\")"},
    {"nn.ReLU(1)", "[c]:1: bad argument #1 to 'nn.ReLU' (no value expected, got number)"},
    {"nn.Sequential{nn.Linear(2, 2), 5}", "[c]:1: bad argument #1 to 'nn.Sequential' (entry 2 of the list must be a layer (Module), got number)"},
    {"nn.Sequential(nn.Linear(2, 2), nn.MultiheadAttention(4, 2))", "[c]:1: bad argument #2 to 'nn.Sequential' (the argument is a MultiheadAttention, which does not map one tensor to one tensor)"},
    {"nn.Sequential{a = nn.ReLU()}", "[c]:1: bad argument #1 to 'nn.Sequential' (a list of layers expected, got a table with other keys)"},
    {"nn.MultiheadAttention(8, 3)", "[c]:1: bad argument #2 to 'nn.MultiheadAttention' (3 heads do not divide the width 8)"},
    {"nn.TransformerEncoderLayer(8, 2, {activation = 'tanh'})", "[c]:1: bad argument #3 to 'nn.TransformerEncoderLayer' (option 'activation': expected one of \"relu\", \"gelu\", got \"tanh\")"},
    {"nn.TransformerEncoderLayer(8, 2, {dropout = 2})", "[c]:1: bad argument #3 to 'nn.TransformerEncoderLayer' (option 'dropout': must be in [0, 1], got 2.0)"},
    {"lin(x, 1)", "[c]:1: bad argument #2 to 'Linear' (no value expected, got number)"},
    {"lin('a')", "[c]:1: bad argument #1 to 'Linear' (Tensor expected, got string)"},
    {"lin(tensor.randn(2, 5))", "[c]:1: bad argument #1 to 'Linear' (linear: input [2, 5] does not match weight [2, 4] ([out, in]))"},
    {"lin()", "[c]:1: bad argument #1 to 'Linear' (Tensor expected, got no value)"},
    {"lin:forward({})", "[c]:1: bad argument #1 to 'Linear' (Tensor expected, got table)"},
    {"mha(tensor.randn(3, 2, 8))", "[c]:1: bad argument #2 to 'MultiheadAttention' (Tensor expected, got no value)"},
    {"mha(tensor.randn(3, 2, 6), tensor.randn(3, 2, 6), tensor.randn(3, 2, 6))", "[c]:1: bad argument #1 to 'MultiheadAttention' (expected [length, batch, 8] (embed_dim 8), got [3, 2, 6])"},
    {"mha(tensor.randn(3, 2, 8), tensor.randn(4, 2, 8), tensor.randn(4, 2, 8), {key_padding_mask = tensor.zeros(2, 3)})", "[c]:1: bad argument #4 to 'MultiheadAttention' (option 'key_padding_mask': expected [2, 4], got [2, 3])"},
    {"mha(tensor.randn(3, 2, 8), tensor.randn(4, 2, 8), tensor.randn(4, 2, 8), {attn_mask = 1})", "[c]:1: bad argument #4 to 'MultiheadAttention' (option 'attn_mask': Tensor expected, got number)"},
    {"nn.TransformerEncoderLayer(8, 2)(tensor.randn(3, 8))", "[c]:1: bad argument #1 to 'TransformerEncoderLayer' (expected [length, batch, 8] (d_model 8), got [3, 8])"},
    {"vit:get_submodule('vit.encoder')(x)", "[c]:1: ViTEncoder is a part of a model that is not called on its own; call the model or a layer"},
    {"vit(tensor.randn(2, 3, 16, 16))", "[c]:1: bad argument #1 to 'ViTForImageClassification' (table of named inputs expected, got Tensor: m{input_ids=x} or m{pixel_values=x})"},
    {"vit{}", "[c]:1: ViTForImageClassification: missing input 'pixel_values' (given: no tensors)"},
    {"vit{pixel_values = {1, 2}}", "[c]:1: ViTForImageClassification: input 'pixel_values' must be a Tensor, got table"},
    {"vit{pixel_values = tensor.randn(2, 3, 8, 8)}", "[c]:1: ViTForImageClassification: each image must be [3, 16, 16] (num_channels, image_size), got [3, 8, 8] in pixel_values [2, 3, 8, 8]"},
    {"vit{pixel_values = tensor.zeros(2, 3, 16, 16, {dtype = 'int64'})}", "[c]:1: ViTForImageClassification: input 'pixel_values' must be a float tensor, got int64"},
    {"vit{pixel_valuez = tensor.randn(2, 3, 16, 16)}", "[c]:1: ViTForImageClassification: unknown input 'pixel_valuez' (inputs: attention_mask, attn_masks, audio_attention_mask, gather_index, img_attention_mask, img_feat, img_pos_feat, input_ids, input_values, itm_labels, labels, output_hidden_states, pixel_values, position_ids, return_loss, token_type_ids)"},
    {"vit{tensor.randn(2)}", "[c]:1: ViTForImageClassification: inputs are named, as m{pixel_values=x, labels=y}; the table has positional entries"},
    {"vit{pixel_values = tensor.randn(2, 3, 16, 16), return_loss = 1}", "[c]:1: ViTForImageClassification: input 'return_loss' must be true or false, got number"},
    {"vit{pixel_values = tensor.randn(2, 3, 16, 16), labels = tensor{5, 1}}", "[c]:1: ViTForImageClassification: cross_entropy: label 5 is out of range for 3 classes"},
    {"vit{pixel_values = tensor.randn(2, 3, 16, 16), labels = tensor{1, 1, 1}}", "[c]:1: ViTForImageClassification: cross_entropy: logits [2, 3] and labels [3] do not match: labels need the logits' shape without the class axis (1)"},
    {"nn.BERT{vocab_size = 10, hidden_size = 8, num_attention_heads = 2, num_hidden_layers = 1, intermediate_size = 8}{input_ids = tensor{{1.0, 2.0}}}", "[c]:1: BertModel: input 'input_ids' must be int64 ids, got float32"},
    {"nn.BERT{vocab_size = 10, hidden_size = 8, num_attention_heads = 2, num_hidden_layers = 1, intermediate_size = 8}{input_ids = tensor{{11, 2}}}", "[c]:1: BertModel: input_ids holds 11, outside the table's 10 rows"},
    {"vit:forward()", "[c]:1: bad argument #1 to 'ViTForImageClassification' (table of named inputs expected, got no value)"},
    {"vit.forward(5)", "[c]:1: bad argument #1 to 'Module:forward' (Module expected, got number)"},
    {"nn.ViT()", "[c]:1: bad argument #1 to 'nn.ViT' (table of config.json fields expected, got no value)"},
    {"nn.ViT(5)", "[c]:1: bad argument #1 to 'nn.ViT' (table of config.json fields expected, got number)"},
    {"nn.ViT{hidden_sise = 8}", "[c]:1: nn.ViT: unknown field 'hidden_sise' (did you mean 'hidden_size'?)"},
    {"nn.ViT{colour = 1}", "[c]:1: nn.ViT: unknown field 'colour' (known fields: attention_probs_dropout_prob, encoder_stride, hidden_act, hidden_dropout_prob, hidden_size, id2label, image_size, initializer_range, intermediate_size, label2id, layer_norm_eps, num_attention_heads, num_channels, num_hidden_layers, num_labels, patch_size, pooler_act, pooler_output_size, problem_type, qkv_bias)"},
    {"nn.ViT{hidden_size = 'big'}", "[c]:1: nn.ViT: field 'hidden_size': expected an integer (Expected to decode Int but found a string instead.)"},
    {"nn.ViT{hidden_size = 10, num_attention_heads = 4}", "[c]:1: nn.ViT: field 'num_attention_heads': hidden size 10 is not a multiple of 4 heads"},
    {"nn.ViT{model_type = 'bert'}", "[c]:1: nn.ViT: field 'model_type': must be \"vit\" (or absent), got \"bert\""},
    {"nn.ViT{architectures = {'BertModel'}}", "[c]:1: nn.ViT: field 'architectures': must be one of {\"ViTModel\"}, {\"ViTForImageClassification\"}"},
    {"nn.ViT{1, 2}", "[c]:1: nn.ViT: the configuration must be a table of name = value fields"},
    {"nn.ViT{hidden_size = tensor.zeros(1)}", "[c]:1: nn.ViT: field 'hidden_size' must be a number, string, boolean or table, got Tensor"},
    {"nn.ViT{id2label = {1, 2}}", "[c]:1: nn.ViT: field 'id2label[1]' must be a string, got number"},
    {"nn.CLIP{num_labels = 3}", "[c]:1: nn.CLIP: field 'num_labels': CLIP has no classification head"},
    {"nn.CLIP{text_config = {hidden_sise = 8}}", "[c]:1: nn.CLIP: unknown field 'text_config.hidden_sise' (did you mean 'hidden_size'?)"},
    {"nn.CLIP{vision_config = {image_size = 'x'}}", "[c]:1: nn.CLIP: field 'vision_config.image_size': expected an integer (Expected to decode Int but found a string instead.)"},
    {"nn.Wav2Vec2{conv_dim = {8}, conv_kernel = {3, 3}}", "[c]:1: nn.Wav2Vec2: field 'conv_stride': has 7 entries but conv_dim has 1; there is one per convolution"},
    -- sizes: negative or absurd ones are refused before anything is allocated, naming the field and the limit
    {"nn.ViT{num_hidden_layers = -1}", "[c]:1: nn.ViT: field 'num_hidden_layers': must be at least 0, got -1"},
    {"nn.BERT{num_hidden_layers = -1}", "[c]:1: nn.BERT: field 'num_hidden_layers': must be at least 0, got -1"},
    {"nn.CLIP{text_config = {num_hidden_layers = -1}}", "[c]:1: nn.CLIP: field 'text_config.num_hidden_layers': must be at least 0, got -1"},
    {"nn.CLIP{vision_config = {num_hidden_layers = -1}}", "[c]:1: nn.CLIP: field 'vision_config.num_hidden_layers': must be at least 0, got -1"},
    {"nn.UNITER{num_hidden_layers = -1}", "[c]:1: nn.UNITER: field 'num_hidden_layers': must be at least 0, got -1"},
    {"nn.Wav2Vec2{num_hidden_layers = -1}", "[c]:1: nn.Wav2Vec2: field 'num_hidden_layers': must be at least 0, got -1"},
    {"nn.ViT{num_hidden_layers = 1e9}", "[c]:1: nn.ViT: field 'num_hidden_layers': must be at most 1024 (more than any real model needs), got 1000000000"},
    {"nn.BERT{num_hidden_layers = 1e9}", "[c]:1: nn.BERT: field 'num_hidden_layers': must be at most 1024 (more than any real model needs), got 1000000000"},
    {"nn.ViT{hidden_size = 2^40}", "[c]:1: nn.ViT: field 'hidden_size': must be at most 262144 (more than any real model needs), got 1099511627776"},
    {"nn.BERT{vocab_size = 2^40}", "[c]:1: nn.BERT: field 'vocab_size': must be at most 16777216 (more than any real model needs), got 1099511627776"},
    {"nn.ViT{image_size = -1}", "[c]:1: nn.ViT: field 'image_size': must be at least 1, got -1"},
    {"nn.ViT{num_labels = 1e9}", "[c]:1: nn.ViT: field 'num_labels': must be at most 1048576 (more than any real model needs), got 1000000000"},
    {"nn.Wav2Vec2{conv_kernel = {1e9, 3, 3, 3, 3, 2, 2}}", "[c]:1: nn.Wav2Vec2: field 'conv_kernel': must be at most 4096 (more than any real model needs), got 1000000000"},
    {"nn.CLIP{audio_config = {hidden_size = -5}}", "[c]:1: nn.CLIP: field 'audio_config.hidden_size': must be at least 1, got -5"},
    {"nn.Fusion{vision = {hidden_size = 2^40}, audio = {}, num_labels = 2}", "[c]:1: nn.Fusion: field 'vision.hidden_size': must be at most 262144 (more than any real model needs), got 1099511627776"},
    {"nn.Fusion{vision = vit, audio = {num_hidden_layers = -1}, num_labels = 2}", "[c]:1: nn.Fusion: field 'audio.num_hidden_layers': must be at least 0, got -1"},
    -- sizes each within their limit whose weights would not fit in any machine's memory (a 2^18-wide
    -- layer is nn.Linear(262144, 262144), 256 GiB alone)
    {"nn.BERT{hidden_size = 2^18, num_attention_heads = 1, intermediate_size = 2^18, vocab_size = 2^24}", "~[c]:1: nn.BERT: the configuration asks for about 9415 billion parameters, 35073 GiB of float32 weights, more than this machine's "},
    {"nn.ViT{hidden_size = 2^16, num_attention_heads = 1, intermediate_size = 2^16, num_hidden_layers = 1000}", "~of memory (hidden_size = 65536, intermediate_size = 65536, num_hidden_layers = 1000)"},
    {"nn.ViT{hidden_size = 64.5}", "[c]:1: nn.ViT: field 'hidden_size': expected an integer, got 64.5"},
    {"nn.Wav2Vec2{conv_dim = {8.5}}", "[c]:1: nn.Wav2Vec2: field 'conv_dim': expected integers, got [8.5]"},
    {"nn.ViT{layer_norm_eps = 0/0}", "[c]:1: nn.ViT: field 'layer_norm_eps': must be a finite number"},
    {"nn.load(huge)", "~/huge/config.json: field 'num_hidden_layers': must be at most 1024 (more than any real model needs), got 1000000000"},
    {"nn.load(folder)", "~/folder/config.json: not a regular file"},
    {"nn.load(folder, {num_labels = 3})", "~/folder/config.json: not a regular file"},
    {"nn.Fusion{vision = {}}", "[c]:1: nn.Fusion: missing required field 'audio' (a ViT configuration table or model)"},
    {"nn.Fusion{vision = {}, audio = {}}", "[c]:1: nn.Fusion: missing required field 'num_labels' (or id2label)"},
    {"nn.Fusion{vision = {}, audio = {}, num_labels = 2, fusion = 'sum'}", "[c]:1: nn.Fusion: field 'fusion': expected one of \"concat\", \"attention\", got \"sum\""},
    {"nn.Fusion{vision = nn.Linear(2, 2), audio = {}, num_labels = 2}", "[c]:1: nn.Fusion: field 'vision' must be a ViT (nn.ViT, nn.load) or its configuration table, got Linear"},
    {"nn.Fusion{vision = vit, audio = {}, num_labels = 2, fusion_heads = 2}", "[c]:1: nn.Fusion: field 'fusion_heads' needs both towers given as configuration tables; with a built or loaded tower the fields are vision, audio, num_labels (or id2label) and fusion"},
    {"nn.load()", "[c]:1: bad argument #1 to 'nn.load' (string expected, got no value)"},
    {"nn.load('/nonexistent')", "[c]:1: nn.load: /nonexistent/config.json: no such file"},
    {"nn.load(fixtures .. 'models/uniter')", "~config.json: missing required field 'model_type' (for a UNITER repository config: nn.load(dir, {model_type=\"uniter\"}))"},
    {"nn.load(fixtures .. 'models/vit-model', {strict = 1})", "[c]:1: bad argument #2 to 'nn.load' (option 'strict': boolean expected, got number)"},
    {"nn.load(fixtures .. 'models/clip-first-eos', {num_labels = 3})", "[c]:1: nn.load: option 'num_labels': a 'clip' model has no classification head"},
    {"nn.load(fixtures .. 'models/vit-model', {num_labels = 0})", "[c]:1: bad argument #2 to 'nn.load' (option 'num_labels': must be at least 1, got 0)"},
    {"lin:save(scratch .. '/x')", "[c]:1: Linear:save: only models (nn.ViT, nn.load, …) save as Hugging Face folders; save a layer's weights with tensor.save(path, m:state_dict())"},
    {"vit:save()", "[c]:1: bad argument #1 to 'Module:save' (string expected, got no value)"},
    {"lin:freeze('nothing')", "[c]:1: bad argument #1 to 'Module:freeze' (no parameter of Linear matches 'nothing')"},
    {"lin:freeze(1)", "[c]:1: bad argument #1 to 'Module:freeze' (no parameter of Linear matches '1')"},
    {"lin:unfreeze('weight.x')", "[c]:1: bad argument #1 to 'Module:unfreeze' (no parameter of Linear matches 'weight.x')"},
    {"lin:train('yes')", "[c]:1: bad argument #1 to 'Module:train' (boolean expected, got string)"},
    {"lin:eval(1)", "[c]:1: bad argument #1 to 'Module:eval' (no value expected, got number)"},
    {"lin:parameters{trainible = true}", "[c]:1: bad argument #1 to 'Module:parameters' (unknown option 'trainible'; valid options: trainable)"},
    {"lin:num_parameters(true)", "[c]:1: bad argument #1 to 'Module:num_parameters' (options table expected, got boolean)"},
    {"lin:load_state_dict()", "[c]:1: bad argument #1 to 'Module:load_state_dict' (table expected, got no value)"},
    {"lin:load_state_dict{weight = 1}", "[c]:1: bad argument #1 to 'Module:load_state_dict' (entry 'weight' must be a Tensor, got number)"},
    {"lin:load_state_dict({})", "[c]:1: bad argument #1 to 'Module:load_state_dict' (the table does not match Linear: missing keys: weight, bias)"},
    {"lin:load_state_dict({weight = tensor.zeros(3, 3), bias = tensor.zeros(2)})", "[c]:1: bad argument #1 to 'Module:load_state_dict' (the table has weight of shape [3, 3], but Linear expects [2, 4])"},
    {"lin:load_state_dict({1})", "[c]:1: bad argument #1 to 'Module:load_state_dict' (a table of name = Tensor expected, got keys that are not names)"},
    {"lin:get_submodule('x')", "[c]:1: bad argument #1 to 'Module:get_submodule' (Linear has no submodule 'x')"},
    {"lin:get_parameter('x')", "[c]:1: bad argument #1 to 'Module:get_parameter' (Linear has no parameter 'x')"},
    {"return lin[1]", "[c]:1: Linear[1]: Linear has no submodules"},
    {"lin.training = false", "[c]:1: Linear.training is read-only: use m:train(false) or m:eval()"},
    {"lin.foo = 1", "[c]:1: Module has no settable field 'foo'"},
    {"return vit[5]", "[c]:1: ViTForImageClassification[5]: position out of range for 2 submodules (positions are 1..2, or negative from the end)"},
    {"return #nn.ReLU()()", "[c]:1: bad argument #1 to 'ReLU' (Tensor expected, got no value)"},
    {"nn.cross_entropy()", "[c]:1: bad argument #1 to 'nn.cross_entropy' (Tensor expected, got no value)"},
    {"nn.cross_entropy(tensor.randn(2, 3), tensor{1.0, 2.0})", "[c]:1: bad argument #2 to 'nn.cross_entropy' (int64 class ids expected, got float32 (use labels:long()))"},
    {"nn.cross_entropy(tensor.randn(2, 3), tensor{1, 3})", "[c]:1: bad argument #2 to 'nn.cross_entropy' (cross_entropy: label 3 is out of range for 3 classes)"},
    {"nn.cross_entropy(tensor.randn(2, 3), tensor{1, 2, 0})", "[c]:1: bad argument #2 to 'nn.cross_entropy' (cross_entropy: logits [2, 3] and labels [3] do not match: labels need the logits' shape without the class axis (1))"},
    {"nn.cross_entropy(tensor.randn(2, 3), tensor{1, 2}, {label_smoothing = 1})", "[c]:1: bad argument #3 to 'nn.cross_entropy' (option 'label_smoothing': must be in [0, 1), got 1.0)"},
    {"nn.cross_entropy(tensor.randn(2, 3), tensor{1, 2}, {smoothing = 0.1})", "[c]:1: bad argument #3 to 'nn.cross_entropy' (unknown option 'smoothing'; valid options: ignore_index, label_smoothing)"},
    {"nn.contrastive(tensor.randn(2, 3), tensor.randn(3, 3), 1)", "[c]:1: bad argument #2 to 'nn.contrastive' (contrastive: both embeddings must be [B, D] of one shape, got [2, 3] and [3, 3])"},
    {"nn.contrastive(tensor.randn(2, 3), tensor.randn(2, 3))", "[c]:1: bad argument #3 to 'nn.contrastive' (Tensor expected, got no value)"},
    {"nn.contrastive(tensor.randn(2, 3), tensor.randn(2, 3), tensor.zeros(2))", "[c]:1: bad argument #3 to 'nn.contrastive' (a one-element tensor expected, got shape [2])"},
    {"nn.bce_with_logits(tensor.randn(2), tensor.randn(3))", "[c]:1: bad argument #2 to 'nn.bce_with_logits' (bce_with_logits: logits [2] and targets [3] differ)"},
    {"nn.mse(tensor.randn(2), 1)", "[c]:1: bad argument #2 to 'nn.mse' (Tensor expected, got number)"},
    {"nn.ctc(tensor.randn(5, 2, 4):log_softmax(3), tensor{{1, 2}, {1, 0}}, {5, 5})", "[c]:1: bad argument #4 to 'nn.ctc' (list of lengths or Tensor expected, got no value)"},
    {"nn.ctc(tensor.randn(5, 2, 4):log_softmax(3), tensor{{1, 2}, {1, 3}}, {5, 5}, {2, 2}, {reduction = 'avg'})", "[c]:1: bad argument #5 to 'nn.ctc' (option 'reduction': expected one of \"mean\", \"sum\", \"none\", got \"avg\")"},
    {"nn.ctc(tensor.randn(5, 2, 4):log_softmax(3), tensor{{1.0, 2}}, {5, 5}, {2, 2})", "[c]:1: bad argument #2 to 'nn.ctc' (int64 targets expected, got float32)"},
    {"nn.ctc(tensor.randn(5, 2, 4):log_softmax(3), tensor{{1, 2}, {1, 3}}, {5}, {2, 2})", "[c]:1: bad argument #3 to 'nn.ctc' (2 lengths expected (one per batch item of log_probs [T, N, C]), got 1)"},
    {"nn.ctc(tensor.randn(5, 2, 4):log_softmax(3), tensor{{1, 2}, {1, 4}}, {5, 5}, {2, 2})", "[c]:1: bad argument #1 to 'nn.ctc' (ctc: target label 4 is the blank or not a class id)"},
}

for _, case in ipairs(cases) do
    local code, expected = case[1], case[2]
    local ok, message = pcall(assert(load(code, "=[c]", "t", env)))
    assert(not ok, code .. ": no error")
    message = tostring(message)
    if expected:sub(1, 1) == "~" then
        assert(message:find(expected:sub(2), 1, true), code .. ":\n  got      " .. message .. "\n  expected ~" .. expected:sub(2))
    else
        assert(message == expected, code .. ":\n  got      " .. message .. "\n  expected " .. expected)
    end
end

-- every Module method refuses a bad self and a bad argument list, naming itself (a call names
-- the module it runs)
local weird = coroutine.create(function() end)   -- a value no function accepts
local mt = getmetatable(lin)
for name, method in pairs(mt.__methods) do
    local qualified = "'Module:" .. name .. "'"
    local ok, message = pcall(method, 5)
    assert(not ok and message == "bad argument #1 to " .. qualified .. " (Module expected, got number)", message)
    ok, message = pcall(method, lin, weird, weird, weird, weird, weird)
    assert(not ok and (message:find(qualified, 1, true) or message:find("'Linear'", 1, true)), name .. ": " .. tostring(message))
end
-- and so does every nn function
for name, f in pairs(nn) do
    local ok, message = pcall(f, weird, weird, weird, weird, weird)
    assert(not ok and message:find("'nn." .. name .. "'", 1, true), name .. ": " .. tostring(message))
end

-- the modules are intact after all of that
assert(lin:num_parameters() == 10 and vit{pixel_values = tensor.randn(1, 3, 16, 16)}.logits:size(2) == 3)

print("nn_errors.lua ok")
