"""The GRU: one time step (forward, local derivatives, backward) and the layer over a sequence.

Gate order r, z, n (PyTorch's): the three H-wide column blocks of W (D, 3H) and U (H, 3H).
Parameters: W, U, b (3H,) the input-side bias, b_hn (H,) the recurrent bias of n
(PyTorch's bias_ih + bias_hh folded together for r and z, where they are only added;
for n they are not, since the reset gate multiplies the recurrent term).

Two placements of the reset gate (``reset_after``):

* ``reset_after=True`` (default; PyTorch nn.GRU, Keras ``reset_after=True`` (the TF2
  default), ONNX ``linear_before_reset=1``, cuDNN)::

      hn = h_prev U_n + b_hn                  a_n = xw_n + r * hn

* ``reset_after=False`` (Cho et al. 2014; Keras ``reset_after=False``, ONNX's default
  ``linear_before_reset=0``)::

      hn = (r * h_prev) U_n + b_hn            a_n = xw_n + hn

Equations (forward), xw_t = x_t W + b precomputed, m the mask (1 when absent)::

    r  = sigmoid(xw_r + h_prev U_r)          z = sigmoid(xw_z + h_prev U_z)
    n  = tanh(a_n)                           (a_n above)
    h~ = (1 - z) * n + z * h_prev            (z keeps the old state: PyTorch's direction)
    h  = m * h~ + (1 - m) * h_prev           (m = 0 at padded steps: carry the state)

Local derivatives (pre-activation gradients of h~; forward values only)::

    dh_dn = m * (1 - z) * (1 - n^2)          d h~ / d a_n
    dh_dz = m * (h_prev - n) * z * (1 - z)   d h~ / d a_z
    dn_dr = hn * r * (1 - r)                 d a_n / d a_r            (reset after)
          = h_prev * r * (1 - r)             d (r * h_prev) / d a_r   (reset before)

Equations (backward; dr, dz, dn are dL/da_r, dL/da_z, dL/da_n)::

    dn  = dh * dh_dn          dz = dh * dh_dz
    reset after:  dhn = dn * r                 dr = dn * dn_dr
                  dh_prev = [dr | dz | dhn] U^T + (m * z + 1 - m) * dh
    reset before: dhn = dn      drh = dn U_n^T dr = drh * dn_dr
                  dh_prev = [dr | dz] U_rz^T + drh * r + (m * z + 1 - m) * dh

and over all steps (dhn = dL/dhn, the gradient of the recurrent product's n block)::

    dW = sum_t x_t^T [dr | dz | dn]     db = sum [dr | dz | dn]      db_hn = sum dhn
    dU = sum_t [h_prev^T [dr | dz] | hr^T dhn],  hr = h_prev (reset after) or r * h_prev (before)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from lstmparity.core.activations import sigmoid

GATES = ("r", "z", "n")


class StepOut(NamedTuple):
    """One forward step, each (B, H): gates r, z, n; the carried state h; hn (see the module docstring)."""

    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray
    hn: np.ndarray


class LocalGrads(NamedTuple):
    """Local derivatives, each the shape of the gates (see the module docstring)."""

    dh_dn: np.ndarray
    dh_dz: np.ndarray
    dn_dr: np.ndarray


class StepGrads(NamedTuple):
    """One backward step, each (B, H): dL/da_r, dL/da_z, dL/da_n, dL/dhn, and dL/dh_{t-1}."""

    dr: np.ndarray
    dz: np.ndarray
    dn: np.ndarray
    dhn: np.ndarray
    dh_prev: np.ndarray


class ParamGrads(NamedTuple):
    dW: np.ndarray
    dU: np.ndarray
    db: np.ndarray
    db_hn: np.ndarray


def gru_step_forward(
    xw_t: np.ndarray, h_prev: np.ndarray, U: np.ndarray, b_hn: np.ndarray,
    m: np.ndarray | None = None, reset_after: bool = True,
) -> StepOut:
    """One step forward. xw_t (B, 3H) = x_t W + b; h_prev (B, H); U (H, 3H); b_hn (H,); m (B, 1) or None."""
    H = h_prev.shape[1]
    rz = sigmoid(xw_t[:, : 2 * H] + h_prev @ U[:, : 2 * H])
    r, z = rz[:, :H], rz[:, H:]
    if reset_after:
        hn = h_prev @ U[:, 2 * H :] + b_hn
        n = np.tanh(xw_t[:, 2 * H :] + r * hn)
    else:
        hn = (r * h_prev) @ U[:, 2 * H :] + b_hn
        n = np.tanh(xw_t[:, 2 * H :] + hn)
    h = (1.0 - z) * n + z * h_prev
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
    return StepOut(r, z, n, h, hn)


def gru_local_grads(
    r: np.ndarray, z: np.ndarray, n: np.ndarray, h_prev: np.ndarray, hn: np.ndarray,
    m: np.ndarray | None = None, reset_after: bool = True,
) -> LocalGrads:
    """Local derivatives (elementwise). Arrays (B, H) or (T, B, H); m (B, 1) / (T, B, 1) or None."""
    dh_dn = (1.0 - z) * (1.0 - n * n)
    dh_dz = (h_prev - n) * z * (1.0 - z)
    if m is not None:  # padded steps: the new state is discarded, so no gradient reaches it
        dh_dn *= m
        dh_dz *= m
    dn_dr = (hn if reset_after else h_prev) * r * (1.0 - r)
    return LocalGrads(dh_dn, dh_dz, dn_dr)


def gru_step_backward(
    dh: np.ndarray, dh_dn: np.ndarray, dh_dz: np.ndarray, dn_dr: np.ndarray,
    r: np.ndarray, z: np.ndarray, U: np.ndarray,
    m: np.ndarray | None = None, reset_after: bool = True,
) -> StepGrads:
    """One step backward. dh (B, H): total dL/dh_t; local derivatives, r, z (B, H); U (H, 3H); m (B, 1) or None."""
    H = dh.shape[1]
    dn = dh * dh_dn
    dz = dh * dh_dz
    if reset_after:
        dhn = dn * r  # a_n = xw_n + r * hn
        dr = dn * dn_dr
        dh_prev = np.concatenate([dr, dz, dhn], axis=1) @ U.T
    else:
        dhn = dn  # a_n = xw_n + hn, hn = (r * h_prev) U_n + b_hn
        drh = dn @ U[:, 2 * H :].T
        dr = drh * dn_dr
        dh_prev = np.concatenate([dr, dz], axis=1) @ U[:, : 2 * H].T + drh * r
    dh_prev += dh * (z if m is None else m * z + (1.0 - m))  # h~ = ... + z * h_prev; h = ... + (1 - m) h_prev
    return StepGrads(dr, dz, dn, dhn, dh_prev)


def gru_param_grads(
    x: np.ndarray, h_prev: np.ndarray, hr: np.ndarray, dz_x: np.ndarray, dhn: np.ndarray,
) -> ParamGrads:
    """dW, dU, db, db_hn summed over all steps. 2-D, rows step by step (row t*B + b):

    x (T*B, D); h_prev (T*B, H); hr (T*B, H): the input of U's n block (h_prev, or r * h_prev
    reset before); dz_x (T*B, 3H) = [dr | dz | dn]; dhn (T*B, H).
    """
    H = h_prev.shape[1]
    dW = x.T @ dz_x
    dU = np.concatenate([h_prev.T @ dz_x[:, : 2 * H], hr.T @ dhn], axis=1)
    return ParamGrads(dW, dU, dz_x.sum(axis=0), dhn.sum(axis=0))


class GRUCache(NamedTuple):
    x: np.ndarray  # (T, B, D)
    W: np.ndarray
    U: np.ndarray
    r: np.ndarray  # (T, B, H), and z, n, hn alike
    z: np.ndarray
    n: np.ndarray
    hn: np.ndarray
    h_prev: np.ndarray  # h_{t-1} for every t; h_prev[0] = h0
    mask: np.ndarray | None  # (T, B, 1)
    reset_after: bool


def gru_forward(
    x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray, b_hn: np.ndarray,
    h0: np.ndarray | None = None, mask: np.ndarray | None = None, reset_after: bool = True,
    step_forward: Callable = gru_step_forward,
) -> tuple[dict[str, np.ndarray], GRUCache]:
    """Run the layer. x (T, B, D); h0 (B, H) or None; mask (T, B) or None; step_forward: the step function.

    Returns ``{"r", "z", "n", "h"}``, each (T, B, H), and the cache for :func:`gru_backward`.
    """
    T, B, D = x.shape
    H = U.shape[0]
    xw = (x.reshape(T * B, D) @ W + b).reshape(T, B, 3 * H)  # x_t W + b for all t
    m_all = None if mask is None else np.asarray(mask, dtype=float)[:, :, None]
    h_all = np.empty((T + 1, B, H))
    h_all[0] = 0.0 if h0 is None else h0
    r, z, n, hn = (np.empty((T, B, H)) for _ in range(4))
    for t in range(T):
        s = step_forward(xw[t], h_all[t], U, b_hn, None if m_all is None else m_all[t], reset_after)
        r[t], z[t], n[t], h_all[t + 1], hn[t] = s.r, s.z, s.n, s.h, s.hn
    out = {"r": r, "z": z, "n": n, "h": h_all[1:]}
    return out, GRUCache(x, W, U, r, z, n, hn, h_all[:-1], m_all, reset_after)


def gru_backward(
    dh_head: np.ndarray, cache: GRUCache, step_backward: Callable = gru_step_backward,
    local_grads: Callable = gru_local_grads, param_grads: Callable = gru_param_grads,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backpropagation through time. dh_head (T, B, H): dL/dh_t from the head.

    Returns (trace, grads): trace holds per step ``dh, dn, dz, dr`` (T, B, H), ``dx`` (T, B, D),
    ``dh0`` (B, H); grads ``dW, dU, db, db_hn``.
    """
    T, B, H = dh_head.shape
    c = cache
    local = local_grads(c.r, c.z, c.n, c.h_prev, c.hn, c.mask, c.reset_after)
    dz_x, dhn = np.empty((T, B, 3 * H)), np.empty((T, B, H))
    dh_all = np.empty((T, B, H))
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        dh = np.add(dh_head[t], dh_next, out=dh_all[t])  # total dL/dh_t
        s = step_backward(dh, local.dh_dn[t], local.dh_dz[t], local.dn_dr[t], c.r[t], c.z[t], c.U,
                              None if c.mask is None else c.mask[t], c.reset_after)
        dz_x[t, :, :H], dz_x[t, :, H : 2 * H], dz_x[t, :, 2 * H :], dhn[t] = s.dr, s.dz, s.dn, s.dhn
        dh_next = s.dh_prev
    D = c.W.shape[0]
    dz2 = dz_x.reshape(T * B, 3 * H)
    trace = {"dh": dh_all, "dn": dz_x[..., 2 * H :], "dz": dz_x[..., H : 2 * H], "dr": dz_x[..., :H],  # trace order
             "dx": (dz2 @ c.W.T).reshape(T, B, D), "dh0": dh_next}
    hr = c.h_prev if c.reset_after else c.r * c.h_prev
    g = param_grads(c.x.reshape(T * B, D), c.h_prev.reshape(T * B, H), hr.reshape(T * B, H),
                        dz2, dhn.reshape(T * B, H))
    return trace, dict(zip(ParamGrads._fields, g, strict=True))
