"""One LSTM time step: the forward pass and, right below it, its backward pass.

Gate order is i, f, g, o (PyTorch's): the four H-wide column blocks of ``z``.

Equations (forward)::

    z  = xw_t + h_prev U                       (B, 4H); xw_t = x_t W + b, precomputed
    i  = sigmoid(z_i)    f = sigmoid(z_f)    g = tanh(z_g)    o = sigmoid(z_o)
    c~ = f * c_prev + i * g
    h~ = o * tanh(c~)
    c  = m * c~ + (1 - m) * c_prev             (m = 0 at padded steps: carry the state)
    h  = m * h~ + (1 - m) * h_prev

Equations (backward, the same lines in reverse)::

    do = m * dh * tanh(c~) * o * (1 - o)
    dc = m * (dc_next + dh * o * (1 - tanh(c~)^2))
    di = dc * g * i * (1 - i)
    df = dc * c_prev * f * (1 - f)
    dg = dc * i * (1 - g^2)
    dz = [di | df | dg | do]
    dh_prev = dz U^T + (1 - m) * dh
    dc_prev = dc * f + (1 - m) * dc_next
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import sigmoid


class StepCache(NamedTuple):
    """What the backward step needs from the forward step. All (B, H); m is (B, 1) or None."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c_prev: np.ndarray
    tanh_c: np.ndarray
    m: np.ndarray | None


class StepGrads(NamedTuple):
    """Gradients of one backward step. do, dc, di, df, dg: (B, H); dz: (B, 4H)."""

    do: np.ndarray
    dc: np.ndarray
    di: np.ndarray
    df: np.ndarray
    dg: np.ndarray
    dz: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray


def lstm_step_forward(
    xw_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    U: np.ndarray,
    m: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, StepCache]:
    """One step forward.

    xw_t (B, 4H) = x_t W + b; h_prev, c_prev (B, H); U (H, 4H); m (B, 1) or None.
    Returns h, c (B, H) and the cache for :func:`lstm_step_backward`.
    """
    H = h_prev.shape[1]
    z = xw_t + h_prev @ U
    a = sigmoid(z)  # i, f, o are sigmoids; g is overwritten by tanh below
    i, f, o = a[:, :H], a[:, H : 2 * H], a[:, 3 * H :]
    g = np.tanh(z[:, 2 * H : 3 * H])
    c_new = f * c_prev + i * g
    tanh_c = np.tanh(c_new)
    h_new = o * tanh_c
    if m is None:
        h, c = h_new, c_new
    else:
        h = m * h_new + (1.0 - m) * h_prev
        c = m * c_new + (1.0 - m) * c_prev
    return h, c, StepCache(i, f, g, o, c_prev, tanh_c, m)


def lstm_step_backward(
    dh: np.ndarray, dc_next: np.ndarray, cache: StepCache, U: np.ndarray
) -> StepGrads:
    """One step backward: the forward lines above, in reverse.

    dh (B, H): total dL/dh_t (from the head at t and from step t+1);
    dc_next (B, H): dL/dc_t carried from step t+1; U (H, 4H).
    """
    i, f, g, o, c_prev, tanh_c, m = cache
    dh_new = dh if m is None else m * dh  # padded steps: no gradient into the new state
    dc_in = dc_next if m is None else m * dc_next
    do_ = dh_new * tanh_c * o * (1.0 - o)  # h~ = o * tanh(c~)
    dc = dc_in + dh_new * o * (1.0 - tanh_c * tanh_c)
    di = dc * g * i * (1.0 - i)  # c~ = f * c_prev + i * g
    df = dc * c_prev * f * (1.0 - f)
    dg = dc * i * (1.0 - g * g)
    dz = np.concatenate([di, df, dg, do_], axis=1)
    dh_prev = dz @ U.T  # z = xw_t + h_prev U
    dc_prev = dc * f
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(do_, dc, di, df, dg, dz, dh_prev, dc_prev)
