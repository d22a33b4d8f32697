"""Reference fixtures for TensorCore and NN: safetensors files written by the Python
`safetensors` package (every dtype Ember reads, header padding, a sharded checkpoint) and
PyTorch results for ops and losses on fixed random inputs.

Writes Tests/Fixtures/tensor/. Run through `scripts/make-reference tensor`.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from safetensors.numpy import save_file as save_numpy

ROOT = os.environ["EMBER_ROOT"]
OUT = os.path.join(ROOT, "Tests", "Fixtures", "tensor")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


def dtypes_file():
    """One tensor per dtype Ember reads, with values chosen to exercise conversions."""
    base = torch.linspace(-3.5, 70000.0, 12).reshape(3, 4)
    tensors = {
        "f32": base.clone(),
        "f64": base.double() / 7,
        "f16": (base / 3).half(),
        "bf16": (base / 3).bfloat16(),
        "f16_specials": torch.tensor([0.0, -0.0, 6.1e-5, 5.96e-8, 65504.0, float("inf"), -float("inf")], dtype=torch.float16),
        "i64": torch.arange(-5, 7, dtype=torch.int64).reshape(2, 6),
        "i32": torch.tensor([-2147483648, -1, 0, 2147483647], dtype=torch.int32),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
        "bool": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata={"format": "pt", "note": "ember fixture"})
    # The expected values, as float64 JSON, for the Swift test to compare element by element.
    # JSON has no infinities: they are written as the strings "inf" and "-inf".
    def encode(x):
        return x if np.isfinite(x) else ("inf" if x > 0 else "-inf")
    expected = {k: {"shape": list(v.shape), "values": [encode(x) for x in v.double().flatten().tolist()]}
                for k, v in tensors.items()}
    with open(os.path.join(OUT, "dtypes.json"), "w") as f:
        json.dump(expected, f)


def sharded():
    """A checkpoint split over two shards with an index, as save_pretrained writes."""
    a, b, c = torch.randn(4, 3), torch.randn(5), torch.arange(6, dtype=torch.int64)
    save_file({"layer.0.weight": a, "layer.0.bias": b}, os.path.join(OUT, "model-00001-of-00002.safetensors"))
    save_file({"layer.1.steps": c}, os.path.join(OUT, "model-00002-of-00002.safetensors"))
    index = {"metadata": {"total_size": 4 * 12 + 4 * 5 + 8 * 6},
             "weight_map": {"layer.0.weight": "model-00001-of-00002.safetensors",
                            "layer.0.bias": "model-00001-of-00002.safetensors",
                            "layer.1.steps": "model-00002-of-00002.safetensors"}}
    with open(os.path.join(OUT, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2)
    save_file({"layer.0.weight": a, "layer.0.bias": b, "layer.1.steps": c}, os.path.join(OUT, "sharded-expected.safetensors"))


def ops():
    """PyTorch results of ops whose definitions have conventions worth pinning down."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(4, 9, generator=g) * 3
    img = torch.randn(2, 4, 9, 8, generator=g)
    w2 = torch.randn(6, 2, 3, 3, generator=g)
    seq = torch.randn(2, 4, 20, generator=g)
    w1 = torch.randn(6, 2, 5, generator=g)
    logits = torch.randn(6, 5, generator=g)
    labels = torch.tensor([0, 4, -100, 2, 2, 1])
    ctc_lp = torch.randn(12, 2, 5, generator=g).log_softmax(-1).requires_grad_()
    ctc_targets = torch.tensor([[1, 2, 2, 3], [4, 1, 0, 0]])
    ctc_loss = F.ctc_loss(ctc_lp, ctc_targets, input_lengths=torch.tensor([12, 9]), target_lengths=torch.tensor([4, 2]),
                          blank=0, reduction="mean")
    ctc_loss.backward()
    # PyTorch's CTC gradient includes the +softmax term that cancels through log_softmax;
    # the comparable quantity is the gradient through log_softmax of the logits.
    ctc_logits = torch.randn(12, 2, 5, generator=g).requires_grad_()
    ctc_loss2 = F.ctc_loss(ctc_logits.log_softmax(-1), ctc_targets, torch.tensor([12, 9]), torch.tensor([4, 2]), reduction="sum")
    ctc_loss2.backward()
    bce_x, bce_y = torch.randn(3, 4, generator=g) * 4, (torch.rand(3, 4, generator=g) > 0.5).float()
    values = {
        "x": x,
        "gelu": F.gelu(x), "gelu_tanh": F.gelu(x, approximate="tanh"),
        "softmax": x.softmax(1), "log_softmax": x.log_softmax(0),
        "layer_norm": F.layer_norm(x, (9,), torch.linspace(0.5, 1.5, 9), torch.linspace(-1, 1, 9), eps=1e-5),
        "var": x.var(1), "std0": x.std(0, correction=0), "logsumexp": x.logsumexp(1), "norm": x.norm(dim=1),
        "img": img, "w2": w2, "conv2d": F.conv2d(img, w2, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
        "group_norm": F.group_norm(img, 2, torch.linspace(0.5, 2, 4), torch.linspace(-1, 1, 4)),
        "seq": seq, "w1": w1, "conv1d": F.conv1d(seq, w1, torch.linspace(-1, 1, 6), stride=3, padding=2, dilation=2, groups=2),
        "logits": logits, "labels": labels,
        "ce": F.cross_entropy(logits, labels), "ce_smooth": F.cross_entropy(logits, labels, label_smoothing=0.2),
        "ctc_log_probs": ctc_lp.detach(), "ctc_targets": ctc_targets, "ctc_loss": ctc_loss.detach(),
        "ctc_logits": ctc_logits.detach(), "ctc_loss_sum": ctc_loss2.detach(), "ctc_logits_grad": ctc_logits.grad,
        "bce_x": bce_x, "bce_y": bce_y, "bce": F.binary_cross_entropy_with_logits(bce_x, bce_y),
    }
    save_file({k: v.contiguous() for k, v in values.items()}, os.path.join(OUT, "ops.safetensors"))


def check_ember_file(path):
    """Loads a file Ember wrote and prints what it holds (used to verify interop by hand)."""
    from safetensors import safe_open
    with safe_open(path, "pt") as f:
        print(f.metadata())
        for k in f.keys():
            print(k, f.get_tensor(k).dtype, tuple(f.get_tensor(k).shape))


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        check_ember_file(sys.argv[2])
    else:
        dtypes_file()
        sharded()
        ops()
