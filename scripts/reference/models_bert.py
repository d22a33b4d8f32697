"""BERT fixtures: BertModel with padding and token types, BertForSequenceClassification (with
gradients), and an old-style pytorch_model.bin (bert. prefix, LayerNorm.gamma/beta, extra keys)."""
import json
import os

import torch
from safetensors.torch import load_file
from transformers import BertConfig, BertForSequenceClassification, BertModel

import models_ckpt
from models_common import MODELS, check_reload, hf_grads, hidden_states, perturb, save_case, seeded

SIZES = dict(vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48,
             max_position_embeddings=24, type_vocab_size=2, attn_implementation="eager")
SIZES_NOTE = "vocab 60, hidden 32, 2 layers, 4 heads, intermediate 48, 24 positions, 2 token types"
# [CLS]=2, [SEP]=3, [PAD]=0 in this toy vocabulary: a full pair and a padded short pair.
IDS = torch.tensor([[2, 11, 12, 13, 3, 21, 22, 23, 3], [2, 14, 15, 3, 24, 3, 0, 0, 0]])
TYPES = torch.tensor([[0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 0, 0, 0]])
MASK = torch.tensor([[1] * 9, [1] * 6 + [0] * 3])


def run_model(m):
    out = m(input_ids=IDS, attention_mask=MASK, token_type_ids=TYPES, output_hidden_states=True)
    return {"last_hidden_state": out.last_hidden_state, "pooler_output": out.pooler_output,
            **hidden_states("hidden_states", out.hidden_states)}


def make():
    seeded(400)
    m = perturb(BertModel(BertConfig(**SIZES)), 401).eval()
    with torch.no_grad():
        out = run_model(m)
    inputs = {"input_ids": IDS, "attention_mask": MASK, "token_type_ids": TYPES}
    save_case("bert-model", m, inputs, out,
              f"BertModel with pooler, {SIZES_NOTE}, gelu, layer_norm_eps 1e-12. Two sentence pairs: the second "
              "padded (attention_mask 0 on the last 3 tokens) with token_type_ids 1 on its second segment")
    check_reload(BertModel, f"{MODELS}/bert-model", run_model, out)
    old_style_file(out)

    seeded(410)
    config = BertConfig(**SIZES, hidden_act="gelu_new", layer_norm_eps=1e-7, num_labels=3)
    m = perturb(BertForSequenceClassification(config), 411).eval()
    labels = torch.tensor([2, 0])

    def run(m):
        o = m(input_ids=IDS, attention_mask=MASK, token_type_ids=TYPES, labels=labels, output_hidden_states=True)
        return {"logits": o.logits, "loss": o.loss, **hidden_states("hidden_states", o.hidden_states)}

    out = run(m)
    out["loss"].backward()
    grads = hf_grads(m)
    out = {k: v.detach() for k, v in out.items()}
    save_case("bert-seqcls", m, {**inputs, "labels": labels}, out,
              f"BertForSequenceClassification (bert. prefix, classifier on the pooler output), {SIZES_NOTE}, "
              "hidden_act gelu_new, layer_norm_eps 1e-7, num_labels 3; loss = cross-entropy",
              grads=grads, loss="the model's loss (cross-entropy with labels)")
    check_reload(BertForSequenceClassification, f"{MODELS}/bert-seqcls", run, out)


def old_style_file(out):
    """bert-model's weights as an old hub file: legacy torch.save format, every key with the
    bert. prefix and LayerNorm.gamma/beta names, the position_ids buffer, and a next-sentence head."""
    source = f"{MODELS}/bert-model"

    def write(d):
        old = {}
        for k, v in load_file(os.path.join(source, "model.safetensors")).items():
            k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
            old["bert." + k] = v
        old["bert.embeddings.position_ids"] = torch.arange(24).unsqueeze(0)
        g = torch.Generator().manual_seed(402)
        old["cls.seq_relationship.weight"] = torch.randn(2, 32, generator=g)
        old["cls.seq_relationship.bias"] = torch.randn(2, generator=g)
        models_ckpt.stable_legacy_save(old, os.path.join(d, "pytorch_model.bin"))
        with open(os.path.join(source, "config.json")) as f:
            config = json.load(f)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config, f, indent=2, sort_keys=True)
            f.write("\n")

    inputs = load_file(os.path.join(source, "inputs.safetensors"))
    save_case("bert-legacy-names", BertModel(BertConfig(**SIZES)), inputs, out,
              "bert-model's weights in an old-style pytorch_model.bin (pre-1.6 torch.save format): keys with the "
              "bert. prefix and LayerNorm.gamma/beta, plus bert.embeddings.position_ids (I64) and "
              "cls.seq_relationship.* to be ignored; the same inputs and outputs as bert-model", weights=write)
    check_reload(BertModel, f"{MODELS}/bert-legacy-names", run_model, out)
