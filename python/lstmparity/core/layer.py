"""An LSTM layer over a whole sequence: the step functions of :mod:`cell` in a loop over time.

Shapes: x (T, B, D); h0, c0 (B, H); mask (T, B); W (D, 4H); U (H, 4H); b (4H,).
Only what truly depends on time is in the loops. Before the forward loop, the
input projection ``x_t W + b`` is one matrix product for all steps; before the
backward loop, the local derivatives are computed for all steps at once (one
call of the elementwise ``lstm_local_grads`` on (T, B, H) arrays; R calls it
step by step); after it, the input gradient and the parameter gradients are
matrix products over all T*B rows (the parameter gradients one product
``[x | h_prev | 1]^T dz``)::

    dW = sum_t x_t^T dz_t      dU = sum_t h_{t-1}^T dz_t      db = sum_t sum_b dz_t
    dx_t = dz_t W^T
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from lstmparity.core.cell import lstm_local_grads, lstm_step_backward, lstm_step_forward


@dataclass
class LayerCache:
    """Everything the backward pass needs. Per-step arrays are (T, B, .)."""

    x: np.ndarray
    W: np.ndarray
    U: np.ndarray
    gates: dict[str, np.ndarray]  # gate activations {"i", "f", "g", "o"}, each (T, B, H), contiguous
    h_prev: np.ndarray  # h_{t-1} for every t; h_prev[0] = h0
    c_prev: np.ndarray  # c_{t-1} for every t; c_prev[0] = c0
    tanh_c: np.ndarray  # tanh(c~_t)
    mask: np.ndarray | None  # (T, B, 1)


def gates(a: np.ndarray) -> dict[str, np.ndarray]:
    """Split activations (..., 4H) into views {"i", "f", "g", "o"}, each (..., H)."""
    H = a.shape[-1] // 4
    return {"i": a[..., :H], "f": a[..., H : 2 * H], "g": a[..., 2 * H : 3 * H], "o": a[..., 3 * H :]}


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
    xw = (x.reshape(T * B, D) @ W).reshape(T, B, 4 * H)  # x_t W + b for all t
    xw += b  # (in place: a second (T, B, 4H) temporary costs more than the product here)
    m_all = None if mask is None else np.asarray(mask, dtype=float)[:, :, None]
    # Each gate of every step in its own contiguous (T, B, H) array rather than one (T, B, 4H) array of
    # column blocks: lstm_local_grads reads them all at once, and runs faster on contiguous arrays
    i_all, f_all, g_all, o_all = np.empty((4, T, B, H))
    h_all, c_all, tanh_c = np.empty((T + 1, B, H)), np.empty((T + 1, B, H)), np.empty((T, B, H))
    h_all[0] = 0.0 if h0 is None else h0  # row t + 1 holds h_t; row 0 holds h0
    c_all[0] = 0.0 if c0 is None else c0
    for t in range(T):
        m = None if m_all is None else m_all[t]
        s = step_forward(xw[t], h_all[t], c_all[t], U, m)
        i_all[t], f_all[t], g_all[t], o_all[t] = s.i, s.f, s.g, s.o
        h_all[t + 1], c_all[t + 1], tanh_c[t] = s.h, s.c, s.tanh_c
    g = {"i": i_all, "f": f_all, "g": g_all, "o": o_all}
    return {**g, "c": c_all[1:], "h": h_all[1:]}, LayerCache(x, W, U, g, h_all[:-1], c_all[:-1], tanh_c, m_all)


class ParamGrads(NamedTuple):
    """Parameter gradients of the layer: dW (D, 4H), dU (H, 4H), db (4H,)."""

    dW: np.ndarray
    dU: np.ndarray
    db: np.ndarray


def lstm_param_grads(x: np.ndarray, h_prev: np.ndarray, dz: np.ndarray) -> ParamGrads:
    """dW, dU, db summed over all steps.

    x (T*B, D), h_prev (T*B, H), dz (T*B, 4H): the steps stacked, row t*B + b
    (any order works if it is the same in all three).
    """
    # All three in one product: [x | h_prev | 1]^T dz stacks dW, dU and db (= 1^T dz) row-wise.
    # One larger product runs faster than two smaller ones, and db comes out of it instead of
    # costing a separate pass over dz.
    D, H = x.shape[1], h_prev.shape[1]
    xh1 = np.empty((x.shape[0], D + H + 1))
    xh1[:, :D], xh1[:, D : D + H], xh1[:, D + H] = x, h_prev, 1.0
    g = xh1.T @ dz
    return ParamGrads(g[:D], g[D : D + H], g[D + H])


def lstm_backward(
    dh_head: np.ndarray,
    cache: LayerCache,
    step_backward: Callable = lstm_step_backward,
    local_grads: Callable = lstm_local_grads,
    param_grads: Callable = lstm_param_grads,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backpropagation through time.

    dh_head (T, B, H): dL/dh_t coming from the head (zero where the head does not look).
    Returns (trace, grads): trace holds the per-step ``dh, do, dc, di, df, dg``
    (T, B, H), ``dx`` (T, B, D), ``dh0, dc0`` (B, H); grads holds ``dW, dU, db``.
    """
    T, B, H = dh_head.shape
    D = cache.W.shape[0]
    g = cache.gates
    local = local_grads(g["i"], g["f"], g["g"], g["o"], cache.c_prev, cache.tanh_c, cache.mask)  # all steps at once
    dz = np.empty((T, B, 4 * H))  # [di | df | dg | do] of every step
    dh_all, dc_all = np.empty((T, B, H)), np.empty((T, B, H))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        m = None if cache.mask is None else cache.mask[t]
        dh = np.add(dh_head[t], dh_next, out=dh_all[t])  # total dL/dh_t
        s = step_backward(dh, dc_next, local.dh_do[t], local.dh_dc[t], local.dc_di[t], local.dc_df[t],
                          local.dc_dg[t], g["f"][t], cache.U, m)
        np.concatenate((s.di, s.df, s.dg, s.do), axis=1, out=dz[t])
        dc_all[t] = s.dc
        dh_next, dc_next = s.dh_prev, s.dc_prev
    d = gates(dz)
    trace = {"dh": dh_all, "do": d["o"], "dc": dc_all, "di": d["i"], "df": d["f"], "dg": d["g"]}
    dz2 = dz.reshape(T * B, 4 * H)  # rows step by step: t*B + b
    trace["dx"] = (dz2 @ cache.W.T).reshape(T, B, D)  # dx_t = dz_t W^T, all steps in one product
    trace["dh0"], trace["dc0"] = dh_next, dc_next
    dW, dU, db = param_grads(cache.x.reshape(T * B, D), cache.h_prev.reshape(T * B, H), dz2)
    return trace, {"dW": dW, "dU": dU, "db": db}
