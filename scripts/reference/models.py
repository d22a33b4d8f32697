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

import models_ckpt

ROOT = os.environ["EMBER_ROOT"]
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")


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


def main():
    warnings.filterwarnings("ignore", message="TypedStorage is deprecated")
    warnings.filterwarnings("ignore", message="Detected pickle protocol")
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
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
