"""The baseline users come from: an LSTM in the style of the original notebooks.

One column vector at a time, a separate weight matrix per gate, states kept in
dicts keyed by time step, and Python loops over the samples and over time.
The math is the contract of ``fixtures/README.md`` (no mask, zero initial state);
``lstmparity bench`` times it next to the vectorised reference, and the tests
check that it computes the same numbers.

Shapes: x (T, B, D); dh_head (T, B, H); per-gate Wx[k] (H, D), Wh[k] (H, H), bias[k] (H, 1)
for k in i, f, g, o; column vectors are (n, 1).

Equations (per sample, per step)::

    i = sigmoid(Wx_i x + Wh_i h_prev + b_i)     f, o likewise     g = tanh(Wx_g x + Wh_g h_prev + b_g)
    c = f * c_prev + i * g                      h = o * tanh(c)
"""

from __future__ import annotations

import numpy as np

GATES = ("i", "f", "g", "o")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def split_params(W: np.ndarray, U: np.ndarray, b: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Reference layout (W (D, 4H), U (H, 4H), b (4H,)) -> per-gate column-vector matrices."""
    H = U.shape[0]
    blocks = {k: slice(n * H, (n + 1) * H) for n, k in enumerate(GATES)}
    return {
        "Wx": {k: np.ascontiguousarray(W[:, s].T) for k, s in blocks.items()},
        "Wh": {k: np.ascontiguousarray(U[:, s].T) for k, s in blocks.items()},
        "bias": {k: b[s].reshape(H, 1).copy() for k, s in blocks.items()},
    }


def join_grads(grads: dict[str, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per-gate gradients -> reference layout dW (D, 4H), dU (H, 4H), db (4H,)."""
    return {
        "dW": np.concatenate([grads["Wx"][k].T for k in GATES], axis=1),
        "dU": np.concatenate([grads["Wh"][k].T for k in GATES], axis=1),
        "db": np.concatenate([grads["bias"][k][:, 0] for k in GATES]),
    }


def sample_forward(xs: np.ndarray, p: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[int, np.ndarray]]:
    """One sample over T steps. xs (T, D). Returns the states and gates as dicts keyed by t."""
    Wx, Wh, bias = p["Wx"], p["Wh"], p["bias"]
    H = bias["i"].shape[0]
    s: dict[str, dict[int, np.ndarray]] = {k: {} for k in ("x", "i", "f", "g", "o", "c", "tc", "h")}
    s["h"][-1], s["c"][-1] = np.zeros((H, 1)), np.zeros((H, 1))
    for t in range(xs.shape[0]):
        x = xs[t].reshape(-1, 1)
        h_prev = s["h"][t - 1]
        s["x"][t] = x
        s["i"][t] = sigmoid(Wx["i"] @ x + Wh["i"] @ h_prev + bias["i"])
        s["f"][t] = sigmoid(Wx["f"] @ x + Wh["f"] @ h_prev + bias["f"])
        s["g"][t] = np.tanh(Wx["g"] @ x + Wh["g"] @ h_prev + bias["g"])
        s["o"][t] = sigmoid(Wx["o"] @ x + Wh["o"] @ h_prev + bias["o"])
        s["c"][t] = s["f"][t] * s["c"][t - 1] + s["i"][t] * s["g"][t]
        s["tc"][t] = np.tanh(s["c"][t])
        s["h"][t] = s["o"][t] * s["tc"][t]
    return s


def sample_backward(
    dhs: np.ndarray, s: dict[str, dict[int, np.ndarray]], p: dict[str, dict[str, np.ndarray]],
    grads: dict[str, dict[str, np.ndarray]],
) -> np.ndarray:
    """Backward through one sample; adds into ``grads``. dhs (T, H). Returns dx (T, D)."""
    Wx, Wh = p["Wx"], p["Wh"]
    T = dhs.shape[0]
    H = Wh["i"].shape[0]
    dxs = np.zeros((T, Wx["i"].shape[1]))
    dh_next, dc_next = np.zeros((H, 1)), np.zeros((H, 1))
    for t in reversed(range(T)):
        dh = dhs[t].reshape(-1, 1) + dh_next
        i, f, g, o, tc = s["i"][t], s["f"][t], s["g"][t], s["o"][t], s["tc"][t]
        dz = {"o": dh * tc * o * (1 - o)}
        dc = dc_next + dh * o * (1 - tc**2)
        dz["i"] = dc * g * i * (1 - i)
        dz["f"] = dc * s["c"][t - 1] * f * (1 - f)
        dz["g"] = dc * i * (1 - g**2)
        dx = np.zeros((Wx["i"].shape[1], 1))
        dh_next = np.zeros((H, 1))
        for k in GATES:
            grads["Wx"][k] += dz[k] @ s["x"][t].T
            grads["Wh"][k] += dz[k] @ s["h"][t - 1].T
            grads["bias"][k] += dz[k]
            dx += Wx[k].T @ dz[k]
            dh_next += Wh[k].T @ dz[k]
        dc_next = dc * f
        dxs[t] = dx[:, 0]
    return dxs


def baseline_forward_backward(
    x: np.ndarray, p: dict[str, dict[str, np.ndarray]], dh_head: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, np.ndarray]]]:
    """Forward and backward, sample by sample. Returns h (T, B, H), dx (T, B, D) and per-gate grads."""
    T, B, _ = x.shape
    H = p["bias"]["i"].shape[0]
    grads = {name: {k: np.zeros_like(m) for k, m in p[name].items()} for name in ("Wx", "Wh", "bias")}
    h_all, dx_all = np.empty((T, B, H)), np.empty_like(x)
    for n in range(B):
        s = sample_forward(x[:, n, :], p)
        for t in range(T):
            h_all[t, n] = s["h"][t][:, 0]
        dx_all[:, n, :] = sample_backward(dh_head[:, n, :], s, p, grads)
    return h_all, dx_all, grads
