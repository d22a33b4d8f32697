"""Reference fixtures for the Models target, made with PyTorch and Hugging Face transformers.

Run through `scripts/make-reference models`. It writes
  Tests/Fixtures/models/<case>/       small random-init models of every architecture and variant
                                      (save_pretrained), inputs.safetensors, outputs.safetensors and,
                                      for one model per family, grads.safetensors; README.md lists them
  Tests/Fixtures/checkpoints/         checkpoint-format fixtures (models_ckpt.py); README.md lists them
  Tests/Fixtures/models/wav2vec2/     extra Wav2Vec2 cases (wav2vec2_extra_fixtures below)
Everything is seeded, so a re-run writes the same bytes.
"""
import json
import os
import warnings

import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import Wav2Vec2Config, Wav2Vec2ForCTC, Wav2Vec2ForSequenceClassification

import models_bert
import models_ckpt
import models_clip
import models_common
import models_uniter
import models_vit
import models_wav2vec2

ROOT = os.environ["EMBER_ROOT"]
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
MODELS_EXTRA = os.path.join(FIXTURES, "models", "wav2vec2")


FAMILIES = [models_vit, models_clip, models_wav2vec2, models_bert, models_uniter]


def tiny_bert_for_checkpoints():
    torch.manual_seed(7)
    config = transformers.BertConfig(
        vocab_size=40, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=24,
        max_position_embeddings=24)
    return transformers.BertModel(config).eval()


def write_readme(path, title, intro, rows):
    with open(path, "w") as f:
        f.write(f"# {title}\n\n{intro}\n\n| file | what |\n|---|---|\n")
        for name, what in rows:
            f.write(f"| `{name}` | {what} |\n")


MODELS_INTRO = """Written by `scripts/make-reference models` (scripts/reference/models.py and models_*.py) with
torch {torch} and transformers {transformers}; `cases.json` lists the same cases for tests.

How every case is made:
* Tiny configs with non-default values, random init with fixed seeds, then N(0, 0.1²) noise added to every
  parameter (so LayerNorm weights are not all one and biases not all zero). Float32 throughout.
* `eval()` mode (no dropout, layerdrop or SpecAugment) and `attn_implementation="eager"` (additive masks of
  `finfo(float32).min`; SDPA differs by about 2e-7).
* `config.json` + `model.safetensors` come from `save_pretrained` (file key names, not in-memory names) unless the
  case says otherwise. The script reloads every folder with `from_pretrained` and checks that it reproduces the
  outputs exactly.
* `inputs.safetensors`: the forward arguments under Hugging Face's names (int64 ids, masks, labels; float32
  values). `outputs.safetensors`: outputs under the names in the table; `hidden_states.k` is entry k of the
  `hidden_states` tuple ([0] = embeddings output). A scalar loss has shape [].
* `grads.safetensors` (one case per family): the gradient of each parameter after one `backward()` of the stated
  loss, in eval mode, under the checkpoint's key names; parameters that get no gradient are absent.
* Compare within 1e-4 relative error (float32).

Version trap found while writing these (transformers 5.24): `CLIPModel.forward` returns `text_model_output` /
`vision_model_output` from `get_*_features`, whose `pooler_output` is the **projected** vector; the towers' own
pooled vectors are saved here as `text_model.pooler_output` / `vision_model.pooler_output`."""


def write_models_readme(path):
    with open(path, "w") as f:
        f.write("# Model reference fixtures\n\n")
        f.write(MODELS_INTRO.format(torch=torch.__version__.split("+")[0], transformers=transformers.__version__))
        f.write("\n\n| case | class | what | inputs | outputs | grads |\n|---|---|---|---|---|---|\n")
        for c in models_common.CASES:
            inputs = ", ".join(f"`{k}` {v}" for k, v in c["inputs"].items())
            outputs = ", ".join(f"`{k}`" for k in compress(c["outputs"]))
            grads = "" if c["grads"] is None else f"{c['grads']['count']} tensors; {c['grads']['loss']}"
            f.write(f"| `{c['name']}` | {c['class']} | {c['what']} | {inputs} | {outputs} | {grads} |\n")


def compress(names):
    """Output names with runs of `x.hidden_states.k` shown as `x.hidden_states.0..n`."""
    out, seen = [], {}
    for n in names:
        head, _, last = n.rpartition(".")
        if head.endswith("hidden_states") and last.isdigit():
            seen.setdefault(head, []).append(int(last))
        else:
            out.append(n)
    return out + [f"{h}.0..{max(ks)}" for h, ks in seen.items()]


def main():
    warnings.filterwarnings("ignore", message="TypedStorage is deprecated")
    warnings.filterwarnings("ignore", message="Detected pickle protocol")
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    transformers.utils.logging.set_verbosity_error()
    os.makedirs(models_common.MODELS, exist_ok=True)
    for family in FAMILIES:
        family.make()
    models_common.write_json(os.path.join(models_common.MODELS, "cases.json"), models_common.CASES)
    write_models_readme(os.path.join(models_common.MODELS, "README.md"))
    wav2vec2_extra_fixtures()
    out = os.path.join(FIXTURES, "checkpoints")
    rows = models_ckpt.make(out, tiny_bert_for_checkpoints())
    write_readme(os.path.join(out, "README.md"), "Checkpoint-format fixtures",
                 "Written by `scripts/make-reference models` (scripts/reference/models_ckpt.py) with "
                 f"torch {torch.__version__.split('+')[0]} and transformers {transformers.__version__}. "
                 "Every PyTorch file reads back with `torch.load(weights_only=True)` to exactly its twin "
                 "(checked by the script), except the evil-* and broken files, which torch refuses too.",
                 rows)


# ---------------------------------------------------------------------------------------------
# Extra Wav2Vec2 cases for Tests/ModelsTests/Wav2Vec2* (separate from the family fixtures above):
# gradients of both variants and both heads, the weighted layer sum, the group variant with a mask,
# and frame masks of too-short items. Tests/Fixtures/models/wav2vec2/<case>/:
#   config.json, model.safetensors   save_pretrained of a tiny random model
#   model-legacy.safetensors         (group-ctc only) the same weights under the old weight_norm
#                                    names weight_g/weight_v, without the wav2vec2. prefix
#   inputs.safetensors               input_values [2, 400], attention_mask (400 and 300 real
#                                    samples), labels (CTC: [2, 5] padded with -100; cls: [2])
#   outputs.safetensors              with the mask: extract_features, last_hidden_state, logits,
#                                    loss; without it: nomask.last_hidden_state, nomask.logits
#   grads.safetensors                d loss / d parameter after one backward (eval mode: no
#                                    dropout, no SpecAugment), by parameter name
# ---------------------------------------------------------------------------------------------

WAV2VEC2_CASES = {
    # Base style: GroupNorm on the first conv, post-norm encoder, no conv bias, even K (trimmed),
    # masked_spec_embed present (mask_time_prob > 0), CTC reduction "mean".
    "group-ctc": dict(
        head="ctc", feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False,
        num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4, layer_norm_eps=1e-4,
        ctc_loss_reduction="mean", vocab_size=12, pad_token_id=0),
    # Large/stable style: LayerNorm on every conv, pre-norm with a final LN, conv bias, odd K,
    # a large layer_norm_eps (the conv norms must keep 1e-5), no masked_spec_embed, "sum".
    "layer-ctc": dict(
        head="ctc", feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True,
        num_conv_pos_embeddings=7, num_conv_pos_embedding_groups=2, layer_norm_eps=0.3,
        mask_time_prob=0.0, ctc_loss_reduction="sum", vocab_size=12, pad_token_id=0),
    "group-cls": dict(
        head="cls", feat_extract_norm="group", do_stable_layer_norm=False, conv_bias=False,
        num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4, num_labels=3, classifier_proj_size=12),
    # Weighted layer sum in the stable variant: hidden_states[-1] is taken before the final LN.
    "layer-cls-weighted": dict(
        head="cls", feat_extract_norm="layer", do_stable_layer_norm=True, conv_bias=True,
        num_conv_pos_embeddings=6, num_conv_pos_embedding_groups=2, num_labels=4, classifier_proj_size=10,
        use_weighted_layer_sum=True),
}


def wav2vec2_extra_fixtures():
    for case, spec in WAV2VEC2_CASES.items():
        spec = dict(spec)
        head = spec.pop("head")
        torch.manual_seed(sum(map(ord, case)))
        config = Wav2Vec2Config(
            hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48,
            conv_dim=(16, 16, 16), conv_stride=(5, 2, 2), conv_kernel=(10, 3, 3), **spec)
        model = (Wav2Vec2ForCTC if head == "ctc" else Wav2Vec2ForSequenceClassification)(config).eval()
        # Random norms and biases (the init makes them 1 and 0), so every parameter matters.
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "norm" in name or name.endswith("bias") or "layer_weights" in name:
                    p.add_(0.2 * torch.randn_like(p))
        out_dir = os.path.join(MODELS_EXTRA, case)
        model.save_pretrained(out_dir)

        values = torch.randn(2, 400)
        values[1, 300:] = 0
        mask = torch.ones(2, 400, dtype=torch.long)
        mask[1, 300:] = 0
        if head == "ctc":
            labels = torch.tensor([[4, 5, 5, 6, 7], [8, 9, -100, -100, -100]])
        else:
            labels = torch.tensor([2, 0])
        save_file({"input_values": values, "attention_mask": mask, "labels": labels},
                  os.path.join(out_dir, "inputs.safetensors"))

        # Load back from the files, so the references describe exactly the committed weights.
        model = type(model).from_pretrained(out_dir).eval()
        result = model(values, attention_mask=mask, labels=labels)
        base = model.wav2vec2(values, attention_mask=mask)
        result.loss.backward()
        grads = {name: p.grad.contiguous() for name, p in model.named_parameters() if p.grad is not None}
        with torch.no_grad():
            plain = model(values)
            plain_base = model.wav2vec2(values)
        outputs = {
            "extract_features": base.extract_features, "last_hidden_state": base.last_hidden_state,
            "logits": result.logits, "loss": result.loss,
            "nomask.extract_features": plain_base.extract_features,
            "nomask.last_hidden_state": plain_base.last_hidden_state, "nomask.logits": plain.logits,
        }
        save_file({k: v.detach().contiguous() for k, v in outputs.items()}, os.path.join(out_dir, "outputs.safetensors"))
        save_file(grads, os.path.join(out_dir, "grads.safetensors"))

        if case == "group-ctc":
            write_legacy_weight_norm(out_dir, model, values, mask)
        print(f"wav2vec2/{case}: loss {result.loss.item():.6f}, {len(grads)} gradients")
    write_frame_masks()


def write_frame_masks():
    """Valid frames per item from an attention mask, including too-short items (Python indexing)."""
    model = Wav2Vec2ForCTC.from_pretrained(os.path.join(MODELS_EXTRA, "group-ctc"))
    lengths = [400, 399, 395, 300, 50, 14, 10, 9, 1, 0]
    mask = torch.zeros(len(lengths), 400, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
    frames = model.wav2vec2._get_feat_extract_output_lengths(400)
    valid = model.wav2vec2._get_feature_vector_attention_mask(frames, mask)
    default = Wav2Vec2ForCTC(Wav2Vec2Config(num_hidden_layers=0, hidden_size=16, num_attention_heads=1,
                                            num_conv_pos_embedding_groups=1))
    seconds = [400, 401, 719, 720, 16000, 48000]
    with open(os.path.join(MODELS_EXTRA, "frame-masks.json"), "w") as f:
        json.dump({"case": "group-ctc", "padded_samples": 400, "frames": int(frames), "sample_lengths": lengths,
                   "valid_frames": valid.sum(-1).tolist(),
                   "frame_masks": valid.long().tolist(),
                   "default_config_samples": seconds,
                   "default_config_frames": [int(default._get_feat_extract_output_lengths(n)) for n in seconds]},
                  f, indent=1)


def write_legacy_weight_norm(out_dir, model, values, mask):
    """The same weights under torch's old weight_norm names and without the base prefix, as old hub files."""
    tensors = load_file(os.path.join(out_dir, "model.safetensors"))
    legacy = {}
    for key, t in tensors.items():
        key = key.replace("parametrizations.weight.original0", "weight_g").replace("parametrizations.weight.original1", "weight_v")
        legacy[key.removeprefix("wav2vec2.")] = t
    path = os.path.join(out_dir, "model-legacy.safetensors")
    save_file(legacy, path, metadata={"format": "pt"})
    # transformers loads the legacy file to the same model.
    check_dir = os.path.join(out_dir, "..", ".legacy-check")
    os.makedirs(check_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json")) as f:
        json.dump(json.load(f), open(os.path.join(check_dir, "config.json"), "w"))
    save_file(legacy, os.path.join(check_dir, "model.safetensors"), metadata={"format": "pt"})
    again = type(model).from_pretrained(check_dir).eval()
    with torch.no_grad():
        assert torch.equal(again(values, attention_mask=mask).logits, model(values, attention_mask=mask).logits)
    for name in os.listdir(check_dir):
        os.remove(os.path.join(check_dir, name))
    os.rmdir(check_dir)


if __name__ == "__main__":
    main()
