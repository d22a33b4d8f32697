"""Reference fixtures for the Train target's optimizers, schedules and gradient clipping, made with PyTorch
(and the Hugging Face schedule functions).

Run through `scripts/make-reference optim`. It writes, under Tests/Fixtures/train/optim/:
  cases.json          one entry per case: optimizer, defaults and groups (options under PyTorch names, betas
                      split into beta1/beta2), frozen parameters, schedule, clipping, and per step the learning
                      rates used and the gradient norm that clipping returned
  <case>.safetensors  init.<i> (initial parameters), grad.<t>.<i> (the gradient set before step t; absent when
                      parameter i has no gradient at that step) and param.<t>.<i> (parameter i after step t)
The "tiny_model" case instead trains a two-layer tanh MLP on fixed data with gradient accumulation over two
micro-batches; it stores the data (x, y) and the parameters after every step, and the Swift test recomputes
the gradients with Ember's autograd.
CPU tensors use PyTorch's single-tensor optimizer path (foreach=False, the CPU default).

It also writes Tests/Fixtures/train/metrics.json: random labels, predictions and scores with scikit-learn's
accuracy, macro F1, confusion matrix and top-k accuracy, and a random similarity matrix with CLIP-style
recall@k (the rank of the diagonal entry in its row, computed with torch).
"""
import json
import os

import torch
from safetensors.torch import save_file
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, top_k_accuracy_score
from transformers import (
    get_constant_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_linear_schedule_with_warmup,
)

ROOT = os.environ["EMBER_ROOT"]
OUT = os.path.join(ROOT, "Tests", "Fixtures", "train", "optim")
STEPS = 6
SHAPES = [(4, 3), (3,), (2, 3, 2), (5,)]


def options_json(options):
    """Our option names: PyTorch's, with betas split."""
    out = {}
    for key, value in options.items():
        if key == "betas":
            out["beta1"], out["beta2"] = value
        else:
            out[key] = float(value)
    return out


def build_optimizer(kind, defaults, groups, params):
    torch_groups = [{"params": [params[i] for i in g["params"]], **g.get("options", {})} for g in groups]
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}[kind]
    return cls(torch_groups, foreach=False, **defaults)


def build_schedule(opt, schedule):
    if schedule is None:
        return None
    kind = schedule["kind"]
    if kind == "constant":
        return get_constant_schedule_with_warmup(opt, schedule["warmup"])
    if kind == "linear":
        return get_linear_schedule_with_warmup(opt, schedule["warmup"], schedule["total"])
    if kind == "cosine":
        return get_cosine_with_min_lr_schedule_with_warmup(
            opt, schedule["warmup"], schedule["total"], min_lr=schedule["min_lr"])
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=schedule["step_size"], gamma=schedule["gamma"])
    raise ValueError(kind)


def run_case(name, kind, defaults, groups=None, frozen=(), missing=(), schedule=None, clip=None,
             grad_scale=1.0, step_scales=None, seed=0):
    """Steps an optimizer over fixed gradient sequences. `missing` lists (step, parameter) pairs without a grad."""
    gen = torch.Generator().manual_seed(seed)
    params = [torch.randn(shape, generator=gen) for shape in SHAPES]
    for i, p in enumerate(params):
        p.requires_grad_(i not in frozen)
    groups = groups or [{"params": list(range(len(params)))}]
    tensors = {f"init.{i}": p.detach().clone() for i, p in enumerate(params)}
    opt = build_optimizer(kind, defaults, groups, params)
    sched = build_schedule(opt, schedule)
    lrs, norms = [], []
    for t in range(STEPS):
        scale = grad_scale * (step_scales[t] if step_scales else 1.0)
        for i, p in enumerate(params):
            g = torch.randn(p.shape, generator=gen) * scale
            if i in frozen or (t, i) in missing:
                p.grad = None
                continue
            p.grad = g
            tensors[f"grad.{t}.{i}"] = g.clone()
        if clip is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(
                params, clip["max_norm"], norm_type=clip["norm_type"], foreach=False)))
        lrs.append([group["lr"] for group in opt.param_groups])
        opt.step()
        if sched is not None:
            sched.step()
        for i, p in enumerate(params):
            tensors[f"param.{t}.{i}"] = p.detach().clone()
    save_file(tensors, os.path.join(OUT, f"{name}.safetensors"))
    return {
        "name": name, "optimizer": kind, "defaults": options_json(defaults),
        "groups": [{"params": g["params"], "options": options_json(g.get("options", {}))} for g in groups],
        "shapes": [list(s) for s in SHAPES], "frozen": list(frozen), "steps": STEPS,
        "schedule": schedule, "clip": clip_json(clip), "lrs": lrs, "norms": norms,
    }


def clip_json(clip):
    """JSON has no infinity: the max norm's order is written as the string "inf"."""
    if clip is None or clip["norm_type"] != float("inf"):
        return clip
    return {**clip, "norm_type": "inf"}


def tiny_model():
    """A 4→5→3 tanh MLP, AdamW + cosine warmup + clipping, two accumulated micro-batches per step."""
    gen = torch.Generator().manual_seed(1)
    x, y = torch.randn(8, 4, generator=gen), torch.randn(8, 3, generator=gen)
    names = ["w1", "b1", "w2", "b2"]
    params = [torch.randn(5, 4, generator=gen) * 0.5, torch.zeros(5), torch.randn(3, 5, generator=gen) * 0.5,
              torch.zeros(3)]
    for p in params:
        p.requires_grad_(True)
    tensors = {"x": x, "y": y, **{f"init.{i}": p.detach().clone() for i, p in enumerate(params)}}
    defaults = {"lr": 0.05, "weight_decay": 0.1}
    opt = torch.optim.AdamW(params, foreach=False, **defaults)
    schedule = {"kind": "cosine", "warmup": 2, "total": STEPS, "min_lr": 0.005}
    sched = build_schedule(opt, schedule)
    clip = {"max_norm": 0.5, "norm_type": 2.0}
    lrs, norms, losses = [], [], []
    for t in range(STEPS):
        opt.zero_grad()
        total = 0.0
        for k in range(2):
            xb, yb = x[4 * k:4 * k + 4], y[4 * k:4 * k + 4]
            out = torch.tanh(xb @ params[0].T + params[1]) @ params[2].T + params[3]
            loss = ((out - yb) ** 2).mean() / 2
            loss.backward()
            total += float(loss.detach())
        losses.append(total)
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, clip["max_norm"], foreach=False)))
        lrs.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
        for i, p in enumerate(params):
            tensors[f"param.{t}.{i}"] = p.detach().clone()
    save_file(tensors, os.path.join(OUT, "tiny_model.safetensors"))
    return {
        "name": "tiny_model", "optimizer": "AdamW", "defaults": options_json(defaults),
        "groups": [{"params": [0, 1, 2, 3], "options": {}}], "shapes": [list(p.shape) for p in params],
        "parameter_names": names, "frozen": [], "steps": STEPS, "schedule": schedule, "clip": clip,
        "lrs": lrs, "norms": norms, "losses": losses,
    }


def metrics():
    """Class 5 never occurs; class 4 is only ever predicted (never a label)."""
    gen = torch.Generator().manual_seed(2)
    n, classes = 40, 6
    labels = torch.randint(0, 4, (n,), generator=gen)
    predictions = torch.where(torch.rand(n, generator=gen) < 0.6, labels, torch.randint(0, 5, (n,), generator=gen))
    scores = torch.randn(n, classes, generator=gen)
    similarity = torch.randn(30, 30, generator=gen)
    ranks = (similarity > similarity.diag()[:, None]).sum(1)
    y, p = labels.tolist(), predictions.tolist()
    return {
        "labels": y, "predictions": p, "class_count": classes, "scores": scores.tolist(),
        "accuracy": accuracy_score(y, p),
        "macro_f1": f1_score(y, p, average="macro"),
        "confusion": confusion_matrix(y, p, labels=list(range(classes))).tolist(),
        "top_k": {str(k): top_k_accuracy_score(y, scores.numpy(), k=k, labels=list(range(classes)))
                  for k in (1, 2, 3)},
        "similarity": similarity.tolist(),
        "recall_at_k": {str(k): float((ranks < k).float().mean()) for k in (1, 5, 10)},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "..", "metrics.json"), "w") as f:
        json.dump(metrics(), f, allow_nan=False)
        f.write("\n")
    cases = [
        run_case("sgd_plain", "SGD", {"lr": 0.1}),
        run_case("sgd_momentum_dampening", "SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
        run_case("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
        run_case("sgd_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.2}),
        run_case("sgd_maximize", "SGD", {"lr": 0.1, "momentum": 0.9, "maximize": True}),
        run_case("adam_default", "Adam", {}),
        run_case("adam_eps", "Adam", {"lr": 0.01, "eps": 1e-2}, grad_scale=1e-2),
        run_case("adam_weight_decay", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}),
        run_case("adam_amsgrad", "Adam", {"lr": 0.01, "amsgrad": True},
                 step_scales=[1.0, 3.0, 0.5, 0.1, 2.0, 0.2]),
        run_case("adam_lerp_large_weight", "Adam", {"lr": 0.01, "betas": (0.3, 0.9)}),
        run_case("adamw_default", "AdamW", {}),
        run_case("adamw_strong_decay", "AdamW", {"lr": 0.02, "weight_decay": 0.5}),
        run_case("adamw_groups_frozen", "AdamW", {"lr": 0.01},
                 groups=[{"params": [0, 1], "options": {"lr": 0.05, "weight_decay": 0.2}},
                         {"params": [2, 3], "options": {"weight_decay": 0.0}}],
                 frozen=[3], missing=[(2, 0), (3, 0), (4, 2)]),
        run_case("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9},
                 groups=[{"params": [0, 2], "options": {"lr": 0.02, "weight_decay": 0.1}},
                         {"params": [1, 3], "options": {"momentum": 0.0}}]),
        run_case("adamw_cosine", "AdamW", {"lr": 0.05},
                 schedule={"kind": "cosine", "warmup": 2, "total": 5, "min_lr": 0.01}),
        run_case("sgd_linear_warmup", "SGD", {"lr": 0.2, "momentum": 0.9},
                 schedule={"kind": "linear", "warmup": 3, "total": 5}),
        run_case("adam_constant_warmup", "Adam", {"lr": 0.05},
                 schedule={"kind": "constant", "warmup": 4}),
        run_case("sgd_step_lr", "SGD", {"lr": 0.3},
                 groups=[{"params": [0, 1]}, {"params": [2, 3], "options": {"lr": 0.1}}],
                 schedule={"kind": "step", "step_size": 2, "gamma": 0.1}),
        run_case("sgd_clip", "SGD", {"lr": 0.1, "momentum": 0.9}, clip={"max_norm": 3.0, "norm_type": 2.0},
                 step_scales=[1.0, 0.3, 2.0, 0.1, 1.0, 0.5]),
        run_case("adam_clip_inf", "Adam", {"lr": 0.01}, clip={"max_norm": 1.0, "norm_type": float("inf")},
                 step_scales=[1.0, 0.2, 2.0, 0.1, 1.0, 0.3]),
        run_case("sgd_clip_l1", "SGD", {"lr": 0.05}, clip={"max_norm": 5.0, "norm_type": 1.0}),
        tiny_model(),
    ]
    meta = {"torch": torch.__version__, "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
