"""UNITER fixtures. transformers has no UNITER, so the reference is HF BertModel's embeddings,
encoder and pooler (UNITER's backbone, MODELS.md §6) plus a plain-torch transcription of UNITER's
image embeddings, compact text+regions sequence and ITM head, with the repository's module names
so that state_dict() gives its checkpoint keys."""
import json
import os
import shutil

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn
from transformers import BertConfig, BertModel

import models_ckpt
from models_common import MODELS, check_close, note_case, perturb, save_case, seeded

HIDDEN, IMG_DIM = 32, 20
CONFIG = {  # the fields of UNITER's config/uniter-base.json, tiny sizes; img_dim is an addition (see README)
    "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": HIDDEN,
    "initializer_range": 0.02, "intermediate_size": 48, "max_position_embeddings": 40, "num_attention_heads": 4,
    "num_hidden_layers": 2, "type_vocab_size": 2, "vocab_size": 60, "img_dim": IMG_DIM,
}


class UniterImageEmbeddings(nn.Module):
    """UNITER's image embeddings: LN(img_linear(f)) + LN(pos_linear(box7)) + token type 1, then LayerNorm."""

    def __init__(self):
        super().__init__()
        self.img_linear = nn.Linear(IMG_DIM, HIDDEN)
        self.img_layer_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.pos_layer_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.pos_linear = nn.Linear(7, HIDDEN)
        self.mask_embedding = nn.Embedding(2, IMG_DIM, padding_idx=0)  # masked-region pretraining only
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, img_feat, img_pos_feat, type_embeddings):
        transformed_im = self.img_layer_norm(self.img_linear(img_feat))
        transformed_pos = self.pos_layer_norm(self.pos_linear(img_pos_feat))
        return self.LayerNorm(transformed_im + transformed_pos + type_embeddings)


class UniterModel(nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.embeddings, self.encoder, self.pooler = bert.embeddings, bert.encoder, bert.pooler
        self.img_embeddings = UniterImageEmbeddings()

    def text_embeddings(self, input_ids, position_ids):
        # UNITER's sum order: words + positions + token type 0 (HF BERT adds token types first).
        e = self.embeddings
        words = e.word_embeddings(input_ids)
        positions = e.position_embeddings(position_ids)
        types = e.token_type_embeddings(torch.zeros_like(input_ids))
        return e.LayerNorm(words + positions + types)

    def forward(self, input_ids, position_ids, img_feat, img_pos_feat, attn_masks, gather_index):
        txt = self.text_embeddings(input_ids, position_ids)
        img_types = self.embeddings.token_type_embeddings(torch.ones_like(img_feat[:, :, 0].long()))
        img = self.img_embeddings(img_feat, img_pos_feat, img_types)
        index = gather_index.unsqueeze(-1).expand(-1, -1, HIDDEN)
        embedding_output = torch.gather(torch.cat([txt, img], dim=1), dim=1, index=index)
        extended = (1.0 - attn_masks[:, None, None, :].float()) * -10000.0
        sequence = self.encoder(embedding_output, attention_mask=extended).last_hidden_state
        return {"text_embeddings": txt, "img_embeddings": img, "embedding_output": embedding_output,
                "sequence_output": sequence, "pooled_output": self.pooler(sequence)}


class Heads(nn.Module):
    def __init__(self, **children):
        super().__init__()
        for name, child in children.items():
            setattr(self, name, child)


class UniterForItm(nn.Module):
    """The UNITER model with the ITM head, plus the pretraining heads whose weights are tied to
    the backbone (the MLM decoder to the word embeddings, feat_regress to img_linear), as in the
    repository's pretraining checkpoints."""

    def __init__(self, bert):
        super().__init__()
        self.uniter = UniterModel(bert)
        self.itm_output = nn.Linear(HIDDEN, 2)
        decoder = nn.Linear(HIDDEN, CONFIG["vocab_size"], bias=False)
        decoder.weight = self.uniter.embeddings.word_embeddings.weight
        self.cls = Heads(predictions=Heads(decoder=decoder))
        self.cls.predictions.bias = nn.Parameter(torch.zeros(CONFIG["vocab_size"]))
        self.feat_regress = Heads()
        self.feat_regress.weight = self.uniter.img_embeddings.img_linear.weight
        self.feat_regress.bias = nn.Parameter(torch.zeros(IMG_DIM))

    def forward(self, targets, **inputs):
        out = self.uniter(**inputs)
        out["itm_logits"] = self.itm_output(out["pooled_output"])
        out["itm_loss"] = nn.functional.cross_entropy(out["itm_logits"], targets)
        return out


def batch(g):
    """Two examples as UNITER's itm_collate lays them out: text lengths 6 and 4, 4 and 3 regions."""
    input_ids = torch.tensor([[2, 11, 12, 13, 14, 3], [2, 21, 22, 3, 0, 0]])
    txt_lens, num_bbs = [6, 4], [4, 3]
    img_feat = torch.randn(2, 4, IMG_DIM, generator=g)
    img_feat[1, 3:] = 0
    xy = torch.rand(2, 4, 2, generator=g) * 0.5
    wh = 0.1 + torch.rand(2, 4, 2, generator=g) * 0.4
    img_pos_feat = torch.cat([xy, xy + wh, wh, wh[..., :1] * wh[..., 1:]], dim=-1)  # x1 y1 x2 y2 w h w·h
    img_pos_feat[1, 3:] = 0
    out_size = max(t + n for t, n in zip(txt_lens, num_bbs))
    attn_masks = torch.zeros(2, out_size, dtype=torch.long)
    gather_index = torch.arange(out_size).unsqueeze(0).repeat(2, 1)
    for i, (tl, nbb) in enumerate(zip(txt_lens, num_bbs)):
        attn_masks[i, :tl + nbb] = 1
        gather_index[i, tl:tl + nbb] = torch.arange(input_ids.shape[1], input_ids.shape[1] + nbb)
    return {"input_ids": input_ids, "position_ids": torch.arange(input_ids.shape[1]).unsqueeze(0),
            "img_feat": img_feat, "img_pos_feat": img_pos_feat, "attn_masks": attn_masks,
            "gather_index": gather_index}


def make():
    g = seeded(500)
    bert = BertModel(BertConfig(**{k: v for k, v in CONFIG.items() if k != "img_dim"}, layer_norm_eps=1e-12,
                                 attn_implementation="eager"), add_pooling_layer=True)
    m = perturb(UniterForItm(bert), 501).eval()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(p.half().float())  # float16-exact, so the float16 .pt below holds the same weights
    inputs = batch(g)
    targets = torch.tensor([1, 0])
    out = m(targets=targets, **inputs)
    out["itm_loss"].backward()
    grads = {k: p.grad.clone() for k, p in m.named_parameters() if p.grad is not None}
    out = {k: v.detach() for k, v in out.items()}

    # The text-only path equals HF BertModel (UNITER's backbone claim in MODELS.md §6).
    ids = inputs["input_ids"]
    with torch.no_grad():
        hf = bert(input_ids=ids, attention_mask=(ids != 0).long()).last_hidden_state
        alone = m.uniter(**{**inputs, "img_feat": inputs["img_feat"][:, :0], "img_pos_feat": inputs["img_pos_feat"][:, :0],
                            "attn_masks": (ids != 0).long(), "gather_index": torch.arange(6).repeat(2, 1)})
    check_close(alone["sequence_output"][0], hf[0], "UNITER text-only = BertModel", tol=1e-5)
    check_close(alone["sequence_output"][1, :4], hf[1, :4], "UNITER text-only = BertModel (padded)", tol=1e-5)

    state = m.state_dict()
    backbone = {k[len("uniter."):] for k in state if k.startswith(("uniter.embeddings.", "uniter.encoder.", "uniter.pooler."))}
    with safe_open(os.path.join(MODELS, "bert-model", "model.safetensors"), "pt") as f:
        assert backbone == set(f.keys()), sorted(backbone ^ set(f.keys()))
    assert state["cls.predictions.decoder.weight"].data_ptr() == state["uniter.embeddings.word_embeddings.weight"].data_ptr()

    def write(d):
        save_file({k: v.clone() for k, v in state.items()}, os.path.join(d, "model.safetensors"),
                  metadata={"format": "pt"})
        halves = {}  # one float16 copy per storage, so tied tensors stay tied
        for v in state.values():
            halves.setdefault(v.data_ptr(), v.half())
        pt = os.path.join(d, "model_step_100.pt")
        models_ckpt.stable_legacy_save({k: halves[v.data_ptr()] for k, v in state.items()}, pt)
        loaded = torch.load(pt)
        assert loaded["cls.predictions.decoder.weight"].data_ptr() == loaded["uniter.embeddings.word_embeddings.weight"].data_ptr()
        assert all(torch.equal(loaded[k].float(), v) for k, v in state.items())
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(CONFIG, f, indent=2, sort_keys=True)
            f.write("\n")

    save_case("uniter", m, {**inputs, "targets": targets}, out,
              "UNITER (ChenRocks/UNITER names: uniter.embeddings/img_embeddings/encoder/pooler, itm_output, the "
              "tied heads cls.predictions.decoder.weight = word embeddings and feat_regress.weight = img_linear."
              "weight): hidden 32, 2 layers, 4 heads, intermediate 48, vocab 60, 40 positions, img_dim 20, "
              "LayerNorm eps 1e-12. Weights are float16-exact. model.safetensors (float32, tied tensors cloned) and "
              "model_step_100.pt (torch.save legacy format, float16, tied tensors sharing storage) hold the same "
              "weights. Batch: text lengths 6 and 4, 4 and 3 regions, compact sequence by gather_index as "
              "UNITER's collate builds it (padded positions gather arange indices), additive mask -10000. "
              "Outputs: text_embeddings, img_embeddings, embedding_output (gathered), sequence_output, "
              "pooled_output, itm_logits, itm_loss (cross-entropy with targets). Compare padded positions of "
              "sequence_output only if you reproduce the gather exactly; valid positions always",
              grads=grads, loss="itm_loss, UNITER's ITM cross-entropy with targets; grads under UNITER names",
              weights=write)
    init_file(state)


def init_file(state):
    """A BERT initialisation as UNITER's uniter-base-init.pt: the backbone under uniter. names
    with LayerNorm.gamma/beta (pytorch_pretrained_bert's names, 'bert' replaced by 'uniter')."""
    folder = os.path.join(MODELS, "uniter-init")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    init = {}
    for k, v in state.items():
        if k.startswith(("uniter.embeddings.", "uniter.encoder.", "uniter.pooler.")):
            init[k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")] = v
    models_ckpt.stable_legacy_save(init, os.path.join(folder, "uniter-base-init.pt"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2, sort_keys=True)
        f.write("\n")
    note_case("uniter-init", "state dict",
              "uniter-base-init.pt (torch.save legacy format, float32): the uniter case's backbone (uniter.embeddings/"
              "encoder/pooler) under UNITER's BERT-initialisation names, LayerNorm.gamma/beta; no image "
              "embeddings or heads (a model initialised from it reports those missing). No inputs or outputs: "
              "after the renames its tensors equal the uniter case's")
