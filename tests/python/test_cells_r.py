"""The R GRU and RNN compute the Python numbers: every forward value, trace tensor and gradient,
both reset placements, with and without a mask (R called in-process through rpy2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lstmparity.suite.gradcheck import rel_error
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
        from lstmparity.core.gru import gru_forward as fwd
    else:
        from lstmparity.core.rnn import rnn_forward as fwd
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


# --- lstmparity.core.convert and R/convert.R -------------------------------------------------------
def _r_list_to_dict(x) -> dict:
    return {k: (bool(x.rx2(k)[0]) if k == "reset_after" else from_r(x.rx2(k))) for k in x.names}


@pytest.mark.parametrize("layout", [0, 1])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize(("cell", "reset_after"), [("lstm", True), ("gru", True), ("gru", False), ("rnn", True)],
                         ids=["lstm", "gru", "gru_reset_before", "rnn"])
def test_r_converters_equal_python(R, cell, reset_after, direction, layout):
    """Same onnx_forward outputs (so R agrees with the ONNX reference evaluator that Python is
    tested against), same imported parameters, same exported arrays."""
    from lstmparity.core.convert import from_onnx, onnx_forward, to_keras, to_onnx, to_torch
    from test_convert_cells import B as NB
    from test_convert_cells import D as ND
    from test_convert_cells import H as NH
    from test_convert_cells import T as NT
    from test_convert_cells import params_for

    ro, env = R
    dirs = 2 if direction == "bidirectional" else 1
    ps = [params_for(cell, seed=s, reset_after=reset_after) for s in range(dirs)]
    onnx_in = {k: np.concatenate([to_onnx(p, cell)[k] for p in ps]) for k in ("W", "R", "B")}
    rng = np.random.default_rng(9)
    X = rng.standard_normal((NB, NT, ND) if layout else (NT, NB, ND))
    h0 = rng.standard_normal((NB, dirs, NH) if layout else (dirs, NB, NH))
    attrs = {"direction": direction, "layout": layout}
    if cell == "gru":
        attrs["linear_before_reset"] = int(reset_after)
    py = onnx_forward(cell, X, **onnx_in, initial_h=h0, **attrs)
    r_in = {k: to_r(ro, v) for k, v in onnx_in.items()}
    res = env["onnx_forward"](cell, to_r(ro, X), **r_in, initial_h=to_r(ro, h0), **attrs)
    assert len(res) == len(py)
    for a, name in zip(py, ["Y", "Y_h", "Y_c"], strict=False):
        r = from_r(res.rx2(name))
        assert r.shape == a.shape, name
        assert rel_error(r, a) < PARITY_TOL, name
    for k in range(dirs):
        r = _r_list_to_dict(env["from_onnx"](**r_in, cell=cell, index=k + 1, **attrs))
        p = from_onnx(**onnx_in, cell=cell, index=k, **attrs)
        assert set(r) == set(p)
        for name in p:
            assert np.array_equal(np.asarray(r[name]), np.asarray(p[name])), name
    rp = ro.r["list"](**{k: (v if k == "reset_after" else to_r(ro, v)) for k, v in ps[0].items()})
    for fn, py_out in (("to_keras", to_keras(ps[0], cell)), ("to_onnx", to_onnx(ps[0], cell))):
        r_out = env[fn](rp, cell)
        py_vals = py_out.values() if isinstance(py_out, dict) else py_out
        for a, b in zip(r_out, py_vals, strict=True):
            assert np.array_equal(from_r(a), b), fn
    if reset_after:
        r_out = env["to_torch"](rp, cell)
        for name, v in to_torch(ps[0], cell).items():
            assert np.array_equal(from_r(r_out.rx2(name)), v), name


def test_r_refuses_what_python_refuses(R):
    """The same refusals, with the same message, for every attribute the Python tests refuse."""
    from lstmparity.core.convert import from_onnx, to_onnx
    from rpy2.rinterface_lib.embedded import RRuntimeError
    from test_convert_cells import REFUSED, params_for

    ro, env = R
    for cell, attrs, _ in REFUSED:
        onnx_in = to_onnx(params_for(cell), cell)
        with pytest.raises(ValueError) as py_err:
            from_onnx(**onnx_in, cell=cell, **attrs)
        r_attrs = {k: (ro.StrVector(v) if isinstance(v, list) and isinstance(v[0], str) else
                       ro.FloatVector(v) if isinstance(v, list) else v) for k, v in attrs.items()}
        with pytest.raises(RRuntimeError) as r_err:
            env["from_onnx"](**{k: to_r(ro, v) for k, v in onnx_in.items()}, cell=cell, **r_attrs)
        r_msg = str(r_err.value).removeprefix("Error: ").replace("'", "")
        py_msg = str(py_err.value).replace("'", "")
        name = py_msg.split(" ")[0].rstrip(":")  # the attribute the message names first
        assert r_msg.startswith(name), (py_msg, r_msg)
        assert py_msg.split("not supported")[-1] == r_msg.strip().split("not supported")[-1], (py_msg, r_msg)
