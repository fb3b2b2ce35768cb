"""Backprop bugs people make in GRUs: each a buggy copy of one block of lstmparity.core.gru (the same
function names in gru.R). catalogue.json registers them (cell "gru") with the fixture each runs on, where the
runner must first see it and how it is diagnosed.
"""

from __future__ import annotations

import numpy as np
from lstmparity.core.gru import LocalGrads, ParamGrads, StepGrads, gru_local_grads, gru_step_backward, gru_step_forward


def gru_reset_on_wrong_side(xw_t, h_prev, U, b_hn, m=None, reset_after=True):
    """step_forward: the reset gate applied on the other side of the recurrent product."""
    return gru_step_forward(xw_t, h_prev, U, b_hn, m, not reset_after)  # BUG: the other reset placement


def gru_update_gate_swapped_in_backward(r, z, n, h_prev, hn, m=None, reset_after=True):
    """local_grads: dh/dn taken as z instead of 1 - z (the other papers' update direction)."""
    ref = gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
    dh_dn = z * (1.0 - n * n)  # BUG: z where 1 - z belongs
    return LocalGrads(dh_dn if m is None else dh_dn * m, ref.dh_dz, ref.dn_dr)


def gru_tanh_prime_on_preactivation(r, z, n, h_prev, hn, m=None, reset_after=True):
    """local_grads: tanh' evaluated on the pre-activation a_n instead of on n = tanh(a_n)."""
    ref = gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
    a_n = np.arctanh(n)
    dh_dn = (1.0 - z) * (1.0 - a_n * a_n)  # BUG: 1 - a^2 instead of 1 - tanh(a)^2
    return LocalGrads(dh_dn if m is None else dh_dn * m, ref.dh_dz, ref.dn_dr)


def gru_carry_without_z_dh(dh, dh_dn, dh_dz, dn_dr, r, z, U, m=None, reset_after=True):
    """step_backward: the direct path h~ = ... + z * h_prev forgotten in dh_prev."""
    s = gru_step_backward(dh, dh_dn, dh_dz, dn_dr, r, z, U, m, reset_after)
    direct = dh * (z if m is None else m * z)
    return StepGrads(s.dr, s.dz, s.dn, s.dhn, s.dh_prev - direct)  # BUG: the direct path's z * dh dropped


def gru_update_gate_sigmoid_prime_dropped(r, z, n, h_prev, hn, m=None, reset_after=True):
    """local_grads: dh/da_z = h_prev - n, without the sigmoid derivative z * (1 - z)."""
    ref = gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
    dh_dz = h_prev - n  # BUG: without z * (1 - z)
    return LocalGrads(ref.dh_dn, dh_dz if m is None else dh_dz * m, ref.dn_dr)


def gru_recurrent_n_grad_without_reset(dh, dh_dn, dh_dz, dn_dr, r, z, U, m=None, reset_after=True):
    """step_backward (reset after): dL/dhn = dn, forgetting that hn is multiplied by r."""
    s = gru_step_backward(dh, dh_dn, dh_dz, dn_dr, r, z, U, m, reset_after)
    H = dh.shape[1]
    dhn = s.dn  # BUG: dn * r
    dh_prev = s.dh_prev + (dhn - s.dhn) @ U[:, 2 * H :].T
    return StepGrads(s.dr, s.dz, s.dn, dhn, dh_prev)


def gru_reset_grad_from_h_prev(r, z, n, h_prev, hn, m=None, reset_after=True):
    """local_grads (reset after): da_n/da_r = h_prev * r (1 - r), the reset-before formula."""
    ref = gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
    return LocalGrads(ref.dh_dn, ref.dh_dz, h_prev * r * (1.0 - r))  # BUG: hn * r (1 - r)


def gru_reset_before_u_grad_from_h_prev(x, h_prev, hr, dz_x, dhn):
    """param_grads (reset before): U's n block from h_prev instead of r * h_prev."""
    H = h_prev.shape[1]
    dU = np.concatenate([h_prev.T @ dz_x[:, : 2 * H], h_prev.T @ dhn], axis=1)  # BUG: hr.T @ dhn
    return ParamGrads(x.T @ dz_x, dU, dz_x.sum(axis=0), dhn.sum(axis=0))
