"""Wav2Vec2 fixtures: base-style "group" and large-style "layer"/stable models, CTC (with
gradients) and sequence classification heads, and a file with legacy weight_g/weight_v names."""
import json
import os

import torch
from safetensors.torch import load_file, save_file
from transformers import Wav2Vec2Config, Wav2Vec2ForCTC, Wav2Vec2ForSequenceClassification, Wav2Vec2Model

from models_common import MODELS, check_reload, hf_grads, hidden_states, perturb, save_case, seeded

SIZES = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48,
             conv_dim=(16, 16, 16), conv_kernel=(10, 3, 3), conv_stride=(5, 2, 2),
             num_conv_pos_embedding_groups=4, attn_implementation="eager")
GROUP = dict(feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False, num_conv_pos_embeddings=16)
LAYER = dict(feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True, num_conv_pos_embeddings=16,
             layer_norm_eps=1e-4)
SIZES_NOTE = ("hidden 32, 2 layers, 4 heads, intermediate 48, conv_dim (16,16,16), conv_kernel (10,3,3), "
              "conv_stride (5,2,2), pos conv groups 4")


def audio(g, lengths, total=400):
    """A [B, total] batch of random audio, zero after each length, and its attention mask."""
    x = torch.randn(len(lengths), total, generator=g)
    mask = (torch.arange(total)[None] < torch.tensor(lengths)[:, None]).long()
    return x * mask, mask


def run_base(m, x, mask):
    out = m(input_values=x, attention_mask=mask, output_hidden_states=True)
    return {"extract_features": out.extract_features, "last_hidden_state": out.last_hidden_state,
            **hidden_states("hidden_states", out.hidden_states)}


def make():
    g = seeded(300)
    m = perturb(Wav2Vec2Model(Wav2Vec2Config(**SIZES, **GROUP)), 301).eval()
    x, _ = audio(g, [400, 300])

    def run_group(m):
        return run_base(m, x, None)

    with torch.no_grad():
        out = run_group(m)
    assert out["last_hidden_state"].shape[1] == 19
    save_case("wav2vec2-base-group", m, {"input_values": x}, out,
              f"Wav2Vec2Model, base style: feat_extract_norm group, post-norm, no conv bias; {SIZES_NOTE}, "
              "num_conv_pos_embeddings 16 (even: last frame dropped). Input [2, 400], the second item "
              "zero-padded after 300 samples and no attention mask (as base models are run); 19 frames")
    check_reload(Wav2Vec2Model, f"{MODELS}/wav2vec2-base-group", run_group, out)
    legacy_weight_norm(out, run_group)

    g = seeded(310)
    m = perturb(Wav2Vec2Model(Wav2Vec2Config(**SIZES, **LAYER)), 311).eval()
    x, mask = audio(g, [400, 300])

    def run_layer(m):
        return run_base(m, x, mask)

    with torch.no_grad():
        out = run_layer(m)
    save_case("wav2vec2-large-layer", m, {"input_values": x, "attention_mask": mask}, out,
              f"Wav2Vec2Model, large style: feat_extract_norm layer, do_stable_layer_norm (pre-norm + final "
              f"LN), conv_bias; {SIZES_NOTE}, num_conv_pos_embeddings 16, layer_norm_eps 1e-4 (the conv "
              "LayerNorms keep 1e-5). Input [2, 400] with lengths 400 and 300 and an attention_mask: frames "
              "19 and 14; hidden_states[-1] is before encoder.layer_norm")
    check_reload(Wav2Vec2Model, f"{MODELS}/wav2vec2-large-layer", run_layer, out)

    ctc_cases(seeded(320))
    classification_case(seeded(340))


def legacy_weight_norm(out, run):
    """wav2vec2-base-group's weights with the positional conv's weight norm under the old
    weight_g/weight_v names, as hub files made before torch's parametrizations have them."""
    source = f"{MODELS}/wav2vec2-base-group"
    folder = f"{MODELS}/wav2vec2-legacy-weight-norm"
    old = {".parametrizations.weight.original0": ".weight_g", ".parametrizations.weight.original1": ".weight_v"}

    def write(d):
        tensors = {}
        for k, v in load_file(os.path.join(source, "model.safetensors")).items():
            for new_name, old_name in old.items():
                k = k.replace(new_name, old_name)
            tensors[k] = v
        assert "encoder.pos_conv_embed.conv.weight_g" in tensors
        save_file(tensors, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
        with open(os.path.join(source, "config.json")) as f:
            config = json.load(f)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(config, f, indent=2, sort_keys=True)
            f.write("\n")

    inputs = load_file(os.path.join(source, "inputs.safetensors"))
    save_case("wav2vec2-legacy-weight-norm", Wav2Vec2Model(Wav2Vec2Config(**SIZES, **GROUP)), inputs, out,
              "wav2vec2-base-group's config and weights with encoder.pos_conv_embed.conv.weight_g/weight_v instead "
              "of parametrizations.weight.original0/1; the same inputs and outputs", weights=write)
    check_reload(Wav2Vec2Model, folder, run, out)


def ctc_cases(g):
    for name, style, reduction, lengths, labels, note in [
        ("wav2vec2-ctc", GROUP, "mean", [400, 400], [[3, 4, 5, 5, -100], [6, 6, 7, 8, 9]],
         "group style, no attention mask; ctc_loss_reduction mean (loss divided by target lengths, then "
         "averaged); labels padded with -100; repeated labels need a blank between them"),
        ("wav2vec2-ctc-layer", dict(LAYER, num_conv_pos_embeddings=15), "sum", [400, 300],
         [[3, 4, 5, -100, -100], [7, 1, 8, 2, -100]],
         "layer/stable style with an attention_mask (input lengths 19 and 14 frames), num_conv_pos_embeddings "
         "15 (odd: no frame dropped), ctc_loss_reduction sum (the default)"),
    ]:
        config = Wav2Vec2Config(**SIZES, **style, vocab_size=12, pad_token_id=0, ctc_loss_reduction=reduction)
        m = perturb(Wav2Vec2ForCTC(config), 321 if name == "wav2vec2-ctc" else 331).eval()
        x, mask = audio(g, lengths)
        use_mask = style is not GROUP
        labels = torch.tensor(labels)

        def run(m):
            out = m(input_values=x, attention_mask=mask if use_mask else None, labels=labels, output_hidden_states=True)
            return {"logits": out.logits, "loss": out.loss, **hidden_states("hidden_states", out.hidden_states)}

        out = run(m)
        grads = None
        if name == "wav2vec2-ctc":
            out["loss"].backward()
            grads = hf_grads(m)
        out = {k: v.detach() for k, v in out.items()}
        inputs = {"input_values": x, "labels": labels, **({"attention_mask": mask} if use_mask else {})}
        save_case(name, m, inputs, out,
                  f"Wav2Vec2ForCTC (wav2vec2. prefix, lm_head), vocab 12, pad/blank 0; {SIZES_NOTE}; {note}",
                  grads=grads, loss=None if grads is None else "the model's CTC loss with labels")
        check_reload(Wav2Vec2ForCTC, f"{MODELS}/{name}", run, out)


def classification_case(g):
    config = Wav2Vec2Config(**SIZES, **LAYER, num_labels=3, classifier_proj_size=8)
    m = perturb(Wav2Vec2ForSequenceClassification(config), 341).eval()
    x, mask = audio(g, [400, 300])
    labels = torch.tensor([1, 2])

    def run(m):
        out = m(input_values=x, attention_mask=mask, labels=labels)
        return {"logits": out.logits, "loss": out.loss}

    with torch.no_grad():
        out = run(m)
    save_case("wav2vec2-seqcls", m, {"input_values": x, "attention_mask": mask, "labels": labels}, out,
              f"Wav2Vec2ForSequenceClassification, layer/stable style, {SIZES_NOTE}; classifier_proj_size 8, "
              "num_labels 3: projector, mean over valid frames (from the attention_mask), classifier; "
              "loss = cross-entropy")
    check_reload(Wav2Vec2ForSequenceClassification, f"{MODELS}/wav2vec2-seqcls", run, out)
