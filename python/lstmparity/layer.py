"""An LSTM layer over a whole sequence: the step functions of :mod:`cell` in a loop over time.

Shapes: x (T, B, D); h0, c0 (B, H); mask (T, B); W (D, 4H); U (H, 4H); b (4H,).
The input projection ``x_t W + b`` is done for all steps in one matrix product
before the loop, and the parameter gradients are summed over all steps in one
matrix product after it (the loops only carry what truly depends on time).

Parameter gradients (after the backward loop)::

    dW = sum_t x_t^T dz_t      dU = sum_t h_{t-1}^T dz_t      db = sum_t sum_b dz_t
    dx_t = dz_t W^T
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .cell import StepCache, StepGrads, lstm_step_backward, lstm_step_forward


@dataclass
class LayerCache:
    """Everything the backward pass needs. Arrays are (T, B, .)."""

    x: np.ndarray
    W: np.ndarray
    U: np.ndarray
    h_prev: np.ndarray  # h_{t-1} for every t: (T, B, H), h_prev[0] = h0
    steps: list[StepCache]


def lstm_forward(
    x: np.ndarray,
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    step_forward: Callable = lstm_step_forward,
) -> tuple[dict[str, np.ndarray], LayerCache]:
    """Run the layer over the sequence.

    Returns ``{"i", "f", "g", "o", "c", "h"}``, each (T, B, H) (c and h are the
    carried states c_t, h_t), and the cache for :func:`lstm_backward`.
    """
    T, B, D = x.shape
    H = U.shape[0]
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H)) if c0 is None else c0
    xw = (x.reshape(T * B, D) @ W + b).reshape(T, B, 4 * H)  # x_t W + b for all t
    h_all, c_all = np.empty((T, B, H)), np.empty((T, B, H))
    h_prev = np.empty((T, B, H))
    steps = []
    for t in range(T):
        m = None if mask is None else mask[t][:, None]
        h_prev[t] = h
        h, c, cache = step_forward(xw[t], h, c, U, m)
        h_all[t], c_all[t] = h, c
        steps.append(cache)
    out = {name: np.stack([getattr(s, name) for s in steps]) for name in ("i", "f", "g", "o")}
    out["c"], out["h"] = c_all, h_all
    return out, LayerCache(x, W, U, h_prev, steps)


def lstm_param_grads(
    x: np.ndarray, h_prev: np.ndarray, dz: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dW, dU, db summed over all steps. x (T, B, D), h_prev (T, B, H), dz (T, B, 4H)."""
    T, B, D = x.shape
    H = h_prev.shape[2]
    dz2 = dz.reshape(T * B, 4 * H)
    dW = x.reshape(T * B, D).T @ dz2
    dU = h_prev.reshape(T * B, H).T @ dz2
    db = dz2.sum(axis=0)
    return dW, dU, db


def lstm_backward(
    dh_head: np.ndarray,
    cache: LayerCache,
    step_backward: Callable = lstm_step_backward,
    param_grads: Callable = lstm_param_grads,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backpropagation through time.

    dh_head (T, B, H): dL/dh_t coming from the head (zero where the head does not look).
    Returns (trace, grads): trace holds the per-step ``dh, do, dc, di, df, dg``
    (T, B, H), ``dx`` (T, B, D), ``dh0, dc0`` (B, H); grads holds ``dW, dU, db``.
    """
    T, B, H = dh_head.shape
    dz = np.empty((T, B, 4 * H))
    trace = {name: np.empty((T, B, H)) for name in ("dh", "do", "dc", "di", "df", "dg")}
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        dh = dh_head[t] + dh_next  # total dL/dh_t
        s: StepGrads = step_backward(dh, dc_next, cache.steps[t], cache.U)
        trace["dh"][t], trace["do"][t], trace["dc"][t] = dh, s.do, s.dc
        trace["di"][t], trace["df"][t], trace["dg"][t] = s.di, s.df, s.dg
        dz[t] = s.dz
        dh_next, dc_next = s.dh_prev, s.dc_prev
    trace["dx"] = dz @ cache.W.T
    trace["dh0"], trace["dc0"] = dh_next, dc_next
    dW, dU, db = param_grads(cache.x, cache.h_prev, dz)
    return trace, {"dW": dW, "dU": dU, "db": db}
