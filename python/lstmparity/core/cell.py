"""One LSTM time step: the forward pass, its local derivatives, and its backward pass.

Gate order is i, f, g, o (PyTorch's): the four H-wide column blocks of ``z``.
The step API is the same in R (``R/cell.R``): same function names, argument
order and return names (NamedTuples here, named lists there).

Equations (forward)::

    z  = xw_t + h_prev U                       (B, 4H); xw_t = x_t W + b, precomputed
    i  = sigmoid(z_i)    f = sigmoid(z_f)    g = tanh(z_g)    o = sigmoid(z_o)
    c~ = f * c_prev + i * g
    h~ = o * tanh(c~)
    c  = m * c~ + (1 - m) * c_prev             (m = 0 at padded steps: carry the state)
    h  = m * h~ + (1 - m) * h_prev

Local derivatives (depend only on forward values; elementwise, so the function
takes one step (B, H) or all steps (T, B, H) alike)::

    dh_do = m * tanh(c~) * o * (1 - o)         d h~ / d z_o
    dh_dc = m * o * (1 - tanh(c~)^2)           d h~ / d c~
    dc_di = g * i * (1 - i)                    d c~ / d z_i
    dc_df = c_prev * f * (1 - f)               d c~ / d z_f
    dc_dg = i * (1 - g^2)                      d c~ / d z_g

Equations (backward, the forward lines in reverse)::

    dc = m * dc_next + dh * dh_dc
    do = dh * dh_do
    di = dc * dc_di      df = dc * dc_df      dg = dc * dc_dg
    dz = [di | df | dg | do]
    dh_prev = dz U^T + (1 - m) * dh
    dc_prev = dc * f + (1 - m) * dc_next
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstmparity.core.activations import sigmoid


class StepOut(NamedTuple):
    """One forward step: the gates, the carried state and tanh(c~), each (B, H)."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    tanh_c: np.ndarray  # tanh(c~), of the new cell value


def lstm_step_forward(
    xw_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    U: np.ndarray,
    m: np.ndarray | None = None,
) -> StepOut:
    """One step forward.

    xw_t (B, 4H) = x_t W + b; h_prev, c_prev (B, H); U (H, 4H); m (B, 1) or None.
    """
    H = h_prev.shape[1]
    z = h_prev @ U
    z += xw_t
    g = np.tanh(z[:, 2 * H : 3 * H])
    a = sigmoid(z, out=z)  # i, f, o: one call over all four blocks is faster than three (a's g block is unused)
    i, f, o = a[:, :H], a[:, H : 2 * H], a[:, 3 * H :]
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
        c = m * c + (1.0 - m) * c_prev
    return StepOut(i, f, g, o, c, h, tanh_c)


class LocalGrads(NamedTuple):
    """Local derivatives, each the shape of the gates given: (B, H) for one step, (T, B, H) for all."""

    dh_do: np.ndarray
    dh_dc: np.ndarray
    dc_di: np.ndarray
    dc_df: np.ndarray
    dc_dg: np.ndarray


def lstm_local_grads(
    i: np.ndarray, f: np.ndarray, g: np.ndarray, o: np.ndarray,
    c_prev: np.ndarray, tanh_c: np.ndarray, m: np.ndarray | None = None,
) -> LocalGrads:
    """Local derivatives (see the module docstring).

    Arrays of one step (B, H) with m (B, 1), or of all steps (T, B, H) with m (T, B, 1); m may be None.
    """
    dh_do = tanh_c * o * (1.0 - o)
    dh_dc = o * (1.0 - tanh_c * tanh_c)
    if m is not None:  # padded steps: the new state is discarded, so no gradient reaches it
        dh_do *= m
        dh_dc *= m
    dc_di = g * i * (1.0 - i)
    dc_df = c_prev * f * (1.0 - f)
    dc_dg = i * (1.0 - g * g)
    return LocalGrads(dh_do, dh_dc, dc_di, dc_df, dc_dg)


class StepGrads(NamedTuple):
    """One backward step, each (B, H): dc; di, df, dg, do (the blocks of dz); what goes to step t-1."""

    dc: np.ndarray
    di: np.ndarray
    df: np.ndarray
    dg: np.ndarray
    do: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray


def lstm_step_backward(
    dh: np.ndarray,
    dc_next: np.ndarray,
    dh_do: np.ndarray,
    dh_dc: np.ndarray,
    dc_di: np.ndarray,
    dc_df: np.ndarray,
    dc_dg: np.ndarray,
    f: np.ndarray,
    U: np.ndarray,
    m: np.ndarray | None = None,
) -> StepGrads:
    """One step backward: the forward lines, in reverse.

    dh (B, H): total dL/dh_t; dc_next (B, H): dL/dc_t carried from step t+1;
    dh_do, dh_dc, dc_di, dc_df, dc_dg (B, H): this step's local derivatives;
    f (B, H); U (H, 4H); m (B, 1) or None.
    """
    dc = dh * dh_dc  # h~ = o * tanh(c~)
    dc += dc_next if m is None else m * dc_next
    do = dh * dh_do
    di = dc * dc_di
    df = dc * dc_df
    dg = dc * dc_dg
    dz = np.concatenate((di, df, dg, do), axis=1)
    dh_prev = dz @ U.T  # z = xw_t + h_prev U
    dc_prev = dc * f  # c~ = f * c_prev + i * g
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, di, df, dg, do, dh_prev, dc_prev)
