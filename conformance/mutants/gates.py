"""Buggy copies of lstmparity.core.cell.lstm_step_forward about the gates: each is the reference
with one bug (``# BUG:``).

The reference, for comparison::

    z = xw_t + h_prev U;  i, f, o = sigmoid(z_i, z_f, z_o);  g = tanh(z_g)
    c = f * c_prev + i * g;  h = o * tanh(c)        (padded steps carry h and c)

Blocks that need what the step's signature does not carry (the bias b) are made
per case by a factory taking the case; they keep no state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from lstmparity.core.activations import sigmoid
from lstmparity.core.cell import StepOut


def _finish(i, f, g, o, c_prev, h_prev, m, tanh=np.tanh) -> StepOut:
    """The reference's last lines: the new state, carried unchanged at padded steps."""
    c = f * c_prev + i * g
    tanh_c = tanh(c)
    h = o * tanh_c
    if m is not None:
        h = m * h + (1.0 - m) * h_prev
        c = m * c + (1.0 - m) * c_prev
    return StepOut(i, f, g, o, c, h, tanh_c)


def forget_bias_plus_one(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    z = h_prev @ U + xw_t
    z[:, H : 2 * H] += 1.0  # BUG: a hidden forget bias of +1 (TensorFlow's forget_bias) added in the step
    i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
    return _finish(i, f, g, o, c_prev, h_prev, m)


def gate_order_onnx(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    z = h_prev @ U + xw_t
    i = sigmoid(z[:, :H])
    o = sigmoid(z[:, H : 2 * H])  # BUG: the blocks read as ONNX's i, o, f, c
    f = sigmoid(z[:, 2 * H : 3 * H])  # (same bug)
    g = np.tanh(z[:, 3 * H :])  # (same bug: the candidate from the last block)
    return _finish(i, f, g, o, c_prev, h_prev, m)


def recurrent_blocks_transposed(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    Ut = np.concatenate([U[:, k * H : (k + 1) * H].T for k in range(4)], axis=1)
    z = h_prev @ Ut + xw_t  # BUG: every H x H block of U transposed (weights imported from a (4H, H) layout)
    i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
    return _finish(i, f, g, o, c_prev, h_prev, m)


def output_tanh_dropped(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    z = h_prev @ U + xw_t
    i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
    return _finish(i, f, g, o, c_prev, h_prev, m, tanh=lambda c: c)  # BUG: h = o * c, the tanh of c dropped


def float32_step(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
    H = h_prev.shape[1]
    xw_t, h_prev, c_prev, U = (np.asarray(a, dtype=np.float32) for a in (xw_t, h_prev, c_prev, U))  # BUG: float32
    z = h_prev @ U + xw_t
    i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
    s = _finish(i, f, g, o, c_prev, h_prev, None if m is None else m.astype(np.float32))
    return StepOut(*(a.astype(np.float64) for a in s))


def bias_of_other_gate(case: dict) -> dict[str, Callable]:
    """{"step_forward": the step with the output gate's bias used in the forget gate}, for this case's b."""
    b = np.asarray(case["params"]["b"], dtype=float)

    def step_forward(xw_t, h_prev, c_prev, U, m=None) -> StepOut:
        H = h_prev.shape[1]
        z = h_prev @ U + xw_t
        z[:, H : 2 * H] += b[3 * H :] - b[H : 2 * H]  # BUG: z_f = x W_f + b_o + h U_f (the o gate's bias)
        i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(z[:, 3 * H :])
        return _finish(i, f, g, o, c_prev, h_prev, m)

    return {"step_forward": step_forward}
