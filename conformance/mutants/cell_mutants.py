"""Backprop bugs people make in GRUs and vanilla RNNs, each a buggy copy of one block of
lstmparity.core.gru / lstmparity.core.rnn (R: cell_mutants.R, the same names). cell_catalogue.json
names, for each, the cell, the block it replaces, the GRU form it runs on, and where a
comparison in trace order must first see it.

Trace order (both cells): forward, t = 0..T-1, the gates then h; backward, t = T-1..0, dh
then the gate gradients in the order the backward step computes them (GRU: dn, dz, dr); then
dx, dh0 and the parameter gradients.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from lstmparity.core.gru import (
    GATES as GRU_GATES,
)
from lstmparity.core.gru import (
    LocalGrads,
    ParamGrads,
    StepGrads,
    gru_backward,
    gru_forward,
    gru_local_grads,
    gru_step_backward,
    gru_step_forward,
)
from lstmparity.core.rnn import LocalGrads as RNNLocalGrads
from lstmparity.core.rnn import ParamGrads as RNNParamGrads
from lstmparity.core.rnn import StepGrads as RNNStepGrads
from lstmparity.core.rnn import rnn_backward, rnn_forward, rnn_param_grads

CATALOGUE_PATH = Path(__file__).with_name("cell_catalogue.json")


# --- GRU --------------------------------------------------------------------------------------
def gru_reset_on_wrong_side(xw_t, h_prev, U, b_hn, m=None, reset_after=True):
    """step_forward: the reset gate applied on the other side of the recurrent product."""
    return gru_step_forward(xw_t, h_prev, U, b_hn, m, not reset_after)


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
    direct = dh * (z if m is None else m * z + (1.0 - m))
    return StepGrads(s.dr, s.dz, s.dn, s.dhn, s.dh_prev - direct + (0.0 if m is None else (1.0 - m) * dh))


def gru_update_gate_sigmoid_prime_dropped(r, z, n, h_prev, hn, m=None, reset_after=True):
    """local_grads: dh/da_z = h_prev - n, without the sigmoid derivative z * (1 - z)."""
    ref = gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
    dh_dz = h_prev - n  # BUG
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


# --- RNN --------------------------------------------------------------------------------------
def rnn_tanh_prime_dropped(g, m=None):
    """local_grads: dh/da = 1: the tanh derivative forgotten."""
    d = np.ones_like(g)
    return RNNLocalGrads(d if m is None else d * m)


def rnn_tanh_prime_on_preactivation(g, m=None):
    """local_grads: 1 - a^2 with a = arctanh(g), the pre-activation, instead of 1 - g^2."""
    a = np.arctanh(g)
    d = 1.0 - a * a
    return RNNLocalGrads(d if m is None else d * m)


def rnn_tanh_prime_not_squared(g, m=None):
    """local_grads: 1 - g instead of 1 - g^2."""
    d = 1.0 - g
    return RNNLocalGrads(d if m is None else d * m)


def rnn_recurrent_weights_not_transposed(dh, dh_dg, U, m=None):
    """step_backward: dh_prev = dg U instead of dg U^T (U is square: no shape error)."""
    dg = dh * dh_dg
    dh_prev = dg @ U  # BUG
    if m is not None:
        dh_prev += (1.0 - m) * dh
    return RNNStepGrads(dg, dh_prev)


def rnn_mask_carry_dropped(dh, dh_dg, U, m=None):
    """step_backward: at a padded step the state is carried forward but its gradient is not carried back."""
    dg = dh * dh_dg
    return RNNStepGrads(dg, dg @ U.T)  # BUG: + (1 - m) * dh


def rnn_bias_grad_mean(x, h_prev, dz):
    """param_grads: db averaged over steps and batch instead of summed."""
    ref = rnn_param_grads(x, h_prev, dz)
    return RNNParamGrads(ref.dW, ref.dU, dz.mean(axis=0))  # BUG


def rnn_recurrent_grad_transposed(x, h_prev, dz):
    """param_grads: dU = dz^T h_prev, the transpose (square: no shape error)."""
    ref = rnn_param_grads(x, h_prev, dz)
    return RNNParamGrads(ref.dW, dz.T @ h_prev, ref.db)  # BUG


# --- catalogue and trace order ----------------------------------------------------------------
def catalogue() -> list[dict]:
    with open(CATALOGUE_PATH) as fh:
        return json.load(fh)["mutants"]


def mutant_block(name: str) -> Callable:
    fn = globals().get(name)
    if fn is None:
        raise ValueError(f"{CATALOGUE_PATH.name}: mutant {name!r} has no function in {__name__}")
    return fn


def run_cell(cell: str, inputs: dict, reset_after: bool = True, blocks: dict | None = None) -> list[tuple]:
    """Every tensor of one forward + backward pass, in trace order: (phase, tensor, step, value).

    inputs: x, W, U, b (and b_hn), h0, mask (or None), proj (the loss sum(proj * h)).
    """
    blocks = blocks or {}
    fwd_blocks = {k: v for k, v in blocks.items() if k == "step_forward"}
    bwd_blocks = {k: v for k, v in blocks.items() if k != "step_forward"}
    params = {k: inputs[k] for k in ("W", "U", "b", "b_hn") if k in inputs}
    if cell == "gru":
        out, cache = gru_forward(inputs["x"], **params, h0=inputs["h0"], mask=inputs["mask"],
                                 reset_after=reset_after, **fwd_blocks)
        trace, grads = gru_backward(inputs["proj"], cache, **bwd_blocks)
        gates, backward = GRU_GATES, ("dh", "dn", "dz", "dr")
    else:
        out, cache = rnn_forward(inputs["x"], **params, h0=inputs["h0"], mask=inputs["mask"], **fwd_blocks)
        trace, grads = rnn_backward(inputs["proj"], cache, **bwd_blocks)
        gates, backward = ("g",), ("dh", "dg")
    T = inputs["x"].shape[0]
    rows = [("forward", k, t, out[k][t]) for t in range(T) for k in (*gates, "h")]
    rows += [("backward", k, t, trace[k][t]) for t in reversed(range(T)) for k in backward]
    rows += [("backward", "dx", None, trace["dx"]), ("backward", "dh0", None, trace["dh0"])]
    rows += [("grads", k, None, v) for k, v in grads.items()]
    return rows


def first_divergence(reference: list[tuple], other: list[tuple], rtol: float = 1e-10) -> dict | None:
    """The first tensor, in trace order, where other differs from reference beyond rtol (relative to
    the tensor's largest value): {"phase", "tensor", "step"}; None when all agree."""
    for (phase, name, step, a), (_, _, _, b) in zip(reference, other, strict=True):
        scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)
        if not np.all(np.isfinite(b)) or float(np.max(np.abs(a - b))) > rtol * scale:
            return {"phase": phase, "tensor": name, "step": step}
    return None
