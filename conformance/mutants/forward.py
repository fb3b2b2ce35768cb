"""Buggy copies of lstmparity.core.cell.lstm_step_forward: each is the reference with one bug (``# BUG:``).

``recording_z`` is the reference itself, also recording the pre-activations z
for backward.sigmoid_grad_on_preactivation (the bug is in that block).
"""

from __future__ import annotations

import numpy as np
from lstmparity.core.activations import sigmoid
from lstmparity.core.cell import StepOut, lstm_step_forward


def recording_z(T: int, z_seen: list[np.ndarray]):
    """The reference step, appending z (B, 4H) to z_seen (emptied when a new forward pass starts)."""

    def step_forward(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
        if len(z_seen) == T:
            z_seen.clear()
        z_seen.append(xw_t + h_prev @ U)
        return lstm_step_forward(xw_t, h_prev, c_prev, U, m)

    return step_forward


def gates_swapped(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    z = h_prev @ U
    z += xw_t
    g = np.tanh(z[:, 2 * H : 3 * H])
    a = sigmoid(z, out=z)
    i, f, o = a[:, H : 2 * H], a[:, :H], a[:, 3 * H :]  # BUG: i and f swapped when unpacking the column blocks
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
        c = m * c + (1.0 - m) * c_prev
    return StepOut(i, f, g, o, c, h, tanh_c)


def input_gate_added(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    z = h_prev @ U
    z += xw_t
    g = np.tanh(z[:, 2 * H : 3 * H])
    a = sigmoid(z, out=z)
    i, f, o = a[:, :H], a[:, H : 2 * H], a[:, 3 * H :]
    c = f * c_prev + i + g  # BUG: the input gate added to the cell state instead of multiplying g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
        c = m * c + (1.0 - m) * c_prev
    return StepOut(i, f, g, o, c, h, tanh_c)
