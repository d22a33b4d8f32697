-- The text library: ids, batches and decoding equal Hugging Face transformers 5.24's
-- (expected values printed by AutoTokenizer on the same fixture folders). Ids are 0-based
-- values exactly as HF's: never shifted for Lua.
local function same(a, b)
    if type(a) ~= "table" then return a == b end
    if #a ~= #b then return false end
    for i = 1, #a do if not same(a[i], b[i]) then return false end end
    return true
end

local bert = text.tokenizer(fixtures .. "text/minilm")
assert(tostring(bert):find("WordPiece", 1, true))
assert(bert:vocab_size() == 30522)
assert(same(bert:encode("Hello, world! Ünïcödé 日本"), {101, 7592, 1010, 2088, 999, 27260, 1864, 1876, 102}))
assert(same(bert:encode("Hello, world!", {special = false}), {7592, 1010, 2088, 999}))
assert(bert:decode({101, 7592, 1010, 2088, 999, 102}) == "[CLS] hello, world! [SEP]")
assert(bert:decode(tensor{101, 7592, 1010, 2088, 999, 102}, {skip_special_tokens = true}) == "hello, world!")
local ids, types = bert:encode("a question", "a passage")
assert(same(ids, {101, 1037, 3160, 102, 1037, 6019, 102}) and same(types, {0, 0, 0, 0, 1, 1, 1}))
assert(bert:token_to_id("[PAD]") == 0 and bert:id_to_token(101) == "[CLS]" and bert:token_to_id("no-such-token") == nil)

local batch = bert({"a cat", "a dog sat on the mat"}, {padding = "longest"})
assert(batch.input_ids:dtype() == "int64" and batch.attention_mask:dtype() == "int64")
assert(same(batch.input_ids:totable(), {{101, 1037, 4937, 102, 0, 0, 0, 0}, {101, 1037, 3899, 2938, 2006, 1996, 13523, 102}}))
assert(same(batch.attention_mask:totable(), {{1, 1, 1, 1, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}}))
assert(same(batch.token_type_ids:totable(), {{0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}}))
batch = bert({"a cat", "a dog sat on the mat"}, {padding = "max_length", max_length = 6, truncation = true})
assert(same(batch.input_ids:totable(), {{101, 1037, 4937, 102, 0, 0}, {101, 1037, 3899, 2938, 2006, 102}}))
assert(same(batch.attention_mask:totable(), {{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}}))
batch = bert("one text")                         -- a single string is a batch of one
assert(same(batch.input_ids:shape(), {1, 4}))
batch = bert({"a question"}, {"a passage"})      -- pairs
assert(same(batch.token_type_ids:totable(), {{0, 0, 0, 0, 1, 1, 1}}))
local ok, message = pcall(bert, {"a cat", "a dog sat on the mat"})
assert(not ok and message:find('pass {padding="longest"}', 1, true), message)

local clip = text.tokenizer(fixtures .. "text/clip")
assert(tostring(clip):find("byte-level BPE", 1, true))
assert(same(clip:encode("Hello, world! Ünïcödé 日本"),
    {49406, 3306, 267, 1002, 256, 6522, 77, 35689, 66, 7255, 67, 4166, 39121, 19277, 361, 49407}))
assert(clip:decode(clip:encode("Hello, world!")) == "<|startoftext|>hello , world ! <|endoftext|>")
batch = clip({"a cat", "a dog sat on the mat"}, {padding = true})
assert(batch.token_type_ids == nil, "CLIP has no token types")
assert(same(batch.input_ids:totable(), {{49406, 320, 2368, 49407, 49407, 49407, 49407, 49407}, {49406, 320, 1929, 3279, 525, 518, 9063, 49407}}))
batch = clip({"a cat", "a dog sat on the mat"}, {padding = "max_length", max_length = 6, truncation = true})
assert(same(batch.input_ids:totable(), {{49406, 320, 2368, 49407, 49407, 49407}, {49406, 320, 1929, 3279, 525, 49407}}))

-- ids from a batch feed the tensor library directly (0-based values index embedding rows)
local rows = tensor.randn(clip:vocab_size(), 2):index_select(1, batch.input_ids[1])
assert(rows:size(1) == 6)

print("text_tokenizer.lua ok")
