"""Numbers at the edge: saturated gates, very long sequences, exploding gradients.

Every computation here runs with overflow, division by zero and invalid
operations (0/0, inf - inf, bad casts) raising ``FloatingPointError`` and with
warnings turned into errors, so nothing leaves a quiet inf or NaN behind.
Underflow is left alone (numpy's default): a product like 1e-304 * 1e-5 rounding
to a subnormal or to 0 is the correctly rounded answer, not a defect (with
``all="raise"`` the saturated gates at |z| = 1e3 trip it in ``o * tanh(c)``).
Tolerances are stated where used.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import head_inputs
from lstmparity.core.activations import log_softmax, sigmoid, softplus
from lstmparity.core.model import init_params, loss_and_grads, model_backward, model_forward, run_case
from lstmparity.core.optim import clip_grad_norm, clip_grads

ROOT = Path(__file__).resolve().parents[2]

HEADS = ("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")


@contextlib.contextmanager
def strict():
    """Overflow, 0/0, division by zero and warnings become errors (underflow does not)."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def all_finite(tree) -> bool:
    if isinstance(tree, dict):
        return all(all_finite(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return all(all_finite(v) for v in tree)
    return bool(np.all(np.isfinite(tree)))


def make_case(T: int, B: int, D: int, H: int, head: str, seed: int = 0, K: int = 3) -> dict:
    """A parsed case (as read_case returns) with random parameters and inputs."""
    config = {"T": T, "B": B, "D": D, "H": H, "V": None, "K": None if head == "none" else K, "head": head}
    if head == "many_to_one_sigmoid":
        config["K"] = 1
    rng = np.random.default_rng(seed)
    inputs = {"x": rng.standard_normal((T, B, D))}
    inputs.update(head_inputs(rng, head, T, B, H, K))
    return {"config": config, "params": init_params(config, seed), "inputs": inputs}


def scale_to_max_preactivation(case: dict, z_max: float) -> None:
    """Scale x so that max |x_0 W + b| over the first step is exactly z_max (h0 = 0 there)."""
    x, W, b = case["inputs"]["x"], case["params"]["W"], case["params"]["b"]
    case["params"]["b"] = b * 0.0
    z0 = np.abs(x[0] @ W).max()
    case["inputs"]["x"] = x * (z_max / z0)


def test_activations_at_extreme_inputs() -> None:
    z = np.array([-1e3, -745.2, -709.8, -40.0, -1e-300, 0.0, 1e-300, 40.0, 709.8, 745.2, 1e3])
    with strict():
        s, sp = sigmoid(z), softplus(z)
        ls = log_softmax(np.array([[1e3, -1e3, 0.0], [-1e3, -1e3, -1e3]]))
    assert np.all((s >= 0) & (s <= 1)) and s[-1] == 1.0 and s[5] == 0.5
    assert np.all(s[:3] < 1e-300)  # sigmoid(-745) ~ 5e-324; a clipped z gives ~1e-304: both fine
    assert s[3] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-15)
    assert np.all(np.isfinite(sp)) and sp[-1] == 1e3 and sp[0] == 0.0
    assert np.all(np.isfinite(ls)) and ls[0, 0] == 0.0 and ls[0, 1] == -2e3
    np.testing.assert_allclose(ls[1], np.log(1 / 3) * np.ones(3), rtol=1e-15)


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("z_max", [1e1, 1e2, 1e3])
def test_preactivations_up_to_1e3_stay_finite(head: str, z_max: float) -> None:
    case = make_case(T=4, B=3, D=2, H=5, head=head, seed=int(z_max))
    scale_to_max_preactivation(case, z_max)
    with strict():
        out = run_case(case)
    assert all_finite(out)
    gates = np.stack([out["forward"][n] for n in ("i", "f", "o")])
    assert np.all((gates >= 0) & (gates <= 1))
    assert np.all(np.abs(out["forward"]["h"]) <= 1)
    if z_max >= 1e2:  # the gates really saturate: sigmoid(z) is exactly 1 from z ~ 37 on
        assert np.any(gates == 1.0) and gates.min() < 1e-30


def test_large_logits_stay_finite() -> None:
    """Head weights of 1e3 give logits of ~1e3: the loss and gradients stay finite."""
    for head in HEADS[1:]:
        case = make_case(T=3, B=2, D=2, H=4, head=head, seed=7)
        case["params"]["Wy"] = case["params"]["Wy"] * 1e3 / np.abs(case["params"]["Wy"]).max()
        with strict():
            out = run_case(case)
        assert all_finite(out), head
        assert np.abs(out["forward"]["logits"]).max() > 10, head


@pytest.mark.parametrize("masked", [False, True])
def test_a_sequence_of_10000_steps(masked: bool) -> None:
    T, B, D, H = 10_000, 2, 3, 4
    case = make_case(T=T, B=B, D=D, H=H, head="many_to_many_softmax", seed=3)
    if masked:  # the second sequence ends after 6,000 steps
        mask = np.ones((T, B))
        mask[6000:, 1] = 0.0
        case["inputs"]["mask"] = mask
    with strict():
        fwd, cache = model_forward(case["params"], case["config"], case["inputs"])
        bwd, grads = model_backward(cache)
    assert all_finite(fwd) and all_finite(bwd) and all_finite(grads)
    assert np.abs(fwd["h"]).max() <= 1 and 0 < fwd["loss"] < 10
    if masked:  # padded steps carry the state unchanged, and get no gradient into z
        assert np.array_equal(fwd["h"][6000:, 1], np.broadcast_to(fwd["h"][5999, 1], (T - 6000, H)))
        assert not np.any(bwd["di"][6000:, 1])


def exploding_case(max_norm: float | None = 1.0, clip_value: float | None = None) -> dict:
    """Recurrent weights ~10x PyTorch's init scale: the gradient norm is ~1e7 and more."""
    case = make_case(T=60, B=2, D=3, H=8, head="none", seed=0)
    case["params"]["U"] *= 10 * np.sqrt(8)
    case["params"]["b"] *= 0.0
    case["inputs"]["x"] *= 0.01
    case["optimizer"] = {"name": "sgd", "lr": 0.1, "steps": 3, "momentum": 0.0}
    case["clip"] = {"max_norm": max_norm} if clip_value is None else {"value": clip_value}
    return case


def grad_norm(grads: dict) -> float:
    return float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))


def test_the_exploding_case_explodes() -> None:
    case = exploding_case()
    with strict():
        _, grads = loss_and_grads(case["params"], case["config"], case["inputs"])
    assert grad_norm(grads) > 1e6


def test_clip_grad_norm_keeps_exploding_steps_finite_and_small() -> None:
    case = exploding_case(max_norm=1.0)
    with strict():
        out = run_case(case)
    assert all_finite(out)
    lr, before = case["optimizer"]["lr"], case["params"]
    for step in out["optimizer_steps"]:
        moved = np.sqrt(sum(np.sum((step["params"][k] - before[k]) ** 2) for k in before))
        assert moved <= lr * 1.0 * (1 + 1e-12), moved  # |step| = lr * |clipped g| <= lr * max_norm
        assert moved >= lr * 0.99  # and clipping scaled it down, it did not zero it
        before = step["params"]


def test_clip_grad_value_keeps_exploding_steps_within_the_value() -> None:
    case = exploding_case(clip_value=0.5)
    with strict():
        out = run_case(case)
    assert all_finite(out)
    first = out["optimizer_steps"][0]["params"]
    for k, p in case["params"].items():
        assert np.abs(first[k] - p).max() <= 0.1 * 0.5 * (1 + 1e-12), k


def test_clip_grad_norm_when_the_squared_norm_overflows() -> None:
    """Finite gradients of 1e200: sum(g^2) overflows to inf. The result must still be
    finite (PyTorch's clip_grad_norm_ returns zeros here, and so does ours)."""
    grads = {"dW": np.full((2, 3), 1e200), "db": np.array([-1e200, 3.0])}
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        clipped = clip_grads(grads, {"max_norm": 1.0})
    assert all_finite(clipped)
    assert clip_grad_norm({"dW": np.array([3.0, 4.0])}, 1.0)["dW"] == pytest.approx([0.6, 0.8], rel=1e-6)


def test_an_all_zero_mask_is_refused_by_the_reader(tmp_path) -> None:
    """The mean over valid steps is 0/0 without a valid step, so the reader refuses such a case."""
    import json

    from lstmparity.suite.fixtures import FixtureError, read_case

    raw = json.loads((ROOT / "fixtures" / "char_lm_many_to_many.json").read_text())
    raw["inputs"]["mask"] = [[0.0] * len(row) for row in raw["inputs"]["mask"]]
    del raw["expected"]
    (tmp_path / "zero_mask.json").write_text(json.dumps(raw))
    with pytest.raises(FixtureError, match=r"zero_mask.json: inputs.mask: expected at least one valid step"):
        read_case(tmp_path / "zero_mask.json")
