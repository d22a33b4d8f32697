"""PyTorch eager (2 threads) counterpart of the memory-bound part of `EmberBench kernels`: the
same operations on the same sizes (16M float32 values; rows of 1024), timed the same way (best
run after a warm-up, at least 3 runs and 0.6 s), rates counted in the same bytes. Reads Ember's
output on stdin, passes it through, and prints each kernel's rate beside PyTorch's and the ratio.

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
x, y, z = torch.randn(n), torch.randn(n), torch.empty(n)
rows, z_rows = x.view(n // 1024, 1024), z.view(n // 1024, 1024)
# Ember's row name: bytes moved per value, the operation as eager code calls it (a fresh output
# each time: PyTorch's CPU allocator hands large blocks back to the system, so every call pays
# for fresh pages), and into a preallocated output (`out=`) where PyTorch has one: the kernel alone.
kernels = {
    "copy": (8, lambda: x.clone(), lambda: z.copy_(x)),
    "add": (12, lambda: x + y, lambda: torch.add(x, y, out=z)),
    "mul": (12, lambda: x * y, lambda: torch.mul(x, y, out=z)),
    "gelu": (8, lambda: F.gelu(x), lambda: torch._C._nn.gelu(x, out=z)),
    "softmax (rows of 1024)": (8, lambda: rows.softmax(-1), lambda: torch.softmax(rows, -1, out=z_rows)),
    "layer_norm (rows of 1024)": (8, lambda: F.layer_norm(rows, (1024,)), None),
    "sum": (4, lambda: x.sum(), None),
}

ember = {}
for line in sys.stdin:
    print(line, end="")
    match = re.match(r"(.+?)\s{2,}([0-9.]+) GB/s", line)
    if match and match.group(1) in kernels:
        ember[match.group(1)] = float(match.group(2))

print(f"\n== the same kernels beside PyTorch {torch.__version__} eager ({torch.get_num_threads()} threads), GB/s;"
      " ratio = Ember / PyTorch")
for name, (bytes_per_value, as_called, into) in kernels.items():
    mine = ember.get(name, float("nan"))
    line = f"{name:<30}ember {mine:6.1f}"
    for label, body in (("torch", as_called), ("torch out=", into)):
        if body is not None:
            rate = bytes_per_value * n / measure(body) / 1e9
            line += f"   {label} {rate:6.1f} (ratio {mine / rate:5.2f})"
    print(line)
