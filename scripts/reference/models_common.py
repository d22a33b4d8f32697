"""Shared helpers of the model fixtures (imported by models.py and the models_<family>.py files)."""
import json
import os
import shutil
import tempfile

import torch
from safetensors.torch import load_file, save_file

ROOT = os.environ.get("EMBER_ROOT", "")
MODELS = os.path.join(ROOT, "Tests", "Fixtures", "models")

# README rows and cases.json entries, filled by save_case in the order the cases are made.
CASES = []


def seeded(seed):
    """Seeds torch's global generator (weight init uses it) and returns a generator for inputs."""
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed + 1)


def perturb(model, seed, scale=0.1):
    """Adds N(0, scale²) noise to every parameter, so LayerNorm weights are not all one, biases
    not all zero, and the tiny models' outputs depend on every weight."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.add_(torch.randn(p.shape, generator=g) * scale)
    return model


def contiguous(tensors):
    return {k: v.detach().contiguous().clone() for k, v in tensors.items()}


def hidden_states(prefix, states):
    """`{prefix}.{k}` for each entry of an output's hidden_states tuple."""
    return {f"{prefix}.{k}": h for k, h in enumerate(states)}


def hf_grads(model):
    """The parameter gradients of a transformers model under its on-disk (save_pretrained) names.

    In-memory names can differ from file names (ViT in 5.24), so the gradients are written with
    the model's own saver: parameters are swapped for their gradients and saved. A first save
    with every parameter set to NaN tells which file keys are parameters (buffers stay as they
    are); parameters that got no gradient are left out.
    """
    params = dict(model.named_parameters())
    kept = {n: p.detach().clone() for n, p in params.items()}

    def save_with(values):
        with torch.no_grad():
            for n, p in params.items():
                p.copy_(values(n, p))
        with tempfile.TemporaryDirectory() as d:
            model.save_pretrained(d)
            return load_file(os.path.join(d, "model.safetensors"))

    nan = save_with(lambda n, p: torch.full_like(p, float("nan")))
    param_keys = {k for k, v in nan.items() if v.is_floating_point() and torch.isnan(v).all()}
    grads = save_with(lambda n, p: p.grad if p.grad is not None else torch.full_like(p, float("nan")))
    save_with(lambda n, p: kept[n])
    return {k: v for k, v in grads.items() if k in param_keys and not torch.isnan(v).any()}


def save_case(name, model, inputs, outputs, what, grads=None, weights=None, extra_files=None, loss=None):
    """Writes Tests/Fixtures/models/<name>/: the model (save_pretrained, unless `weights` writes
    it), inputs.safetensors, outputs.safetensors and grads.safetensors, and records the case.

    `what` describes the case for the README; `loss` says how the gradient loss was formed.
    """
    d = os.path.join(MODELS, name)
    shutil.rmtree(d, ignore_errors=True)
    if weights is None:
        model.save_pretrained(d)
    else:
        os.makedirs(d)
        weights(d)
    save_file(contiguous(inputs), os.path.join(d, "inputs.safetensors"))
    save_file(contiguous(outputs), os.path.join(d, "outputs.safetensors"))
    if grads is not None:
        save_file(contiguous(grads), os.path.join(d, "grads.safetensors"))
    for file_name, content in (extra_files or {}).items():
        with open(os.path.join(d, file_name), "w") as f:
            f.write(content)
    CASES.append({
        "name": name,
        "class": type(model).__name__,
        "what": what,
        "files": sorted(os.listdir(d)),
        "inputs": {k: list(v.shape) for k, v in sorted(inputs.items())},
        "outputs": sorted(outputs),
        "grads": None if grads is None else {"count": len(grads), "loss": loss},
    })


def note_case(name, kind, what):
    """Records a fixture folder that has no inputs or outputs (weights only)."""
    d = os.path.join(MODELS, name)
    CASES.append({"name": name, "class": kind, "what": what, "files": sorted(os.listdir(d)),
                  "inputs": {}, "outputs": [], "grads": None})


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def check_reload(cls, folder, run, outputs, **kwargs):
    """`cls.from_pretrained(folder)` reproduces `outputs` (the fixture is what transformers loads)."""
    model = cls.from_pretrained(folder, attn_implementation="eager", **kwargs).eval()
    with torch.no_grad():
        got = run(model)
    for k, v in outputs.items():
        check_close(got[k], v, f"{folder}: {k}", tol=0)


def check_close(a, b, what, tol=1e-5):
    """Two computations of the same output agree (used to validate the fixtures themselves)."""
    err = (a - b).abs().max().item() / max(b.abs().max().item(), 1e-30)
    assert err <= tol, f"{what}: relative error {err}"
