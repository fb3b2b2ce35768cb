"""A from-scratch LSTM written the way many tutorials write it, with one optional bug: adapters for the diagnosis tests.

Independent of lstmparity's core: batch-first arrays (B, T, .), one weight matrix
per gate in a dict (Keras-style ``kernel[gate]``), the backward pass accumulating
per-gate gradients step by step. Head "none" only (loss = sum(proj * h)), no mask.
``adapter(bug)`` returns the adapter function (case -> dict shaped like
``expected``); ``bug`` names one mistake of :data:`BUGS` (or None: correct).
None of these bugs is in the mutation catalogue: the runner must diagnose them
through the generic grammar.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

GATES = ("i", "f", "g", "o")
BUGS = {
    "hard_sigmoid": "old Keras's hard_sigmoid as the recurrent activation of i, f, o",
    "g_without_bias": "the candidate g computed without its bias",
    "do_tanh_derivative": "the output gate's derivative written 1 - o^2 (tanh's) instead of o (1 - o)",
    "dx_gate_order": "dx computed from the gate gradients stacked i, f, o, g against W's i, f, g, o blocks",
    "c_prev_wraps": "c_{t-1} read as C[t - 1]: at t = 0 Python's index -1 reads the last cell state",
    "batch_first_output": "every per-step tensor returned batch-first (B, T, H)",
    "noise": "a wrong value that no known bug explains (a fixed perturbation of dc)",
}
R_BUGS = {  # scratch_lstm.R: scratch_adapter(bug)
    "g_sigmoid": "the candidate g through a sigmoid instead of tanh",
    "bias_twice": "every bias added twice (PyTorch's b_ih and b_hh both loaded with b)",
    "dg_preactivation": "the candidate's derivative 1 - z_g^2 taken on the pre-activation",
    "db_gate_order": "the bias gradient stacked i, f, o, g",
}
CASES = [  # (language, bug, fixture, the grammar's hypothesis id the runner must confirm)
    ("python", "hard_sigmoid", "batch_all_dims_differ", "i:act:hard_sigmoid"),
    ("python", "g_without_bias", "initial_state", "g:bias:none"),
    ("python", "do_tanh_derivative", "batch_all_dims_differ", "do:swap:dsig_o>dtanh_o"),
    ("python", "dx_gate_order", "saturated_gates", "dx:perm:ifog"),
    ("python", "c_prev_wraps", "batch_all_dims_differ", "df:swap:c_prev>c_wrap"),
    ("python", "batch_first_output", "tiny_random", "i:axes:(1, 0, 2)"),
    ("r", "g_sigmoid", "batch_all_dims_differ", "g:act:sigmoid"),
    ("r", "bias_twice", "initial_state", "i:bias:twice"),
    ("r", "dg_preactivation", "batch_all_dims_differ", "dg:swap:dtanh_g>dtanh_zg"),
    ("r", "db_gate_order", "tiny_random", "db:perm:ifog"),
]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _hard_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)


def _split(p: dict, H: int) -> tuple[dict, dict, dict]:
    """Per-gate kernel (D, H), recurrent kernel (H, H) and bias (H,) from the (., 4H) layout."""
    cols = {k: slice(n * H, (n + 1) * H) for n, k in enumerate(GATES)}
    return ({k: p["W"][:, s] for k, s in cols.items()}, {k: p["U"][:, s] for k, s in cols.items()},
            {k: p["b"][s] for k, s in cols.items()})


def run(case: dict, bug: str | None = None) -> dict:
    """Forward, backward and gradients of one case (head "none", no mask)."""
    assert case["config"]["head"] == "none" and "mask" not in case["inputs"], "scratch LSTM: head none, no mask"
    x = np.transpose(case["inputs"]["x"], (1, 0, 2))  # (B, T, D): batch-first inside
    proj = np.transpose(case["inputs"]["proj"], (1, 0, 2))
    B, T, D = x.shape
    H = case["params"]["U"].shape[0]
    kernel, recurrent, bias = _split(case["params"], H)
    h = np.asarray(case["inputs"].get("h0", np.zeros((B, H))), dtype=float)
    c = np.asarray(case["inputs"].get("c0", np.zeros((B, H))), dtype=float)
    h0, c0 = h, c
    act = {"i": _sigmoid, "f": _sigmoid, "g": np.tanh, "o": _sigmoid}
    if bug == "hard_sigmoid":
        act.update(i=_hard_sigmoid, f=_hard_sigmoid, o=_hard_sigmoid)
    seq = {k: np.zeros((B, T, H)) for k in ("i", "f", "g", "o", "c", "h")}
    for t in range(T):
        gate = {}
        for k in GATES:
            b_k = 0.0 if (bug == "g_without_bias" and k == "g") else bias[k]
            gate[k] = act[k](x[:, t] @ kernel[k] + b_k + h @ recurrent[k])
        c = gate["f"] * c + gate["i"] * gate["g"]
        h = gate["o"] * np.tanh(c)
        for k in GATES:
            seq[k][:, t] = gate[k]
        seq["c"][:, t], seq["h"][:, t] = c, h

    grad = {"dW": {k: np.zeros((D, H)) for k in GATES}, "dU": {k: np.zeros((H, H)) for k in GATES},
            "db": {k: np.zeros(H) for k in GATES}}
    back = {k: np.zeros((B, T, H)) for k in ("dh", "do", "dc", "di", "df", "dg")}
    dx = np.zeros((B, T, D))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        i, f, g, o, ct = (seq[k][:, t] for k in ("i", "f", "g", "o", "c"))
        c_prev = seq["c"][:, t - 1] if (t > 0 or bug == "c_prev_wraps") else c0
        h_prev = seq["h"][:, t - 1] if t > 0 else h0
        dh = proj[:, t] + dh_next
        d_o = dh * np.tanh(ct) * ((1 - o * o) if bug == "do_tanh_derivative" else o * (1 - o))
        dc = dh * o * (1 - np.tanh(ct) ** 2) + dc_next
        if bug == "noise":
            dc = dc + 0.01 * np.cos(np.arange(dc.size)).reshape(dc.shape)
        dgate = {"i": dc * g * i * (1 - i), "f": dc * c_prev * f * (1 - f), "g": dc * i * (1 - g * g), "o": d_o}
        for k in GATES:
            back["d" + k][:, t] = dgate[k]
            grad["dW"][k] += x[:, t].T @ dgate[k]
            grad["dU"][k] += h_prev.T @ dgate[k]
            grad["db"][k] += dgate[k].sum(axis=0)
        back["dh"][:, t], back["dc"][:, t] = dh, dc
        order = ("i", "f", "o", "g") if bug == "dx_gate_order" else GATES
        dx[:, t] = sum(dgate[k] @ kernel[j].T for k, j in zip(order, GATES, strict=True))
        dh_next = sum(dgate[k] @ recurrent[k].T for k in GATES)
        dc_next = dc * f

    def layout(a: np.ndarray) -> np.ndarray:
        return a if bug == "batch_first_output" else np.transpose(a, (1, 0, 2))

    return {"forward": {**{k: layout(v) for k, v in seq.items()}, "loss": float(np.sum(proj * seq["h"]))},
            "backward": {**{k: layout(v) for k, v in back.items()}, "dx": layout(dx), "dh0": dh_next, "dc0": dc_next},
            "grads": {k: np.concatenate([v[g] for g in GATES], axis=-1) for k, v in grad.items()}}


def adapter(bug: str | None) -> Callable[[dict], dict]:
    """The adapter function for ``--impl``-style use: case -> result."""
    return lambda case: run(case, bug)


def c_prev_wraps(case: dict) -> dict:
    """``--impl py:conformance/tests/scratch_lstm.py:c_prev_wraps``: the C[t - 1] bug as an adapter."""
    return run(case, "c_prev_wraps")


def noise(case: dict) -> dict:
    """``--impl py:conformance/tests/scratch_lstm.py:noise``: a wrong value no known bug explains."""
    return run(case, "noise")
