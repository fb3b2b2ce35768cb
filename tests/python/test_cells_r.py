"""The R GRU and RNN compute the Python numbers: every forward value, trace tensor and gradient,
both reset placements, with and without a mask (R called in-process through rpy2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lstmparity.gradcheck import rel_error
from test_cells import MASK, make, run

ROOT = Path(__file__).resolve().parents[2]
# Same float64 formulas, different BLAS call shapes and summation order (R multiplies per step
# what NumPy multiplies for all steps at once): a few ulp, relative to the tensor's largest value.
PARITY_TOL = 1e-12


@pytest.fixture(scope="module")
def R():
    try:
        import rpy2.robjects as ro
    except Exception as e:  # ImportError, or R not found when rpy2 initialises
        pytest.skip(f"rpy2 / R not available: {e}")
    ro.r["source"](str(ROOT / "R" / "source.R"))
    return ro, ro.r["lstmparity_source"](str(ROOT / "R"))


def to_r(ro, a):
    a = np.asarray(a, dtype=float)
    vec = ro.FloatVector(a.ravel(order="F").tolist())
    return vec if a.ndim <= 1 else ro.r["array"](vec, dim=ro.IntVector(list(a.shape)))


def from_r(x) -> np.ndarray:
    """An R matrix / vector, or a list of T matrices (stacked to (T, B, .))."""
    if hasattr(x, "names") and x.rclass[0] == "list":
        return np.stack([from_r(m) for m in x])
    a = np.asarray(x)
    dim = x.do_slot("dim") if "dim" in list(x.list_attrs()) else None
    return a.reshape(tuple(dim), order="F") if dim is not None else a


@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
@pytest.mark.parametrize(("cell", "reset_after"), [("gru", True), ("gru", False), ("rnn", True)],
                         ids=["gru", "gru_reset_before", "rnn"])
def test_r_equals_python(R, cell, reset_after, masked):
    ro, env = R
    params, inputs = make(cell, seed=5)
    mask = MASK if masked else None
    _, trace, grads = run(cell, params, inputs, mask, reset_after)
    args = [to_r(ro, inputs["x"])] + [to_r(ro, params[k]) for k in params]
    kw = {"h0": to_r(ro, inputs["h0"]), "mask": ro.NULL if mask is None else to_r(ro, mask)}
    if cell == "gru":
        kw["reset_after"] = reset_after
        from lstmparity.gru import gru_forward as fwd
    else:
        from lstmparity.rnn import rnn_forward as fwd
    out_py = fwd(inputs["x"], **params, h0=inputs["h0"], mask=mask, **({"reset_after": reset_after}
                                                                         if cell == "gru" else {}))[0]
    res = env[f"{cell}_forward"](*args, **kw)
    back = env[f"{cell}_backward"](to_r(ro, inputs["proj"]), res.rx2("cache"))
    out_r = res.rx2("out")
    checked = 0
    for r_list, py in ((out_r, out_py), (back.rx2("trace"), trace), (back.rx2("grads"), grads)):
        assert sorted(r_list.names) == sorted(py), "R and Python return the same fields"
        for k in py:
            a = from_r(r_list.rx2(k))
            assert a.shape == py[k].shape, k
            assert rel_error(a, py[k]) < PARITY_TOL, k
            checked += 1
    assert checked >= 9  # rnn: g, h; dh, dg, dx, dh0; dW, dU, db (the GRU has more)
