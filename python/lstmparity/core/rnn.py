"""The vanilla (Elman) RNN: one time step (forward, local derivative, backward) and the layer.

One block, g (the new state before masking): W (D, H), U (H, H), b (H,) (PyTorch's
bias_ih + bias_hh, which are only added).

Equations (forward), xw_t = x_t W + b precomputed, m the mask (1 when absent)::

    g = tanh(xw_t + h_prev U)
    h = m * g + (1 - m) * h_prev             (m = 0 at padded steps: carry the state)

Local derivative and backward (dg = dL/da_g, the pre-activation gradient)::

    dh_dg = m * (1 - g^2)                    d h / d a_g
    dg = dh * dh_dg
    dh_prev = dg U^T + (1 - m) * dh

and over all steps: dW = sum_t x_t^T dg_t, dU = sum_t h_{t-1}^T dg_t, db = sum dg, dx_t = dg_t W^T.
The gradient reaching h_{t-k} is a product of k factors diag(1 - g^2) U^T: it vanishes
(or explodes) geometrically, the point of examples/vanishing_gradients.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

GATES = ("g",)


class StepOut(NamedTuple):
    """One forward step: g = tanh(a_g) and the carried state h, each (B, H)."""

    g: np.ndarray
    h: np.ndarray


class LocalGrads(NamedTuple):
    dh_dg: np.ndarray


class StepGrads(NamedTuple):
    """One backward step: dg = dL/da_g and dL/dh_{t-1}, each (B, H)."""

    dg: np.ndarray
    dh_prev: np.ndarray


class ParamGrads(NamedTuple):
    dW: np.ndarray
    dU: np.ndarray
    db: np.ndarray


def rnn_step_forward(xw_t: np.ndarray, h_prev: np.ndarray, U: np.ndarray, m: np.ndarray | None = None) -> StepOut:
    """One step forward. xw_t (B, H) = x_t W + b; h_prev (B, H); U (H, H); m (B, 1) or None."""
    g = np.tanh(xw_t + h_prev @ U)
    h = g if m is None else m * g + (1.0 - m) * h_prev
    return StepOut(g, h)


def rnn_local_grads(g: np.ndarray, m: np.ndarray | None = None) -> LocalGrads:
    """dh_dg = m * (1 - g^2). g (B, H) or (T, B, H); m (B, 1) / (T, B, 1) or None."""
    dh_dg = 1.0 - g * g
    if m is not None:
        dh_dg *= m
    return LocalGrads(dh_dg)


def rnn_step_backward(dh: np.ndarray, dh_dg: np.ndarray, U: np.ndarray, m: np.ndarray | None = None) -> StepGrads:
    """One step backward. dh (B, H): total dL/dh_t; dh_dg (B, H); U (H, H); m (B, 1) or None."""
    dg = dh * dh_dg
    dh_prev = dg @ U.T
    if m is not None:
        dh_prev += (1.0 - m) * dh
    return StepGrads(dg, dh_prev)


def rnn_param_grads(x: np.ndarray, h_prev: np.ndarray, dz: np.ndarray) -> ParamGrads:
    """dW, dU, db over all steps. x (T*B, D), h_prev (T*B, H), dz (T*B, H) = dg: rows step by step."""
    return ParamGrads(x.T @ dz, h_prev.T @ dz, dz.sum(axis=0))


class RNNCache(NamedTuple):
    x: np.ndarray  # (T, B, D)
    W: np.ndarray
    U: np.ndarray
    g: np.ndarray  # (T, B, H)
    h_prev: np.ndarray  # h_{t-1} for every t; h_prev[0] = h0
    mask: np.ndarray | None  # (T, B, 1)


def rnn_forward(
    x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
    h0: np.ndarray | None = None, mask: np.ndarray | None = None, step_forward: Callable = rnn_step_forward,
) -> tuple[dict[str, np.ndarray], RNNCache]:
    """Run the layer. x (T, B, D); h0 (B, H) or None; mask (T, B) or None. Returns ``{"g", "h"}`` (T, B, H)."""
    T, B, D = x.shape
    H = U.shape[0]
    xw = (x.reshape(T * B, D) @ W + b).reshape(T, B, H)
    m_all = None if mask is None else np.asarray(mask, dtype=float)[:, :, None]
    h_all, g = np.empty((T + 1, B, H)), np.empty((T, B, H))
    h_all[0] = 0.0 if h0 is None else h0
    for t in range(T):
        s = step_forward(xw[t], h_all[t], U, None if m_all is None else m_all[t])
        g[t], h_all[t + 1] = s.g, s.h
    return {"g": g, "h": h_all[1:]}, RNNCache(x, W, U, g, h_all[:-1], m_all)


def rnn_backward(
    dh_head: np.ndarray, cache: RNNCache, step_backward: Callable = rnn_step_backward,
    local_grads: Callable = rnn_local_grads, param_grads: Callable = rnn_param_grads,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backpropagation through time. dh_head (T, B, H). Returns (trace {dh, dg, dx, dh0}, grads {dW, dU, db})."""
    T, B, H = dh_head.shape
    c = cache
    dh_dg = local_grads(c.g, c.mask)[0]
    dg, dh_all = np.empty((T, B, H)), np.empty((T, B, H))
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        dh = np.add(dh_head[t], dh_next, out=dh_all[t])  # total dL/dh_t
        s = step_backward(dh, dh_dg[t], c.U, None if c.mask is None else c.mask[t])
        dg[t], dh_next = s.dg, s.dh_prev
    D = c.W.shape[0]
    dz2 = dg.reshape(T * B, H)
    trace = {"dh": dh_all, "dg": dg, "dx": (dz2 @ c.W.T).reshape(T, B, D), "dh0": dh_next}
    g = param_grads(c.x.reshape(T * B, D), c.h_prev.reshape(T * B, H), dz2)
    return trace, dict(zip(ParamGrads._fields, g, strict=True))
