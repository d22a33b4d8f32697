"""Reference fixtures for the Text target (tokenizers), made with Hugging Face transformers/tokenizers.

Run through `scripts/make-reference text`. It writes, under Tests/Fixtures/text/:
  minilm/        the real all-MiniLM-L6-v2 tokenizer files (vocab.txt, tokenizer.json, configs)
  clip/          vocab.json + merges.txt derived from the real open-clip BPE merges, as OpenAI/HF do,
                 plus a tokenizer_config.json with OpenAI's model_max_length 77
  clip-small/    a CLIP tokenizer over the first 2000 merges, saved by save_pretrained (tokenizer.json)
  <name>.json    per tokenizer: the corpus and HF's ids for encode (with/without specials), pairs,
                 batches (padding/truncation) and decode strings.
Every tokenizer is loaded back from the committed files, so the fixtures describe exactly those files.
"""
import gzip
import json
import os
import shutil

import tokenizers
import transformers
from transformers import AutoTokenizer, BertTokenizer, CLIPTokenizer

ROOT = os.environ["EMBER_ROOT"]
ASSETS = os.environ["EMBER_ASSETS"]
OUT = os.path.join(ROOT, "Tests", "Fixtures", "text")

LONG_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis" * 3  # 135 letters: over WordPiece's 100
LONG_TEXT = " ".join(
    "a screen recording of someone typing code into an editor while talking about the "
    "results of the last training run and the loss curve that went down".split() * 2
)

CORPUS = [
    "",
    " ",
    "   \t\n  ",
    "Hello world",
    "Hello   World!!",
    "it's 3.14 hello,world!!",
    "I'm sure they'll say we'd've known; you're right, isn't it? She's here.",
    "don't DON'T Don’t it’s",
    "''s 'sa 's' x'S",
    "Café café cafe\u0301 CAFE\u0301 naïve ＡＢＣ",
    "\u00c5ngstr\u00f6m vs A\u030angstro\u0308m",
    "İstanbul ǅemal ß ẞ ΣΑΣ ﬁ",
    "日本語のテキストと中文字符，以及한국어 텍스트。",
    "𠀀𠀁 U+20000 and 龜 (U+F9FE-ish) 丽",
    "emoji 🙂👍🏽 👨‍👩‍👧 ❤️ 🇫🇷 end",
    "punctuation: $5 ^caret^ `tick` a+b<c=d>e|f~g @ # % & * ( ) [ ] { } / \\ _ - – — … « » ¿ ¡ · • †",
    "tabs\tand\nnewlines\r\nand\u000bvertical\u000cform\u0085nel\u2028line\u2029para",
    "control\u0000chars\u0001\u001f\u007f\u009f and \ufffd replacement",
    "soft\u00adhyphen zero\u200bwidth joiner\u200dx non\u200cjoiner bom\ufeffx nbsp\u00a0x",
    "ideographic\u3000space and\u2003em\u2002en\u1680ogham\u202fnarrow",
    "file separator\u001cx group\u001dx record\u001ex unit\u001fx",
    LONG_WORD,
    "prefix " + LONG_WORD + " suffix",
    "a" * 100 + " " + "b" * 101,
    "numbers 0 1 23 456 7890 3.14159 1,000,000 ²³ ½ Ⅻ ٣٤٥ ۱۲ १२",
    "UPPER lower MiXeD CamelCaseWord snake_case_word kebab-case-word",
    "unaffable unbelievable tokenization preprocessing",
    "e-mail: someone@example.com, url: https://example.org/a?b=c&d=e#f",
    "<|startoftext|>a photo of a cat<|endoftext|>",
    "<|ENDOFTEXT|> <|StartOfText|> <|endoftext",
    "[CLS] [SEP] [MASK] [PAD] [UNK] [cls] x[SEP]y [MASK]ed",
    "Ελληνικά κείμενα, русский текст, עברית, العربية, हिन्दी, ไทย",
    "combining: e\u0301\u0302\u0303 a\u0308 o\u0328\u0301 Z\u0336a\u0337l\u0338g\u0335o",
    "full-width ＨＥＬＬＯ，ｗｏｒｌｄ！ １２３",
    "!!!???...,,,;;;:::",
    "a.b,c!d?e;f:g'h\"i",
    "  leading and trailing spaces  ",
    "\u00e9\u00e8\u00ea\u00eb \u00c9\u00c8\u00ca\u00cb \u00f1 \u00d1 \u00e7 \u00c7 \u00f8 \u00d8 \u00e5 \u00c5 \u00e6 \u00c6 \u0153",
    "hiragana ひらがな katakana カタカナ hangul 한글",
    "math ∑ ∫ √ ∞ ≠ ≤ ≥ ± × ÷ → ⇒ ∀ ∃",
    "currency € £ ¥ ₹ ₽ ¢",
    "x",
    "1",
    "'",
    "a\u0301",
    LONG_TEXT,
    "the quick brown fox jumps over the lazy dog",
    "A cat sitting on a laptop keyboard.",
    "😀😀😀😀😀😀😀😀",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag",
]

PAIRS = [
    (3, 5), (6, 7), (9, 12), (0, 3), (3, 0), (45, 46), (21, 26), (28, 30),
]

BATCH_SUBSET = [3, 4, 0, 5, 9, 12, 14, 21, 45]


def batch_cases(n_corpus):
    everything = list(range(n_corpus))
    return [
        ({"padding": "longest"}, everything),
        ({"padding": "longest", "truncation": True, "max_length": 8}, BATCH_SUBSET),
        ({"padding": "max_length", "truncation": True, "max_length": 16}, BATCH_SUBSET),
        ({"truncation": True, "max_length": 5}, BATCH_SUBSET),
        ({"max_length": 6}, BATCH_SUBSET),  # max_length alone turns truncation on in HF
        ({"padding": "max_length", "max_length": 10}, BATCH_SUBSET),  # no truncation: long rows stay long
        ({"padding": "longest", "max_length": 4}, [3, 45]),  # max_length ignored without truncation
        ({"truncation": True}, [45, 3]),  # model_max_length
        ({"padding": "max_length"}, [3, 0]),  # pad to model_max_length
        ({"padding": "longest", "add_special_tokens": False}, [3, 5, 0, 12]),
        ({"padding": "longest", "truncation": True, "max_length": 3}, [3, 5]),
        ({"truncation": True, "max_length": 2}, [3, 0, 45]),
    ]


PAIR_BATCHES = [
    ({"padding": "longest"}, PAIRS),
    ({"padding": "longest", "truncation": True, "max_length": 12}, PAIRS),
    ({"padding": "max_length", "truncation": True, "max_length": 9}, PAIRS),
    ({"truncation": True, "max_length": 7, "add_special_tokens": False}, PAIRS),
]


def ids_of(tok, text, special):
    return tok(text, add_special_tokens=special)["input_ids"]


def fixture(name, tok, load, uses_type_ids, model_max_length):
    corpus = CORPUS
    encode = [
        {"text": s, "ids": ids_of(tok, s, True), "ids_no_special": ids_of(tok, s, False)} for s in corpus
    ]
    pairs = []
    for a, b in PAIRS:
        e = tok([(corpus[a], corpus[b])])
        pairs.append({"a": a, "b": b, "ids": e["input_ids"][0], "type_ids": e["token_type_ids"][0]
                      if uses_type_ids else None})
    batches = []
    for options, rows in batch_cases(len(corpus)):
        e = tok([corpus[i] for i in rows], **options)
        batches.append({"rows": rows, "options": options, "input_ids": e["input_ids"],
                        "attention_mask": e["attention_mask"],
                        "token_type_ids": e.get("token_type_ids")})
    for options, pair_rows in PAIR_BATCHES:
        e = tok([(corpus[a], corpus[b]) for a, b in pair_rows], **options)
        batches.append({"rows": [a for a, _ in pair_rows], "pair_rows": [b for _, b in pair_rows],
                        "options": options, "input_ids": e["input_ids"],
                        "attention_mask": e["attention_mask"],
                        "token_type_ids": e.get("token_type_ids")})
    decode = []
    for case in encode:
        for skip in (False, True):
            decode.append({"ids": case["ids"], "skip_special": skip,
                           "text": tok.decode(case["ids"], skip_special_tokens=skip)})
    size = len(tok)
    extra = [list(range(1000, 1012)), list(range(size - 40, size)), [0, 1, 2, 3], [size - 1] * 3,
             list(range(200, 260)), list(range(300, 520, 7)), []]
    for ids in extra:
        decode.append({"ids": ids, "skip_special": False, "text": tok.decode(ids)})
    return {
        "name": name,
        "generator": f"transformers {transformers.__version__}, tokenizers {tokenizers.__version__}",
        "hf_class": type(tok).__name__,
        "load": load,
        "vocab_size": size,
        "model_max_length": model_max_length,
        "pad_token_id": tok.pad_token_id,
        "encode": encode,
        "pairs": pairs,
        "batches": batches,
        "decode": decode,
    }


def write(name, data):
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


# ---- files -------------------------------------------------------------------------------------

def copy_minilm():
    dst = os.path.join(OUT, "minilm")
    os.makedirs(dst, exist_ok=True)
    src = os.path.join(ASSETS, "all-MiniLM-L6-v2")
    for f in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(src, f), os.path.join(dst, f))
    return dst


def gpt2_byte_symbols():
    """The 256 byte symbols in byte order, as OpenAI's bytes_to_unicode lists them (printable first)."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    symbols = {b: chr(b) for b in printable}
    n = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + n)
            n += 1
    return [symbols[b] for b in printable] + [symbols[b] for b in range(256) if b not in printable]


def clip_vocab_and_merges(n_merges):
    path = os.path.join(ASSETS, "clip-bpe", "bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    merges = lines[1:1 + n_merges]  # line 0 is the header
    byte_symbols = gpt2_byte_symbols()
    vocab = byte_symbols + [s + "</w>" for s in byte_symbols] + ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == len(set(vocab))
    return {s: i for i, s in enumerate(vocab)}, merges


def write_clip_files():
    dst = os.path.join(OUT, "clip")
    os.makedirs(dst, exist_ok=True)
    vocab, merges = clip_vocab_and_merges(49152 - 256 - 2)
    assert len(vocab) == 49408, len(vocab)
    assert vocab["<|startoftext|>"] == 49406 and vocab["<|endoftext|>"] == 49407
    with open(os.path.join(dst, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(dst, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    with open(os.path.join(dst, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": 77}, f, indent=2)
    return dst


def write_clip_small():
    """A small CLIP tokenizer saved by HF itself, to test reading the tokenizer.json format."""
    dst = os.path.join(OUT, "clip-small")
    shutil.rmtree(dst, ignore_errors=True)
    vocab, merges = clip_vocab_and_merges(2000)
    pairs = [tuple(m.split()) for m in merges]
    tok = CLIPTokenizer(vocab=vocab, merges=pairs, pad_token="!", model_max_length=20)
    tok.save_pretrained(dst)
    return dst


def check_config_overrides_tokenizer_json(minilm):
    """HF's BertTokenizer takes do_lower_case from tokenizer_config.json, not from tokenizer.json's
    normalizer. The Swift test (BertConfigTests) relies on this: MiniLM's tokenizer.json with a config
    saying do_lower_case false must give exactly the bert-cased fixture's ids."""
    folder = os.path.join("/tmp", "ember-text-cased-config")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.copyfile(os.path.join(minilm, "tokenizer.json"), os.path.join(folder, "tokenizer.json"))
    with open(os.path.join(minilm, "tokenizer_config.json")) as f:
        config = json.load(f)
    config["do_lower_case"] = False
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    tok = AutoTokenizer.from_pretrained(folder)
    with open(os.path.join(OUT, "bert-cased.json"), encoding="utf-8") as f:
        cased = json.load(f)
    for case in cased["encode"]:
        assert tok(case["text"])["input_ids"] == case["ids"], case["text"]


def main():
    os.makedirs(OUT, exist_ok=True)
    minilm = copy_minilm()
    clip = write_clip_files()
    clip_small = write_clip_small()
    rel = lambda p: os.path.relpath(p, OUT)  # noqa: E731

    vocab_dir = os.path.join("/tmp", "ember-text-vocab-only")  # a folder holding only vocab.txt
    shutil.rmtree(vocab_dir, ignore_errors=True)
    os.makedirs(vocab_dir)
    shutil.copyfile(os.path.join(minilm, "vocab.txt"), os.path.join(vocab_dir, "vocab.txt"))
    bert_variants = [
        ("bert-uncased", {}),
        ("bert-cased", {"do_lower_case": False}),
        ("bert-uncased-keep-accents", {"do_lower_case": True, "strip_accents": False}),
        ("bert-cased-strip-accents-no-cjk",
         {"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": False}),
    ]
    for name, kwargs in bert_variants:
        tok = BertTokenizer.from_pretrained(vocab_dir, **kwargs)
        write(name, fixture(name, tok, {"path": rel(os.path.join(minilm, "vocab.txt")), "bert": kwargs},
                            True, None))

    tok = AutoTokenizer.from_pretrained(minilm)
    write("minilm-auto", fixture("minilm-auto", tok, {"path": rel(minilm)}, True, tok.model_max_length))

    check_config_overrides_tokenizer_json(minilm)

    tok = CLIPTokenizer.from_pretrained(clip)
    assert len(tok) == 49408 and tok.bos_token_id == 49406 and tok.eos_token_id == 49407
    write("clip", fixture("clip", tok, {"path": rel(clip)}, False, tok.model_max_length))

    tok = AutoTokenizer.from_pretrained(clip_small)
    write("clip-small", fixture("clip-small", tok, {"path": rel(clip_small)}, False, tok.model_max_length))


if __name__ == "__main__":
    main()
