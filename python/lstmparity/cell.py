"""One LSTM time step: the forward pass, its local derivatives, and its backward pass.

Gate order is i, f, g, o (PyTorch's): the four H-wide column blocks of ``z``.

Equations (forward)::

    z  = xw_t + h_prev U                       (B, 4H); xw_t = x_t W + b, precomputed
    i  = sigmoid(z_i)    f = sigmoid(z_f)    g = tanh(z_g)    o = sigmoid(z_o)
    c~ = f * c_prev + i * g
    h~ = o * tanh(c~)
    c  = m * c~ + (1 - m) * c_prev             (m = 0 at padded steps: carry the state)
    h  = m * h~ + (1 - m) * h_prev

Local derivatives (depend only on forward values, so the layer computes them for
all steps at once, before the backward loop)::

    dh_do = m * tanh(c~) * o * (1 - o)         d h~ / d z_o
    dh_dc = m * o * (1 - tanh(c~)^2)           d h~ / d c~
    dc_di = g * i * (1 - i)                    d c~ / d z_i
    dc_df = c_prev * f * (1 - f)               d c~ / d z_f
    dc_dg = i * (1 - g^2)                      d c~ / d z_g

Equations (backward, the forward lines in reverse)::

    do = dh * dh_do
    dc = m * dc_next + dh * dh_dc
    di = dc * dc_di      df = dc * dc_df      dg = dc * dc_dg
    dz = [di | df | dg | do]
    dh_prev = dz U^T + (1 - m) * dh
    dc_prev = dc * f + (1 - m) * dc_next
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import sigmoid


class StepOut(NamedTuple):
    """One forward step. a (B, 4H) holds [i | f | g | o]; the others are (B, H)."""

    a: np.ndarray
    c: np.ndarray
    h: np.ndarray
    tanh_c: np.ndarray  # tanh(c~), of the new cell value


class LocalGrads(NamedTuple):
    """Local derivatives of every step: dh_do, dh_dc (T, B, H); dc_difg (T, B, 3, H) = [dc_di, dc_df, dc_dg]."""

    dh_do: np.ndarray
    dh_dc: np.ndarray
    dc_difg: np.ndarray


def lstm_step_forward(
    xw_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    U: np.ndarray,
    m: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> StepOut:
    """One step forward.

    xw_t (B, 4H) = x_t W + b; h_prev, c_prev (B, H); U (H, 4H); m (B, 1) or None;
    out (B, 4H): where to write the gate activations [i | f | g | o] (optional).
    """
    H = h_prev.shape[1]
    z = h_prev @ U
    z += xw_t
    a = sigmoid(z, out=out)  # i, f, o: sigmoid of their blocks (one call over all four is fastest)
    np.tanh(z[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])  # g: tanh of its block
    i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
        c = m * c + (1.0 - m) * c_prev
    return StepOut(a, c, h, tanh_c)


def lstm_local_grads(
    i: np.ndarray, f: np.ndarray, g: np.ndarray, o: np.ndarray,
    c_prev: np.ndarray, tanh_c: np.ndarray, m: np.ndarray | None = None,
) -> LocalGrads:
    """Local derivatives (see the module docstring). Arrays (T, B, H); m (T, B, 1) or None."""
    dh_do = tanh_c * o * (1.0 - o)
    dh_dc = o * (1.0 - tanh_c * tanh_c)
    if m is not None:  # padded steps: the new state is discarded, so no gradient reaches it
        dh_do *= m
        dh_dc *= m
    dc_difg = np.empty(i.shape[:-1] + (3, i.shape[-1]))  # [dc_di, dc_df, dc_dg] side by side
    np.multiply(g * i, 1.0 - i, out=dc_difg[..., 0, :])
    np.multiply(c_prev * f, 1.0 - f, out=dc_difg[..., 1, :])
    np.multiply(i, 1.0 - g * g, out=dc_difg[..., 2, :])
    return LocalGrads(dh_do, dh_dc, dc_difg)


class StepGrads(NamedTuple):
    """One backward step: dc (B, H), dz (B, 4H) = [di | df | dg | do], and what goes to step t-1."""

    dc: np.ndarray
    dz: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray


def lstm_step_backward(
    dh: np.ndarray,
    dc_next: np.ndarray,
    dh_do: np.ndarray,
    dh_dc: np.ndarray,
    dc_difg: np.ndarray,
    f: np.ndarray,
    U: np.ndarray,
    m: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> StepGrads:
    """One step backward: the forward lines, in reverse.

    dh (B, H): total dL/dh_t; dc_next (B, H): dL/dc_t carried from step t+1;
    dh_do, dh_dc (B, H), dc_difg (B, 3, H): this step's local derivatives;
    f (B, H); U (H, 4H); m (B, 1) or None; out (B, 4H): where to write dz (optional).
    """
    B, H = dh.shape
    dz = np.empty((B, 4 * H)) if out is None else out
    dc = dh * dh_dc  # h~ = o * tanh(c~)
    dc += dc_next if m is None else m * dc_next
    np.multiply(dh, dh_do, out=dz[:, 3 * H :])  # do
    np.multiply(dc[:, None, :], dc_difg, out=dz.reshape(B, 4, H)[:, :3])  # di, df, dg
    dh_prev = dz @ U.T  # z = xw_t + h_prev U
    dc_prev = dc * f  # c~ = f * c_prev + i * g
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, dz, dh_prev, dc_prev)
