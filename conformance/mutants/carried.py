"""Buggy copies of lstmparity.core.cell.lstm_step_backward about what is carried between steps (``# BUG:``).

The reference, for comparison::

    dc = m * dc_next + dh * dh_dc;  do = dh * dh_do;  di, df, dg = dc * dc_di, dc * dc_df, dc * dc_dg
    dh_prev = dz U^T + (1 - m) * dh;  dc_prev = dc * f + (1 - m) * dc_next
"""

from __future__ import annotations

import numpy as np
from lstmparity.core.cell import StepGrads


def hidden_grad_not_carried(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = (dc_next if m is None else m * dc_next) + dh * dh_dc
    do = dh * dh_do
    di, df, dg = dc * dc_di, dc * dc_df, dc * dc_dg
    dh_prev = np.zeros_like(dh)  # BUG: dh_next never updated: nothing flows back through h
    dc_prev = dc * f
    if m is not None:
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, di, df, dg, do, dh_prev, dc_prev)


def cell_grad_doubled(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m=None) -> StepGrads:
    dc = (dc_next if m is None else m * dc_next) + dh * dh_dc
    dc += dc  # BUG: `dc += dc` (meant: dc += dc_next)
    do = dh * dh_do
    di, df, dg = dc * dc_di, dc * dc_df, dc * dc_dg
    dz = np.concatenate((di, df, dg, do), axis=1)
    dh_prev = dz @ U.T
    dc_prev = dc * f
    if m is not None:
        dh_prev += (1.0 - m) * dh
        dc_prev += (1.0 - m) * dc_next
    return StepGrads(dc, di, df, dg, do, dh_prev, dc_prev)
