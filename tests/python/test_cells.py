"""The GRU (both reset placements) and the vanilla RNN: backward against central finite
differences and against PyTorch autograd (nn.GRU / nn.RNN, and hand-written torch for the
reset-before form and for masks, which nn.GRU does not have).

Shapes are all different (T=4, B=3, D=5, H=2), weights are random normal (so every gate
block differs: a gate-order bug cannot pass), the loss is L = sum(proj * h) with a random
proj (T, B, H), so dL/dh_t is non-zero at every step.
"""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.gru import gru_backward, gru_forward, gru_step_forward
from lstmparity.core.rnn import rnn_backward, rnn_forward
from lstmparity.suite.gradcheck import rel_error

T, B, D, H = 4, 3, 5, 2
MASK = np.array([[1, 1, 1], [1, 0, 1], [1, 0, 0], [0, 1, 1]], dtype=float)  # (T, B): holes and a tail
# Finite differences: Richardson-extrapolated central differences (error O(eps^4) ~ 1e-16 at
# eps = 1e-3 on these O(1) functions) plus rounding ~ 1e-16 / 1e-3; 1e-9 leaves a margin of 100
# and is far below what any wrong formula gives (a dropped term is O(1)).
FD_TOL = 1e-9
# Torch runs the same float64 operations in another order: differences of a few ulp, accumulated
# over T = 4 steps; the bound.
TORCH_TOL = 1e-10


def make(cell: str, seed: int = 0) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    G = {"gru": 3, "rnn": 1}[cell]
    params = {"W": rng.standard_normal((D, G * H)) * 0.7, "U": rng.standard_normal((H, G * H)) * 0.7,
              "b": rng.standard_normal(G * H) * 0.5}
    if cell == "gru":
        params["b_hn"] = rng.standard_normal(H) * 0.5
    inputs = {"x": rng.standard_normal((T, B, D)), "h0": rng.standard_normal((B, H)) * 0.5,
              "proj": rng.standard_normal((T, B, H))}
    return params, inputs


def run(cell: str, params: dict, inputs: dict, mask=None, reset_after: bool = True):
    """(loss, trace, grads) of L = sum(proj * h)."""
    if cell == "gru":
        out, cache = gru_forward(inputs["x"], **params, h0=inputs["h0"], mask=mask, reset_after=reset_after)
        trace, grads = gru_backward(inputs["proj"], cache)
    else:
        out, cache = rnn_forward(inputs["x"], **params, h0=inputs["h0"], mask=mask)
        trace, grads = rnn_backward(inputs["proj"], cache)
    return float(np.sum(out["h"] * inputs["proj"])), trace, grads


def _central(flat: np.ndarray, k: int, e: float, loss) -> float:
    old = flat[k]
    flat[k] = old + e
    plus = loss()
    flat[k] = old - e
    minus = loss()
    flat[k] = old
    return (plus - minus) / (2 * e)


def numerical(cell: str, params: dict, inputs: dict, mask, reset_after: bool, eps: float = 1e-3) -> dict:
    """dL/d(every parameter), dL/dh0 and dL/dx by Richardson-extrapolated central differences."""
    def loss() -> float:
        return run(cell, params, inputs, mask, reset_after)[0]

    out = {}
    targets = [(params, k, "d" + k) for k in params] + [(inputs, "h0", "dh0"), (inputs, "x", "dx")]
    for holder, name, gname in targets:
        flat = holder[name].reshape(-1)
        grad = np.zeros_like(flat)
        for k in range(flat.size):
            grad[k] = (4 * _central(flat, k, eps / 2, loss) - _central(flat, k, eps, loss)) / 3
        out[gname] = grad.reshape(holder[name].shape)
    return out


CASES = [("gru", True), ("gru", False), ("rnn", True)]


@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
@pytest.mark.parametrize(("cell", "reset_after"), CASES, ids=["gru", "gru_reset_before", "rnn"])
def test_backward_matches_finite_differences(cell, reset_after, masked):
    params, inputs = make(cell)
    mask = MASK if masked else None
    _, trace, grads = run(cell, params, inputs, mask, reset_after)
    ours = {**grads, "dh0": trace["dh0"], "dx": trace["dx"]}
    num = numerical(cell, params, inputs, mask, reset_after)
    assert set(num) == set(ours)
    for k in num:
        assert np.abs(num[k]).max() > 1e-3, f"{k}: the check would be empty"
        assert rel_error(ours[k], num[k]) < FD_TOL, (k, rel_error(ours[k], num[k]))


def test_the_two_reset_placements_differ():
    """Otherwise the reset-before tests above would only repeat the reset-after ones."""
    params, inputs = make("gru")
    after = run("gru", params, inputs, reset_after=True)
    before = run("gru", params, inputs, reset_after=False)
    assert abs(after[0] - before[0]) > 1e-3


def test_a_gate_order_swap_is_visible():
    """Swapping the r and z blocks of the weights changes h: the weights are not per-gate constant."""
    params, inputs = make("gru")
    swapped = dict(params)
    for k in ("W", "U", "b"):
        r, z, n = np.split(params[k], 3, axis=-1)
        swapped[k] = np.concatenate([z, r, n], axis=-1)
    assert abs(run("gru", params, inputs)[0] - run("gru", swapped, inputs)[0]) > 1e-3


def test_masked_steps_carry_the_state():
    params, inputs = make("gru")
    out, _ = gru_forward(inputs["x"], **params, h0=inputs["h0"], mask=MASK)
    assert np.array_equal(out["h"][1, 1], out["h"][0, 1])  # b = 1 padded at t = 1 and 2
    assert np.array_equal(out["h"][2, 1], out["h"][0, 1])
    assert not np.array_equal(out["h"][3, 1], out["h"][2, 1])


def test_gru_step_alone_equals_the_layer_step():
    params, inputs = make("gru")
    out, _ = gru_forward(inputs["x"][:1], **params, h0=inputs["h0"])
    s = gru_step_forward(inputs["x"][0] @ params["W"] + params["b"], inputs["h0"], params["U"], params["b_hn"])
    assert np.array_equal(s.h, out["h"][0])


# --- PyTorch autograd --------------------------------------------------------------------------
torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra)")


def _t(a, grad: bool = False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def torch_cell(cell: str, params: dict, inputs: dict, mask, reset_after: bool):
    """The cell written with torch operations (both GRU forms, masks); autograd does the backward."""
    p = {k: _t(v, True) for k, v in params.items()}
    x, h0 = _t(inputs["x"], True), _t(inputs["h0"], True)
    h, hs = h0, []
    for t in range(T):
        if cell == "rnn":
            h_new = torch.tanh(x[t] @ p["W"] + p["b"] + h @ p["U"])
        else:
            xr, xz, xn = (x[t] @ p["W"] + p["b"]).split(H, dim=1)
            Ur, Uz, Un = p["U"].split(H, dim=1)
            r, z = torch.sigmoid(xr + h @ Ur), torch.sigmoid(xz + h @ Uz)
            if reset_after:
                n = torch.tanh(xn + r * (h @ Un + p["b_hn"]))
            else:
                n = torch.tanh(xn + (r * h) @ Un + p["b_hn"])
            h_new = (1 - z) * n + z * h
        if mask is not None:
            m = _t(mask[t])[:, None]
            h_new = m * h_new + (1 - m) * h
        h = h_new
        hs.append(h)
    loss = (torch.stack(hs) * _t(inputs["proj"])).sum()
    loss.backward()
    grads = {"d" + k: v.grad.numpy() for k, v in p.items()}
    return torch.stack(hs).detach().numpy(), {**grads, "dh0": h0.grad.numpy(), "dx": x.grad.numpy()}


@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
@pytest.mark.parametrize(("cell", "reset_after"), CASES, ids=["gru", "gru_reset_before", "rnn"])
def test_handwritten_torch_autograd_agrees(cell, reset_after, masked):
    params, inputs = make(cell, seed=1)
    mask = MASK if masked else None
    h_ref, ref = torch_cell(cell, params, inputs, mask, reset_after)
    _, trace, grads = run(cell, params, inputs, mask, reset_after)
    ours = {**grads, "dh0": trace["dh0"], "dx": trace["dx"]}
    assert set(ref) == set(ours)
    fwd = (gru_forward if cell == "gru" else rnn_forward)
    kw = {"reset_after": reset_after} if cell == "gru" else {}
    h = fwd(inputs["x"], **params, h0=inputs["h0"], mask=mask, **kw)[0]["h"]
    assert rel_error(h, h_ref) < TORCH_TOL
    for k in ref:
        assert rel_error(ours[k], ref[k]) < TORCH_TOL, (k, rel_error(ours[k], ref[k]))


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_torch_nn_module_agrees(cell):
    """nn.GRU / nn.RNN themselves (PyTorch's own kernels), weights carried by lstmparity.core.convert."""
    from lstmparity.core.convert import to_torch

    params, inputs = make(cell, seed=2)
    module = (torch.nn.GRU if cell == "gru" else torch.nn.RNN)(D, H).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(params, cell).items()})
    x, h0 = _t(inputs["x"], True), _t(inputs["h0"][None], True)
    y, _ = module(x, h0)
    (y * _t(inputs["proj"])).sum().backward()
    _, trace, grads = run(cell, params, inputs)
    sd = {k: v.grad.numpy() for k, v in module.named_parameters()}
    ref = {"dW": sd["weight_ih_l0"].T, "dU": sd["weight_hh_l0"].T, "db": sd["bias_ih_l0"],
           "dh0": h0.grad.numpy()[0], "dx": x.grad.numpy()}
    if cell == "gru":
        ref["db_hn"] = sd["bias_hh_l0"][2 * H :]
        # r, z: bias_hh is only added to bias_ih, so its gradient is the same
        assert rel_error(sd["bias_hh_l0"][: 2 * H], sd["bias_ih_l0"][: 2 * H]) < TORCH_TOL
    assert rel_error(run(cell, params, inputs)[1]["dh"][-1], inputs["proj"][-1]) == 0.0
    assert set(ref) == set({**grads, "dh0": 0, "dx": 0})
    ours = {**grads, "dh0": trace["dh0"], "dx": trace["dx"]}
    for k in ref:
        assert rel_error(ours[k], ref[k]) < TORCH_TOL, (k, rel_error(ours[k], ref[k]))
