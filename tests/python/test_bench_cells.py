"""lstmparity.bench.cells: the GRU / RNN bench rows are produced and formatted (no wall time asserted)."""

from __future__ import annotations

import pytest
from lstmparity.bench.cells import cell_rows, format_rows
from lstmparity.bench.peers import Policy, Shape


def test_cell_rows_time_numpy_and_torch():
    pytest.importorskip("torch", reason="PyTorch not installed (optional extra)")
    rows = cell_rows([Shape(2, 3, 4, 5)], Policy(warmup=1, min_reps=1, max_reps=1, budget_s=0.0))
    assert {(r["cell"], r["impl"]) for r in rows} == {(c, i) for c in ("gru", "rnn") for i in ("numpy", "torch64")}
    assert all(r["median_s"] > 0 for r in rows)
    assert all(r["ratio_to_torch64"] == 1.0 for r in rows if r["impl"] == "torch64")
    text = format_rows(rows)
    assert text.count("B=2 T=3 D=4 H=5") == 4
