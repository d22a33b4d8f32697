"""PyTorch eager (2 threads) counterpart of the memory-bound part of `EmberBench kernels`: the
same operations on the same sizes (16M float32 values; rows of 1024), timed the same way (best
run after a warm-up, at least 3 runs and 0.6 s), rates counted in the same bytes. Reads Ember's
output on stdin and prints each kernel's rate beside PyTorch's and the ratio.

    .build/release/EmberBench kernels | python bench_kernels.py
"""
import re
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


def measure(body, budget=0.6):
    body()
    best, total, runs = float("inf"), 0.0, 0
    while runs < 3 or total < budget:
        t0 = time.perf_counter()
        body()
        dt = time.perf_counter() - t0
        best, total, runs = min(best, dt), total + dt, runs + 1
    return best


n = 16 << 20
x, y = torch.randn(n), torch.randn(n)
rows = x.view(n // 1024, 1024)
kernels = {  # Ember's row name: (bytes moved per value, the operation)
    "copy": (8, lambda: x.clone()),
    "add": (12, lambda: x + y),
    "mul": (12, lambda: x * y),
    "gelu": (8, lambda: F.gelu(x)),
    "softmax (rows of 1024)": (8, lambda: rows.softmax(-1)),
    "layer_norm (rows of 1024)": (8, lambda: F.layer_norm(rows, (1024,))),
    "sum": (4, lambda: x.sum()),
}

ember = {}
for line in sys.stdin:
    print(line, end="")
    match = re.match(r"(.+?)\s{2,}([0-9.]+) GB/s", line)
    if match and match.group(1) in kernels:
        ember[match.group(1)] = float(match.group(2))

print(f"\n== the same kernels, Ember against PyTorch {torch.__version__} eager ({torch.get_num_threads()} threads), GB/s")
for name, (bytes_per_value, body) in kernels.items():
    rate = bytes_per_value * n / measure(body) / 1e9
    mine = ember.get(name)
    ratio = f"   ratio {mine / rate:5.2f}" if mine else ""
    print(f"{name:<44}{mine or float('nan'):8.1f} GB/s   torch {rate:8.1f}{ratio}")
