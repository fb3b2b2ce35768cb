"""GRU and RNN mutants (conformance/mutants/cell_mutants.py): each is seen, first, where
cell_catalogue.json says, and the reference compared with itself shows nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from lstmparity.conformance.mutants.cell_mutants import CATALOGUE_PATH, first_divergence, mutant_block, run_cell

CATALOGUE = json.loads(CATALOGUE_PATH.read_text())
CASE = CATALOGUE["case"]


def case_inputs(cell: str, masked: bool) -> dict:
    """The catalogue's case: element k (row-major) of tensor name is sin(0.37 k + offset) * scale."""
    T, B, D, H = CASE["T"], CASE["B"], CASE["D"], CASE["H"]
    G = 3 if cell == "gru" else 1
    shapes = {"x": (T, B, D), "h0": (B, H), "W": (D, G * H), "U": (H, G * H), "b": (G * H,), "proj": (T, B, H)}
    if cell == "gru":
        shapes["b_hn"] = (H,)
    out = {k: np.sin(0.37 * np.arange(int(np.prod(s))) + CASE["offset"][k]).reshape(s) * CASE["scale"][k]
           for k, s in shapes.items()}
    out["mask"] = np.array(CASE["mask"], dtype=float) if masked else None
    return out


def test_at_least_six_mutants_per_cell():
    cells = [m["cell"] for m in CATALOGUE["mutants"]]
    assert cells.count("gru") >= 6 and cells.count("rnn") >= 6


@pytest.mark.parametrize("m", CATALOGUE["mutants"], ids=[m["name"] for m in CATALOGUE["mutants"]])
def test_mutant_is_first_seen_where_catalogued(m):
    inputs = case_inputs(m["cell"], m["mask"])
    ra = m.get("reset_after", True)
    reference = run_cell(m["cell"], inputs, ra)
    assert first_divergence(reference, run_cell(m["cell"], inputs, ra)) is None
    mutant = run_cell(m["cell"], inputs, ra, {m["block"]: mutant_block(m["name"])})
    assert first_divergence(reference, mutant) == m["first"]
