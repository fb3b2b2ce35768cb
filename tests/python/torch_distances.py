"""How far torch is from each GRU / RNN fixture: the figures behind test_torch_oracle.py's 1e-10.

    .venv/bin/python tests/python/torch_distances.py

For every fixture of the GRU and the RNN, and each oracle (the written-out recurrence, and torch's own
nn.GRUCell / nn.RNNCell where one exists), the largest |torch - fixture| over every tensor the oracle
gives, and the largest relative distance max|torch - fixture| / max|fixture| of one tensor (one step's
slice for per-step tensors), the quantity the test bounds by 1e-10.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from conftest import CASE_PATHS  # noqa: E402
from lstmparity.core.trace import lookup, trace_order  # noqa: E402
from lstmparity.suite.fixtures import read_case  # noqa: E402
from torch_oracle import run_case_torch, run_case_torch_modules  # noqa: E402


def distances(got: dict, expected: dict) -> tuple[float, float, int]:
    """(max abs distance, max relative distance of one tensor slice, tensors compared)."""
    worst_abs = worst_rel = 0.0
    n = 0
    for entry in trace_order(expected):
        try:
            a = np.asarray(lookup(got, entry), dtype=float)
        except (KeyError, IndexError, TypeError):
            continue
        e = np.asarray(lookup(expected, entry), dtype=float)
        d = float(np.max(np.abs(a - e), initial=0.0))
        worst_abs = max(worst_abs, d)
        worst_rel = max(worst_rel, d / max(float(np.max(np.abs(e), initial=0.0)), 1e-300))
        n += 1
    return worst_abs, worst_rel, n


def main() -> int:
    print(f"{'fixture':42s} {'oracle':10s} {'tensors':>7s} {'max |torch - fixture|':>22s} {'max rel':>9s}")
    for path in CASE_PATHS:
        case = read_case(path)
        cfg = case["config"]
        if cfg.get("cell") not in ("gru", "rnn"):
            continue
        oracles = [("written", run_case_torch)]
        if cfg.get("reset_after", True):
            oracles.append(("nn." + cfg["cell"].upper(), run_case_torch_modules))
        for label, fn in oracles:
            a, r, n = distances(fn(case), case["expected"])
            print(f"{path.stem:42s} {label:10s} {n:7d} {a:22.3g} {r:9.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
