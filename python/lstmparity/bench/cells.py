"""GRU and RNN rows of ``lstmparity bench --cells``: NumPy against torch.nn.GRU / nn.RNN float64.

One forward + backward pass of one layer at the benchmark shape (B=32, T=64, D=64, H=128 by
default), data and timing as the LSTM rows of :mod:`lstmparity.bench.peers` (x, dL/dh ~ N(0, 1);
weights ~ N(0, 1/H); warm-up, then interleaved repetitions, median). The target is the
LSTM's: NumPy within 1.0x of torch float64.

    .venv/bin/python -m lstmparity.bench.cells [B,T,D,H ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from lstmparity.bench.peers import Policy, Shape, python_chunk, time_round_robin
from lstmparity.core.gru import gru_backward, gru_forward
from lstmparity.core.rnn import rnn_backward, rnn_forward

BENCH_SHAPE = Shape(32, 64, 64, 128)
GATES = {"gru": 3, "rnn": 1}


def numpy_pass(cell: str, s: Shape, seed: int = 0) -> Callable[[], Any]:
    rng = np.random.default_rng(seed)
    G, k = GATES[cell], 1 / np.sqrt(s.H)
    p = {"W": rng.standard_normal((s.D, G * s.H)) * k, "U": rng.standard_normal((s.H, G * s.H)) * k,
         "b": np.zeros(G * s.H)}
    if cell == "gru":
        p["b_hn"] = np.zeros(s.H)
    x, dh = rng.standard_normal((s.T, s.B, s.D)), rng.standard_normal((s.T, s.B, s.H))
    fwd, bwd = (gru_forward, gru_backward) if cell == "gru" else (rnn_forward, rnn_backward)
    return lambda: bwd(dh, fwd(x, **p)[1])


def torch_pass(cell: str, s: Shape, seed: int = 0) -> Callable[[], Any] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(seed)
    module = (torch.nn.GRU if cell == "gru" else torch.nn.RNN)(s.D, s.H).double()
    x = torch.randn(s.T, s.B, s.D, dtype=torch.float64, requires_grad=True)
    R = torch.randn(s.T, s.B, s.H, dtype=torch.float64)

    def run() -> None:
        module.zero_grad()
        x.grad = None
        (module(x)[0] * R).sum().backward()

    return run


def cell_rows(shapes: list[Shape] | None = None, policy: Policy | None = None) -> list[dict]:
    """One row per (cell, implementation, shape): median seconds and the ratio to torch float64."""
    shapes = shapes or [BENCH_SHAPE]
    policy = policy or Policy(warmup=1, min_reps=5, max_reps=9, budget_s=1.0)
    rows = []
    for cell in GATES:
        for s in shapes:
            fns = {"numpy": numpy_pass(cell, s), "torch64": torch_pass(cell, s)}
            names = [n for n, f in fns.items() if f is not None]
            timings = time_round_robin([python_chunk(fns[n]) for n in names], policy)
            med = {n: t.median_s for n, t in zip(names, timings, strict=True)}
            for n in names:
                rows.append({"cell": cell, "impl": n, "B": s.B, "T": s.T, "D": s.D, "H": s.H, "median_s": med[n],
                             "ratio_to_torch64": med[n] / med["torch64"] if "torch64" in med else None})
    return rows


def format_rows(rows: list[dict]) -> str:
    lines = ["cell  impl      shape                       median ms  ratio to torch64  target (<= 1.0x)"]
    for r in rows:
        ratio = r["ratio_to_torch64"]
        status = "" if ratio is None or r["impl"] != "numpy" else ("PASS" if ratio <= 1.0 else "FAIL")
        shape = f"B={r['B']} T={r['T']} D={r['D']} H={r['H']}"
        lines.append(f"{r['cell']:<5} {r['impl']:<9} {shape:<27} {1e3 * r['median_s']:9.2f}  "
                     f"{'' if ratio is None else f'{ratio:.2f}x':>16}  {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    shapes = [Shape(*(int(v) for v in a.split(","))) for a in args] or None
    print(format_rows(cell_rows(shapes)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
