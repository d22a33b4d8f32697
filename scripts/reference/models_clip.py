"""CLIP fixtures: CLIPModel with first-eos and legacy (eos_token_id 2, argmax) pooling, quick_gelu
and gelu; stand-alone CLIPTextModel/CLIPVisionModel saved with and without the tower prefix."""
import os

import torch
from safetensors import safe_open
from transformers import CLIPConfig, CLIPModel, CLIPTextModel, CLIPVisionModel

from models_common import MODELS, check_close, check_reload, hf_grads, hidden_states, perturb, save_case, seeded


def clip_config(act, eos, bos, pad):
    text = dict(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=40,
                max_position_embeddings=16, hidden_act=act, layer_norm_eps=1e-5, pad_token_id=pad,
                bos_token_id=bos, eos_token_id=eos)
    vision = dict(image_size=32, patch_size=8, hidden_size=24, num_hidden_layers=2, num_attention_heads=2,
                  intermediate_size=36, hidden_act=act, layer_norm_eps=1e-5)
    return CLIPConfig(text_config=text, vision_config=vision, projection_dim=16, logit_scale_init_value=2.0,
                      attn_implementation="eager")


def run_clip(m, ids, mask, pixels):
    """CLIPModel's outputs, plus the towers' own outputs. In 5.24 CLIPModel returns
    text_model_output/vision_model_output from get_*_features, whose pooler_output is the
    *projected* vector; the towers' pooled vectors come from m.text_model / m.vision_model."""
    out = m(input_ids=ids, attention_mask=mask, pixel_values=pixels, return_loss=True)
    t = m.text_model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    v = m.vision_model(pixel_values=pixels, output_hidden_states=True)
    check_close(out.text_model_output.last_hidden_state, t.last_hidden_state, "text tower", tol=0)
    check_close(out.vision_model_output.last_hidden_state, v.last_hidden_state, "vision tower", tol=0)
    return {
        "text_embeds": out.text_embeds, "image_embeds": out.image_embeds, "logits_per_image": out.logits_per_image,
        "logits_per_text": out.logits_per_text, "loss": out.loss,
        "text_features": out.text_model_output.pooler_output,
        "image_features": out.vision_model_output.pooler_output,
        "text_model.last_hidden_state": t.last_hidden_state,
        "text_model.pooler_output": t.pooler_output,
        "vision_model.last_hidden_state": v.last_hidden_state,
        "vision_model.pooler_output": v.pooler_output,
        **hidden_states("text_model.hidden_states", t.hidden_states),
        **hidden_states("vision_model.hidden_states", v.hidden_states),
    }


def check_pooling(out, ids, eos, legacy):
    """The pooled text vector is the last hidden state at the rule's position, and the other rule
    would pick a different token in every row (so the case tells the rules apart)."""
    h = out["text_model.last_hidden_state"]
    first_eos = (ids == eos).int().argmax(dim=-1)
    argmax = ids.argmax(dim=-1)
    assert (first_eos != argmax).all()
    picked = argmax if legacy else first_eos
    check_close(out["text_model.pooler_output"], h[torch.arange(len(ids)), picked], "pooling", tol=0)


def make():
    cases = [
        # name, hidden_act, eos, bos, pad, ids, lengths, pooling note
        ("clip-first-eos", "quick_gelu", 50, 97, 1,
         [[97, 12, 85, 33, 50, 50, 50, 50, 50, 50],   # padded with eos: the first eos is taken
          [97, 90, 7, 64, 22, 50, 1, 1, 1, 1],        # padded with pad_token_id 1
          [97, 5, 6, 7, 8, 9, 70, 11, 12, 50]], [5, 6, 10],
         "eos_token_id 50 (not 2): pooled at the first eos; ids above 50 (bos 97, 85, 90, 70) make argmax differ"),
        ("clip-legacy-eos2", "gelu", 2, 0, 1,
         [[0, 40, 12, 2, 30, 95, 2, 1, 1, 1],
          [0, 98, 5, 2, 1, 1, 1, 1, 1, 1],
          [0, 3, 4, 5, 6, 7, 8, 9, 10, 2]], [7, 4, 10],
         "eos_token_id 2 (OpenAI hub configs): pooled at argmax(input_ids), which differs from the first 2 in "
         "every row"),
    ]
    for seed, (name, act, eos, bos, pad, ids, lengths, note) in enumerate(cases):
        g = seeded(200 + 10 * seed)
        m = perturb(CLIPModel(clip_config(act, eos, bos, pad)), 201 + 10 * seed).eval()
        ids = torch.tensor(ids)
        mask = (torch.arange(ids.shape[1])[None] < torch.tensor(lengths)[:, None]).long()
        pixels = torch.randn(3, 3, 32, 32, generator=g)
        inputs = {"input_ids": ids, "attention_mask": mask, "pixel_values": pixels}

        def run(m):
            return run_clip(m, ids, mask, pixels)

        out = run(m)
        grads = None
        if name == "clip-first-eos":
            out["loss"].backward()
            grads = hf_grads(m)
        out = {k: v.detach() for k, v in out.items()}
        check_pooling(out, ids, eos, legacy=eos == 2)
        check_close(out["text_features"] / out["text_features"].norm(dim=-1, keepdim=True), out["text_embeds"],
                    "normalized text features")
        save_case(name, m, inputs, out,
                  f"CLIPModel, hidden_act {act} in both towers: text vocab 99, hidden 32, 2 layers, 4 heads, "
                  "intermediate 40, 16 positions; vision image 32, patch 8, hidden 24, 2 heads, intermediate 36; "
                  f"projection_dim 16, logit_scale_init_value 2.0. {note}. return_loss=True. text_features/"
                  "image_features: the projections before normalization (get_*_features; in 5.24 also "
                  "CLIPModel's text_model_output.pooler_output); text_model.*/vision_model.*: the towers' own "
                  "outputs (pooler_output before projection)",
                  grads=grads, loss=None if grads is None else "the model's loss (return_loss=True)")
        check_reload(CLIPModel, f"{MODELS}/{name}", run, out)
        if name == "clip-first-eos":
            towers(ids, mask, pixels, out)


def towers(ids, mask, pixels, clip_out):
    """The first-eos model's towers alone, saved with the prefix (loaded from the CLIPModel folder,
    as hub files are) and without it (a fresh 5.24 model)."""
    source = f"{MODELS}/clip-first-eos"
    for cls, prefix, kind, inputs, run in [
        (CLIPTextModel, "text_model.", "text", {"input_ids": ids, "attention_mask": mask},
         lambda m: m(input_ids=ids, attention_mask=mask)),
        (CLIPVisionModel, "vision_model.", "vision", {"pixel_values": pixels},
         lambda m: m(pixel_values=pixels)),
    ]:
        prefixed = cls.from_pretrained(source, attn_implementation="eager").eval()
        bare = cls(prefixed.config).eval()
        bare.load_state_dict(prefixed.state_dict())
        for m, name, has_prefix in [(prefixed, f"clip-{kind}-prefixed", True), (bare, f"clip-{kind}-bare", False)]:
            with torch.no_grad():
                o = run(m)
            out = {"last_hidden_state": o.last_hidden_state, "pooler_output": o.pooler_output}
            for k, v in out.items():
                check_close(v, clip_out[f"{kind}_model.{k}"], f"{name} {k}", tol=0)
            save_case(name, m, inputs, out,
                      f"{cls.__name__} with the clip-first-eos weights, keys {'with' if has_prefix else 'without'} "
                      f"the '{prefix}' prefix; outputs equal clip-first-eos's {kind}_model.*")
            with safe_open(os.path.join(MODELS, name, "model.safetensors"), "pt") as f:
                assert all(k.startswith(prefix) == has_prefix for k in f.keys()), name
            check_reload(cls, f"{MODELS}/{name}", lambda m: {k: getattr(run(m), k) for k in out}, out)
