"""Properties over random shapes (sizes of 1 included), heads, masks and seeds (hypothesis).

(a) finite differences agree with the backward pass         - Python and R
(b) Python and R agree to <= 1e-12 relative to each tensor's max (per step for
    per-step tensors: the fixtures' rule)                    - R called in-process (rpy2)
(c) running T = 1 repeatedly with the carried state equals one run over the
    whole sequence                                           - Python and R

The number of examples each property ran is printed at the end of the module
(run with -s) and, when $LSTMPARITY_COUNTS_FILE is set, written there as JSON
(tests/broken/measure.py uses it).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import head_inputs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lstmparity.core.layer import lstm_forward
from lstmparity.core.model import init_params, model_backward, model_forward, run_case
from lstmparity.core.spec import per_step_names
from lstmparity.suite.gradcheck import numerical_grads, rel_error

ROOT = Path(__file__).resolve().parents[2]
COUNTS: Counter = Counter()
HEADS = ("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Gradient check: the fixtures' bound (rel_error < 1e-6), or an absolute 1e-10 for a
# tensor that is zero up to rounding (rel_error of two roundoffs is ~1).
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-10
# Python vs R: max|py - r| <= PARITY_RTOL * max|py| (+ PARITY_ATOL for an all-zero tensor).
PARITY_RTOL, PARITY_ATOL = 1e-12, 1e-300
# Step by step vs whole sequence: the same operations on the same numbers, except
# that x_t W is one (T*B, D) product in the whole run: rounding may differ.
STEP_RTOL = 1e-14


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    print("\nproperty examples run: " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
    out = os.environ.get("LSTMPARITY_COUNTS_FILE")
    if out:
        Path(out).write_text(json.dumps(dict(COUNTS), indent=1))


# --- random cases ----------------------------------------------------------------------
@st.composite
def cases(draw, max_size: int = 3, optimizer: bool = False) -> dict:
    """A parsed case (as read_case returns: 0-based ids) of random shape; every size may be 1."""
    T, B, D, H = (draw(st.integers(1, max_size)) for _ in range(4))
    head = draw(st.sampled_from(HEADS))
    V = draw(st.one_of(st.none(), st.integers(1, 4)))
    K = {"none": None, "many_to_one_sigmoid": 1}.get(head, draw(st.integers(1, 3)))
    config = {"T": T, "B": B, "D": D, "H": H, "V": V, "K": K, "head": head}
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    params = init_params(config, seed)
    inputs: dict = {}
    if V:
        inputs["tokens"] = rng.integers(0, V, (T, B))
    else:
        inputs["x"] = rng.standard_normal((T, B, D))
    if draw(st.booleans()):
        inputs["h0"], inputs["c0"] = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    if draw(st.booleans()):
        mask = (rng.random((T, B)) < 0.7).astype(float)
        mask[0] = 1.0  # every sequence has a valid step (an all-zero mask is a known issue)
        inputs["mask"] = mask
    inputs.update(head_inputs(rng, head, T, B, H, K))
    case = {"config": config, "params": params, "inputs": inputs}
    if optimizer:
        name = draw(st.sampled_from(["sgd", "adam"]))
        opt = {"name": name, "lr": 0.1, "steps": draw(st.integers(1, 3))}
        if name == "sgd":
            opt["momentum"] = draw(st.sampled_from([0.0, 0.9]))
        else:
            # Adam moves a parameter by lr * g / (|g| + eps) at its first step: where g is zero up
            # to rounding (|g| ~ 1e-17, e.g. a cancellation), the two languages' g differ by about
            # that much and the update by lr * 1e-17 / eps, which is 1e-10 at the default eps = 1e-8,
            # far over the 1e-12 parity bound although both are right. eps = 1e-3 keeps that under
            # 1e-15; every line of Adam still runs (the fixtures cover the default eps).
            opt["eps"] = 1e-3
        case["optimizer"] = opt
        clip = draw(st.sampled_from([None, {"max_norm": 0.5}, {"value": 0.05}]))
        if clip:
            case["clip"] = clip
    return case


ALL_DIMS_DIFFER = {"T": 4, "B": 3, "D": 2, "H": 5}  # a transposed matrix cannot pass


def fixed_case(head: str, V: int | None = None) -> dict:
    """A case where T, B, D, H (and V, K) all differ, with h0, c0 and a mask."""
    T, B, D, H = ALL_DIMS_DIFFER.values()
    K = {"none": None, "many_to_one_sigmoid": 1}.get(head, 6)
    config = {"T": T, "B": B, "D": D, "H": H, "V": V, "K": K, "head": head}
    rng = np.random.default_rng(11)
    inputs = {"tokens": rng.integers(0, V, (T, B))} if V else {"x": rng.standard_normal((T, B, D))}
    inputs.update(h0=rng.standard_normal((B, H)), c0=rng.standard_normal((B, H)),
                  mask=np.array([[1, 1, 1], [1, 0, 1], [1, 0, 1], [0, 0, 1]], dtype=float))
    inputs.update(head_inputs(rng, head, T, B, H, K))
    return {"config": config, "params": init_params(config, 5), "inputs": inputs}


# --- (a) finite differences agree with the backward pass, in Python --------------------------
def assert_grads_agree(analytic: dict, numeric: dict, label: str) -> None:
    assert set(analytic) == set(numeric), label
    for name, n in numeric.items():
        a = analytic[name]
        assert a.shape == n.shape, f"{label} {name}: shape {a.shape} vs {n.shape}"
        err, diff = rel_error(a, n), float(np.max(np.abs(a - n), initial=0.0))
        assert err < GRAD_RTOL or diff < GRAD_ATOL, f"{label} {name}: rel_error {err:.3g}, max diff {diff:.3g}"


@settings(max_examples=60, **SETTINGS)
@given(case=cases())
@example(case=fixed_case("many_to_many_softmax", V=7))
def test_finite_differences_agree_with_backward_python(case: dict) -> None:
    params, config, inputs = case["params"], case["config"], case["inputs"]
    _, cache = model_forward(params, config, inputs)
    trace, grads = model_backward(cache)
    analytic = {**grads, "dh0": trace["dh0"], "dc0": trace["dc0"]}
    assert_grads_agree(analytic, numerical_grads(params, config, inputs), f"config {config}")
    COUNTS["(a) gradcheck, Python"] += 1


def test_the_gradient_check_can_fail() -> None:
    """A backward pass with one wrong factor is caught by the same comparison."""
    case = fixed_case("none")
    _, cache = model_forward(case["params"], case["config"], case["inputs"])
    trace, grads = model_backward(cache)
    analytic = {**grads, "dh0": trace["dh0"], "dc0": trace["dc0"]}
    analytic["dU"] = analytic["dU"] * (1 + 1e-4)
    with pytest.raises(AssertionError, match="dU"):
        assert_grads_agree(analytic, numerical_grads(case["params"], case["config"], case["inputs"]), "")


# --- (c) step by step equals the whole sequence, in Python --------------------------------
def steps_one_at_a_time(x, W, U, b, h0, c0, mask) -> dict:
    T, B, _ = x.shape
    H = U.shape[0]
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H)) if c0 is None else c0
    outs = []
    for t in range(T):
        out, _ = lstm_forward(x[t : t + 1], W, U, b, h, c, None if mask is None else mask[t : t + 1])
        h, c = out["h"][0], out["c"][0]
        outs.append(out)
    return {k: np.concatenate([o[k] for o in outs]) for k in outs[0]}


def assert_close_per_tensor(actual: dict, expected: dict, rtol: float, atol: float, label: str) -> None:
    for name, e in expected.items():
        a = np.asarray(actual[name], dtype=float)
        e = np.asarray(e, dtype=float)
        assert a.shape == e.shape, f"{label} {name}: shape {a.shape} vs {e.shape}"
        err, limit = float(np.max(np.abs(a - e), initial=0.0)), atol + rtol * float(np.max(np.abs(e), initial=0.0))
        assert err <= limit, f"{label} {name}: max|diff| {err:.3g} > {limit:.3g}"


@settings(max_examples=100, **SETTINGS)
@given(case=cases(max_size=6))
def test_step_by_step_equals_whole_sequence_python(case: dict) -> None:
    p, inp = case["params"], case["inputs"]
    x = p["E"][inp["tokens"]] if "tokens" in inp else inp["x"]
    args = (x, p["W"], p["U"], p["b"], inp.get("h0"), inp.get("c0"), inp.get("mask"))
    whole, _ = lstm_forward(*args)
    assert_close_per_tensor(steps_one_at_a_time(*args), whole, STEP_RTOL, 0.0, f"config {case['config']}")
    COUNTS["(c) step by step, Python"] += 1


# --- R in-process -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def R():
    """The R implementation, sourced once into a fresh environment (skipped without rpy2 / R)."""
    try:
        import rpy2.robjects as ro
    except Exception as e:  # ImportError, or R not found when rpy2 initialises
        pytest.skip(f"rpy2 / R not available: {e}")
    rdir = ROOT / "R"
    if (rdir / "source.R").is_file():
        ro.r["source"](str(rdir / "source.R"))
        env = ro.r["lstmparity_source"](str(rdir))
    else:
        env = ro.r["new.env"]()
        for f in sorted(rdir.glob("*.R")):
            ro.r["sys.source"](str(f), envir=env)
    return Rbridge(ro, env)


class Rbridge:
    """Python values <-> R values, R's column-major layout in mind."""

    def __init__(self, ro, env):
        self.ro, self.env = ro, env

    def __call__(self, fn: str, *args, **kwargs):
        return self.env[fn](*args, **kwargs)

    def array(self, a) -> object:
        """numpy -> R: a double vector (1-D) or an array with dim = a.shape, R element
        [i, j, k] = a[i-1, j-1, k-1] (values laid out in Fortran order)."""
        a = np.asarray(a, dtype=float)
        vec = self.ro.FloatVector(a.ravel(order="F").tolist())
        if a.ndim <= 1:
            return vec
        return self.ro.r["array"](vec, dim=self.ro.IntVector(list(a.shape)))

    def ints(self, a, plus: int = 0) -> object:
        a = np.asarray(a, dtype=np.int64) + plus
        vec = self.ro.IntVector(a.ravel(order="F").tolist())
        return vec if a.ndim <= 1 else self.ro.r["array"](vec, dim=self.ro.IntVector(list(a.shape)))

    def rlist(self, d: dict) -> object:
        items = [(k, self.ro.NULL if v is None else v) for k, v in d.items()]
        return self.ro.r["list"](**dict(items))

    def case(self, case: dict) -> object:
        """A Python parsed case -> the R parsed case (1-based tokens and class targets)."""
        cfg = case["config"]
        config = self.rlist({k: (self.ro.IntVector([v]) if isinstance(v, int) else
                                 self.ro.StrVector([v]) if isinstance(v, str) else v) for k, v in cfg.items()})
        params = self.rlist({k: self.array(v) for k, v in case["params"].items()})
        inputs = {}
        for k, v in case["inputs"].items():
            if k == "tokens" or (k == "targets" and cfg["head"] != "many_to_one_sigmoid"):
                inputs[k] = self.ints(v, plus=1)
            else:
                inputs[k] = self.array(v)
        parts = {"config": config, "params": params, "inputs": self.rlist(inputs)}
        for k in ("optimizer", "clip"):
            if case.get(k):
                parts[k] = self.rlist({n: (self.ro.StrVector([v]) if isinstance(v, str) else
                                           self.ro.IntVector([v]) if isinstance(v, int) else
                                           self.ro.FloatVector([v])) for n, v in case[k].items()})
        return self.rlist(parts)

    def py(self, obj) -> object:
        """R -> Python: named lists -> dicts, lists -> lists, arrays -> numpy with R's dim."""
        ro = self.ro
        if isinstance(obj, ro.vectors.ListVector) or ro.r["is.list"](obj)[0]:
            names = ro.r["names"](obj)
            values = [self.py(v) for v in obj]
            return values if names is ro.NULL else dict(zip(names, values, strict=True))
        dim = ro.r["dim"](obj)
        flat = np.asarray(list(obj), dtype=float)
        return flat.reshape(tuple(dim), order="F") if dim is not ro.NULL else flat


def test_r_arrays_keep_their_orientation(R) -> None:
    """Non-square shapes: R's a[t, b, d] is numpy's a[t-1, b-1, d-1], both ways."""
    a = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    ra = R.array(a)
    assert tuple(R.ro.r["dim"](ra)) == (2, 3, 4)
    assert R.ro.r("function(a) a[2, 1, 3]")(ra)[0] == a[1, 0, 2]
    assert R.ro.r("function(a) a[1, 3, 4]")(ra)[0] == a[0, 2, 3]
    m = np.arange(6, dtype=float).reshape(2, 3)
    assert R.ro.r("function(m) m[2, 1]")(R.array(m))[0] == m[1, 0]
    assert np.array_equal(R.py(ra), a) and np.array_equal(R.py(R.array(m)), m)
    assert R.ro.r("function(t) t[2, 3]")(R.ints(np.array([[0, 1, 2], [3, 4, 5]]), plus=1))[0] == 6


# --- (b) Python and R agree ----------------------------------------------------------------
PER_STEP = set(per_step_names("forward")) | set(per_step_names("backward"))  # from spec/tensors.json


def assert_parity(py: dict, r: dict, config: dict, where: str = "") -> None:
    """The fixtures' rule: max|py - r| <= rtol * max|py| (+ atol), per step for per-step tensors."""
    for name, a in py.items():
        label = f"{where}{name} (config {config})"
        if isinstance(a, dict):
            assert isinstance(r.get(name), dict), f"{label}: missing in R"
            assert_parity(a, r[name], config, f"{where}{name}.")
            continue
        if isinstance(a, list):
            assert len(a) == len(r[name]), label
            for k, (ak, rk) in enumerate(zip(a, r[name], strict=True)):
                assert_parity(ak, rk, config, f"{where}{name}[{k}].")
            continue
        assert name in r, f"{label}: missing in R"
        a, b = np.asarray(a, dtype=float), np.asarray(r[name], dtype=float)
        assert a.size == b.size and a.squeeze().shape == b.squeeze().shape, f"{label}: {a.shape} vs {b.shape}"
        b = b.reshape(a.shape)
        slices = [(f"{label} at t = {t}", a[t], b[t]) for t in range(a.shape[0])] if name in PER_STEP else [
            (label, a, b)]
        for lab, sa, sb in slices:
            err = float(np.max(np.abs(sa - sb), initial=0.0))
            limit = PARITY_ATOL + PARITY_RTOL * float(np.max(np.abs(sa), initial=0.0))
            assert err <= limit, f"{lab}: max|python - R| = {err:.3g} > {limit:.3g}"


@settings(max_examples=60, **SETTINGS)
@given(case=cases(max_size=4, optimizer=True))
@example(case={**fixed_case("many_to_many_softmax", V=7), "optimizer": {"name": "adam", "lr": 0.1, "steps": 2},
               "clip": {"max_norm": 0.5}})
@example(case=fixed_case("many_to_one_softmax"))
def test_python_and_r_agree(R, case: dict) -> None:
    py = run_case(case)
    r = R.py(R("run_case", R.case(case)))
    assert_parity(py, r, case["config"])
    COUNTS["(b) Python = R"] += 1


def test_the_parity_check_can_fail(R) -> None:
    case = fixed_case("none")
    py, r = run_case(case), R.py(R("run_case", R.case(case)))
    assert_parity(py, r, case["config"])
    r["backward"]["dx"][2, 0, 1] += 1e-10 * np.abs(py["backward"]["dx"][2]).max()
    with pytest.raises(AssertionError, match="dx .* at t = 2"):
        assert_parity(py, r, case["config"])
    r["backward"]["dx"] = np.swapaxes(py["backward"]["dx"], 0, 1).copy()  # a (B, T) mix-up
    with pytest.raises(AssertionError):
        assert_parity(py, r, case["config"])


# --- (a) and (c) in R ----------------------------------------------------------------------------
@settings(max_examples=25, **SETTINGS)
@given(case=cases(max_size=2))
def test_finite_differences_agree_with_backward_r(R, case: dict) -> None:
    rc = R.case(case)
    params, config, inputs = (rc.rx2(k) for k in ("params", "config", "inputs"))
    fwd = R("model_forward", params, config, inputs)
    bwd = R.py(R("model_backward", fwd.rx2("cache")))
    analytic = {**bwd["grads"], "dh0": bwd["trace"]["dh0"], "dc0": bwd["trace"]["dc0"]}
    numeric = R.py(R("numerical_grads", params, config, inputs))
    analytic = {k: np.asarray(v).reshape(np.shape(numeric[k])) for k, v in analytic.items()}
    assert_grads_agree(analytic, numeric, f"R, config {case['config']}")
    COUNTS["(a) gradcheck, R"] += 1


@settings(max_examples=60, **SETTINGS)
@given(case=cases(max_size=6))
def test_step_by_step_equals_whole_sequence_r(R, case: dict) -> None:
    p, inp = case["params"], case["inputs"]
    x = p["E"][inp["tokens"]] if "tokens" in inp else inp["x"]
    T = x.shape[0]
    conv = {k: (None if v is None else R.array(v)) for k, v in
            dict(x=x, W=p["W"], U=p["U"], b=p["b"], h0=inp.get("h0"), c0=inp.get("c0"), mask=inp.get("mask")).items()}

    def stacked(out):  # R's per-step lists (T matrices, (B, H)) -> (T, B, H) arrays
        return R.ro.r["lapply"](out, R.env["stack_steps"])

    whole = R.py(stacked(R("lstm_forward", **{k: v for k, v in conv.items() if v is not None}).rx2("out")))
    h, c, steps = conv["h0"], conv["c0"], []
    for t in range(T):
        kw = {"x": R.array(x[t : t + 1]), "W": conv["W"], "U": conv["U"], "b": conv["b"]}
        if h is not None:
            kw.update(h0=h, c0=c)
        if "mask" in inp:
            kw["mask"] = R.array(inp["mask"][t : t + 1])
        out = R("lstm_forward", **kw).rx2("out")
        h = out.rx2("h")[0]  # h_t of the one step, (B, H)
        c = out.rx2("c")[0]
        steps.append(R.py(stacked(out)))
    stepwise = {k: np.concatenate([s[k] for s in steps]) for k in whole}
    assert_close_per_tensor(stepwise, whole, STEP_RTOL, 0.0, f"R, config {case['config']}")
    COUNTS["(c) step by step, R"] += 1
