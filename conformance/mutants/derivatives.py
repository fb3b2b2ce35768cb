"""Buggy copies of lstmparity.core.cell.lstm_local_grads: each is the reference with one bug (``# BUG:``).

The reference, for comparison (arrays of one step or of all steps)::

    dh_do = m * tanh(c~) * o * (1 - o)     dh_dc = m * o * (1 - tanh(c~)^2)
    dc_di = g * i * (1 - i)   dc_df = c_prev * f * (1 - f)   dc_dg = i * (1 - g^2)
"""

from __future__ import annotations

import numpy as np
from lstmparity.core.activations import sigmoid
from lstmparity.core.cell import LocalGrads


def _masked(dh_do, dh_dc, m):
    """The reference's mask lines: padded steps send no gradient into the step."""
    return (dh_do, dh_dc) if m is None else (dh_do * m, dh_dc * m)


def forget_sigmoid_grad_dropped(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do, dh_dc = _masked(tanh_c * o * (1.0 - o), o * (1.0 - tanh_c * tanh_c), m)
    dc_df = c_prev.copy()  # BUG: the sigmoid derivative f * (1 - f) missing on the forget gate only
    return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), dc_df, i * (1.0 - g * g))


def sigmoid_grad_on_activation(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    s = sigmoid(o)
    dh_do = tanh_c * s * (1.0 - s)  # BUG: sigmoid'(o) = s(o) (1 - s(o)) on o, which is already sigmoid(z_o)
    dh_do, dh_dc = _masked(dh_do, o * (1.0 - tanh_c * tanh_c), m)
    return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g))


def tanh_grad_on_activation(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_dc = o * (1.0 - np.tanh(tanh_c) ** 2)  # BUG: tanh'(tanh(c)): the derivative of a value already activated
    dh_do, dh_dc = _masked(tanh_c * o * (1.0 - o), dh_dc, m)
    return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g))


def sigmoid_grad_for_tanh_gate(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do, dh_dc = _masked(tanh_c * o * (1.0 - o), o * (1.0 - tanh_c * tanh_c), m)
    dc_dg = i * g * (1.0 - g)  # BUG: the sigmoid's derivative g (1 - g) on the tanh gate g
    return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), c_prev * f * (1.0 - f), dc_dg)


def output_gate_grad_post_activation(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do = tanh_c.copy()  # BUG: dL/do (after the sigmoid) where dL/dz_o (before it) belongs
    dh_do, dh_dc = _masked(dh_do, o * (1.0 - tanh_c * tanh_c), m)
    return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g))
