"""Backprop bugs people make in vanilla (Elman) RNNs: each a buggy copy of one block of lstmparity.core.rnn
(the same function names in rnn.R). catalogue.json registers them (cell "rnn") with the fixture each runs on,
where the runner must first see it and how it is diagnosed.
"""

from __future__ import annotations

import numpy as np
from lstmparity.core.rnn import LocalGrads, ParamGrads, StepGrads, rnn_param_grads


def rnn_tanh_prime_dropped(g, m=None):
    """local_grads: dh/da = 1: the tanh derivative forgotten."""
    d = np.ones_like(g)  # BUG: no tanh derivative
    return LocalGrads(d if m is None else d * m)


def rnn_tanh_prime_on_preactivation(g, m=None):
    """local_grads: 1 - a^2 with a = arctanh(g), the pre-activation, instead of 1 - g^2."""
    a = np.arctanh(g)
    d = 1.0 - a * a  # BUG: on the pre-activation
    return LocalGrads(d if m is None else d * m)


def rnn_tanh_prime_not_squared(g, m=None):
    """local_grads: 1 - g instead of 1 - g^2."""
    d = 1.0 - g  # BUG: not squared
    return LocalGrads(d if m is None else d * m)


def rnn_recurrent_weights_not_transposed(dh, dh_dg, U, m=None):
    """step_backward: dh_prev = dg U instead of dg U^T (U is square: no shape error)."""
    dg = dh * dh_dg
    dh_prev = dg @ U  # BUG: dg @ U.T
    if m is not None:
        dh_prev += (1.0 - m) * dh
    return StepGrads(dg, dh_prev)


def rnn_mask_carry_dropped(dh, dh_dg, U, m=None):
    """step_backward: at a padded step the state is carried forward but its gradient is not carried back."""
    dg = dh * dh_dg
    return StepGrads(dg, dg @ U.T)  # BUG: + (1 - m) * dh


def rnn_bias_grad_mean(x, h_prev, dz):
    """param_grads: db averaged over steps and batch instead of summed."""
    ref = rnn_param_grads(x, h_prev, dz)
    return ParamGrads(ref.dW, ref.dU, dz.mean(axis=0))  # BUG: dz.sum(axis=0)


def rnn_recurrent_grad_transposed(x, h_prev, dz):
    """param_grads: dU = dz^T h_prev, the transpose (square: no shape error)."""
    ref = rnn_param_grads(x, h_prev, dz)
    return ParamGrads(ref.dW, dz.T @ h_prev, ref.db)  # BUG: h_prev.T @ dz
