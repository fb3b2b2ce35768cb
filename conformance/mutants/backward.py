"""Buggy copies of the backward blocks of lstmparity.core.cell (``lstm_local_grads``, ``lstm_step_backward``).

Each is the reference with one bug (``# BUG:``). The reference, for comparison::

    dh_do = m * tanh(c~) * o * (1 - o)     dh_dc = m * o * (1 - tanh(c~)^2)
    dc_di = g * i * (1 - i)   dc_df = c_prev * f * (1 - f)   dc_dg = i * (1 - g^2)
    dc = m * dc_next + dh * dh_dc;  do = dh * dh_do;  di, df, dg = dc * dc_di, dc * dc_df, dc * dc_dg
    dh_prev = dz U^T + (1 - m) * dh;  dc_prev = dc * f + (1 - m) * dc_next
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from lstmparity.core.cell import LocalGrads, StepGrads

from .forward import recording_z


def _finish(dc, di, df, dg, do, dh, dc_next, f, U, m) -> StepGrads:
    """The reference's last lines (dz, dh_prev, dc_prev), shared by the copies whose bug is above them."""
    dz = np.concatenate((di, df, dg, do), axis=1)
    dh_prev = dz @ U.T
    dc_prev = dc * f
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, di, df, dg, do, dh_prev, dc_prev)


def tanh_on_cell_grad(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = np.tanh((dc_next if m is None else m * dc_next) + dh * dh_dc)  # BUG: tanh applied to the cell gradient
    do = dh * dh_do
    return _finish(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)


def matmul_for_elementwise(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = (dc_next if m is None else m * dc_next) + dh * dh_dc
    do = dh @ dh_do  # BUG: a matrix product (runs when B == H) for the elementwise do = dh * dh_do
    return _finish(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)


def carry_without_forget_gate(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = (dc_next if m is None else m * dc_next) + dh * dh_dc
    do = dh * dh_do
    di = dc * dc_di
    df = dc * dc_df
    dg = dc * dc_dg
    dz = np.concatenate((di, df, dg, do), axis=1)
    dh_prev = dz @ U.T
    dc_prev = dc.copy()  # BUG: the carried cell gradient is not multiplied by the forget gate
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, di, df, dg, do, dh_prev, dc_prev)


def next_cell_grad_dropped(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = dh * dh_dc  # BUG: the next step's cell gradient dc_next is never added
    do = dh * dh_do
    return _finish(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)


def sigmoid_grad_on_preactivation(case: dict) -> dict[str, Callable]:
    """{step_forward, local_grads}: the reference step recording z (forward.recording_z), and local_grads
    reading the recorded pre-activations."""
    z_seen: list[np.ndarray] = []  # z of every step of the current forward pass

    def local_grads(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
        H = o.shape[-1]
        z_o = np.stack(z_seen)[..., 3 * H :]
        dh_do = tanh_c * z_o * (1.0 - z_o)  # BUG: s * (1 - s) taken on the pre-activation z_o, not on o
        dh_dc = o * (1.0 - tanh_c * tanh_c)
        if m is not None:
            dh_do *= m
            dh_dc *= m
        return LocalGrads(dh_do, dh_dc, g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g))

    return {"step_forward": recording_z(case["config"]["T"], z_seen), "local_grads": local_grads}


def cell_state_for_previous(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do = tanh_c * o * (1.0 - o)
    dh_dc = o * (1.0 - tanh_c * tanh_c)
    if m is not None:
        dh_do *= m
        dh_dc *= m
    c = f * c_prev + i * g  # c~_t
    dc_di = g * i * (1.0 - i)
    dc_df = c * f * (1.0 - f)  # BUG: c_t where c_{t-1} belongs
    dc_dg = i * (1.0 - g * g)
    return LocalGrads(dh_do, dh_dc, dc_di, dc_df, dc_dg)


def tanh_prime_dropped(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do = tanh_c * o * (1.0 - o)
    dh_dc = o.copy()  # BUG: the tanh'(c~) = 1 - tanh(c~)^2 factor is dropped
    if m is not None:
        dh_do *= m
        dh_dc *= m
    dc_di = g * i * (1.0 - i)
    dc_df = c_prev * f * (1.0 - f)
    dc_dg = i * (1.0 - g * g)
    return LocalGrads(dh_do, dh_dc, dc_di, dc_df, dc_dg)


def mask_ignored(i, f, g, o, c_prev, tanh_c, m=None) -> LocalGrads:
    dh_do = tanh_c * o * (1.0 - o)
    dh_dc = o * (1.0 - tanh_c * tanh_c)
    # BUG: no `dh_do *= m; dh_dc *= m`: padded steps (m = 0) still send gradient into the gates
    dc_di = g * i * (1.0 - i)
    dc_df = c_prev * f * (1.0 - f)
    dc_dg = i * (1.0 - g * g)
    return LocalGrads(dh_do, dh_dc, dc_di, dc_df, dc_dg)
