"""Reference fixtures for the Models target, made with PyTorch and Hugging Face transformers.

Run through `scripts/make-reference models`. It writes
  Tests/Fixtures/models/<case>/       small random-init models of every architecture and variant
                                      (save_pretrained), inputs.safetensors, outputs.safetensors and,
                                      for one model per family, grads.safetensors; README.md lists them
  Tests/Fixtures/checkpoints/         checkpoint-format fixtures (models_ckpt.py); README.md lists them
Everything is seeded, so a re-run writes the same bytes.
"""
import os
import warnings

import torch
import transformers

import models_bert
import models_ckpt
import models_clip
import models_common
import models_uniter
import models_vit
import models_wav2vec2

ROOT = os.environ["EMBER_ROOT"]
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")


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
    out = os.path.join(FIXTURES, "checkpoints")
    rows = models_ckpt.make(out, tiny_bert_for_checkpoints())
    write_readme(os.path.join(out, "README.md"), "Checkpoint-format fixtures",
                 "Written by `scripts/make-reference models` (scripts/reference/models_ckpt.py) with "
                 f"torch {torch.__version__.split('+')[0]} and transformers {transformers.__version__}. "
                 "Every PyTorch file reads back with `torch.load(weights_only=True)` to exactly its twin "
                 "(checked by the script), except the evil-* and broken files, which torch refuses too.",
                 rows)


if __name__ == "__main__":
    main()
