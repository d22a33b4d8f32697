-- nn.load on the reference folders of Tests/Fixtures/models: from Lua, every model gives the
-- outputs transformers (or UNITER's code) gave, and the gradients of one backward of its loss.
-- `fixtures` and `scratch` are set by the test runner.

-- The largest |a - b| over the largest |b|, as the Swift parity tests measure.
local function relative_error(a, b)
    assert(table.concat(a:shape(), ",") == table.concat(b:shape(), ","),
        "shapes " .. table.concat(a:shape(), ",") .. " and " .. table.concat(b:shape(), ","))
    local scale = b:abs():max():item()
    return (a - b):abs():max():item() / (scale > 0 and scale or 1)
end

-- Runs the case's model on its inputs and compares the outputs named in `compare`
-- (reference name -> path into Ember's output table).
local function check(case, compare, options)
    options = options or {}
    local dir = fixtures .. "models/" .. case
    local m = nn.load(dir, options.load)
    assert(not m.training, case .. ": nn.load returns eval mode")
    local inputs = tensor.load(dir .. "/inputs.safetensors")
    for from, to in pairs(options.rename or {}) do inputs[to], inputs[from] = inputs[from], nil end
    inputs.output_hidden_states = true
    inputs.return_loss = options.return_loss
    local out = m(inputs)
    local reference = tensor.load(dir .. "/outputs.safetensors")
    for name, path in pairs(compare) do
        local value = out
        for key in path:gmatch("[^.]+") do value = value[tonumber(key) or key] end
        assert(value ~= nil, case .. ": no output " .. path)
        local err = relative_error(value, reference[name])
        assert(err < 1e-4, case .. "." .. name .. ": relative error " .. err)
    end
    return m, out
end

-- Every parameter gradient of the loss against the reference (zero ones must stay tiny).
local function check_gradients(case, m, loss)
    m:zero_grad()
    loss:backward()
    local reference = tensor.load(fixtures .. "models/" .. case .. "/grads.safetensors")
    local largest = 0
    for _, g in pairs(reference) do largest = math.max(largest, g:abs():max():item()) end
    local count = 0
    for name, expected in pairs(reference) do
        local grad = assert(m:get_parameter(name).grad, case .. ": no gradient for " .. name)
        if expected:abs():max():item() < 1e-7 * largest then
            assert(grad:abs():max():item() < 1e-6 * largest, case .. ": " .. name .. " should be zero")
        else
            local err = relative_error(grad, expected)
            assert(err < 1e-4, case .. " grad " .. name .. ": relative error " .. err)
        end
        count = count + 1
    end
    return count
end

local hidden = {["hidden_states.0"] = "hidden_states.1", ["hidden_states.1"] = "hidden_states.2",
                ["hidden_states.2"] = "hidden_states.3"}
local function with_hidden(t)
    for k, v in pairs(hidden) do t[k] = v end
    return t
end

-- ViT classifier: logits, loss, hidden states (hidden_states[k + 1] is Hugging Face's k), gradients
local vit, out = check("vit-classifier", with_hidden{logits = "logits", loss = "loss"})
assert(vit.config.id2label[1] == "code" and vit.config.architectures[1] == "ViTForImageClassification")
assert(check_gradients("vit-classifier", vit, out.loss) == 40)

check("vit-model-no-qkv-bias", with_hidden{last_hidden_state = "last_hidden_state", pooler_output = "pooler_output"})

-- BERT sequence classification, with its gradients; the legacy pytorch_model.bin folder
local bert, bert_out = check("bert-seqcls", with_hidden{logits = "logits", loss = "loss"})
assert(check_gradients("bert-seqcls", bert, bert_out.loss) == 41)
check("bert-legacy-names", with_hidden{last_hidden_state = "last_hidden_state", pooler_output = "pooler_output"})

-- CLIP: embeddings, both logits and the loss (return_loss=true); the towers' outputs nest
local _, clip = check("clip-first-eos", {
    text_embeds = "text_embeds", image_embeds = "image_embeds", logits_per_text = "logits_per_text",
    logits_per_image = "logits_per_image", loss = "loss",
    text_features = "text_model_output.pooler_output", ["text_model.last_hidden_state"] = "text_model_output.last_hidden_state",
    ["vision_model.hidden_states.2"] = "vision_model_output.hidden_states.3",
}, {return_loss = true})
assert(#clip.text_model_output.hidden_states == 3)

-- Wav2Vec2: sequence classification with a mask, CTC with labels
check("wav2vec2-seqcls", {logits = "logits", loss = "loss"})
check("wav2vec2-ctc", with_hidden{logits = "logits", loss = "loss"})

-- UNITER's repository config names no model_type: nn.load takes it as an option
local _, uniter = check("uniter", {
    sequence_output = "last_hidden_state", pooled_output = "pooler_output", itm_logits = "itm_logits", itm_loss = "loss",
    embedding_output = "hidden_states.1",
}, {load = {model_type = "uniter"}, rename = {targets = "itm_labels"}})

print("nn_fixtures.lua ok")
