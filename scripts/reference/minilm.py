"""The real all-MiniLM-L6-v2 (scripts/fetch-assets) run by transformers, for the Models suite.

Run through `scripts/make-reference minilm`. Writes Tests/Fixtures/minilm/reference.safetensors:
the tokenizer's input_ids and attention_mask for a few sentences (padded to the longest), every
hidden state (hidden_states.0 = embeddings … hidden_states.6 = last_hidden_state) and the
pooler output, float32. The weights stay in the asset folder; the test runs when they are present.
"""
import os

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoTokenizer, BertModel

ROOT = os.environ["EMBER_ROOT"]
ASSETS = os.environ["EMBER_ASSETS"]
MODEL = os.path.join(ASSETS, "all-MiniLM-L6-v2")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "minilm")

SENTENCES = [
    "A screen recording of someone typing code.",
    "The loss went down!",
    "Café naïve — 東京",
]

tokenizer = AutoTokenizer.from_pretrained(MODEL)
model = BertModel.from_pretrained(MODEL).eval()
batch = tokenizer(SENTENCES, padding=True, return_tensors="pt")
with torch.no_grad():
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=True)
tensors = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
           "pooler_output": out.pooler_output}
for i, h in enumerate(out.hidden_states):
    tensors[f"hidden_states.{i}"] = h
os.makedirs(OUT, exist_ok=True)
save_file({k: v.contiguous().clone() for k, v in tensors.items()}, os.path.join(OUT, "reference.safetensors"),
          metadata={"transformers": transformers.__version__, "torch": torch.__version__, "model": "all-MiniLM-L6-v2"})
print("minilm:", list(batch["input_ids"].shape), "tokens,", len(out.hidden_states), "hidden states")
