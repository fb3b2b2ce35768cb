"""Hypotheses for any tensor, whatever its equation: one constant factor, the neighbouring step, gate blocks
permuted, float32 arithmetic (see conformance/grammar.py for the ids)."""

from __future__ import annotations

import itertools

import numpy as np
from lstmparity.core.trace import Entry, lookup

from .compare import GATED, GATES
from .grammar import Hypothesis
from .upstream import Upstream

FLOAT32_RTOL = 1e-5  # float32 rounding (eps 1.2e-7) grown over a few steps stays well under this
SAME_FACTOR = 1e-9  # a fitted factor within this of a named ratio is that ratio (the diagnosis's RTOL)
SCALE_FIX = "the loss and its gradient must use the same reduction (mean vs sum); clip after the backward pass"


def generic_hypotheses(entry: Entry, u: Upstream, e: np.ndarray, a: np.ndarray) -> list[Hypothesis]:
    """Hypotheses for any tensor: one constant factor, the neighbouring step, gate blocks permuted, float32."""
    name = entry.name
    ratios = {"B": u.B, "1/B": 1 / u.B, "T": u.T, "1/T": 1 / u.T, "2": 2.0, "1/2": 0.5,  # mean vs sum, doubled
              "TB": u.T * u.B, "1/TB": 1 / (u.T * u.B)}  # a mean over every step and sequence
    out = [Hypothesis(f"{name}:scale:{label}", f"{name} off by the constant factor {label} (= {r:.6g})",
                      lambda u_, s, r=r: r * e, f"{name} = {label} * (right value)", f"{name} = (right value)",
                      SCALE_FIX, SCALE_FIX)
           for label, r in ratios.items() if r != 1]
    k = float(np.vdot(e, a) / np.vdot(e, e)) if np.vdot(e, e) else 0.0  # least squares: a = k e
    if not any(abs(k - r) <= SAME_FACTOR * r for r in ratios.values()):  # a named factor is tested above, unfitted
        out.append(Hypothesis(f"{name}:scale:other", f"{name} off by one constant factor {k:.6g}",
                              lambda u_, s: k * e,
                              f"{name} = {k:.6g} * (right value)", f"{name} = (right value)", SCALE_FIX, SCALE_FIX,
                              fitted=1))
    if e.ndim == 2 and e.shape[0] == e.shape[1] > 1 and entry.phase in ("grads", "optimizer"):
        out.append(Hypothesis(f"{name}:transpose", f"{name} transposed (it is square: no shape error)",
                              lambda u_, s: e.T, f"{name} = t(right value)", f"{name} = (right value)",
                              f"{name}: the transpose of what is computed (e.g. h_prev.T @ dz, not dz.T @ h_prev)",
                              f"{name}: the transpose of what is computed (crossprod(h_prev, dz), not "
                              "crossprod(dz, h_prev))"))
    if entry.step is not None and entry.phase in ("forward", "backward"):
        whole = np.asarray(lookup(u.expected, Entry(entry.phase, None, name)), dtype=float)
        for d in (-1, 1):
            if 0 <= entry.step + d < whole.shape[0]:
                out.append(Hypothesis(f"{name}:shift:{d:+d}", f"{name} of step t{d:+d} reported at step t",
                                      lambda u_, s, d=d: whole[s + d], f"{name}[t] = {name}[t{d:+d}]",
                                      f"{name}[t] = {name}[t]", "index the step array with t",
                                      "index the step list with t"))
    if name in GATED and e.ndim and e.shape[-1] == len(u.gates) * u.H:
        out += permutations(name, u, lambda order: np.concatenate([u.block(e, g) for g in order], axis=-1))
    if (entry.phase, name) == ("backward", "dx") and entry.step is not None and u.gates == GATES["lstm"]:
        out += permutations("dx", u, lambda order: np.concatenate(
            [u.block(u.dz[entry.step], g) for g in order], axis=-1) @ u.params["W"].T, "dz")
    out.append(Hypothesis("float32", "float32 arithmetic where float64 was meant",
                          lambda u_, s: a if np.all(a.astype(np.float32) == a) and np.any(a)
                          and np.max(np.abs(a - e)) <= FLOAT32_RTOL * np.max(np.abs(e)) else None,
                          "every value rounded to float32", "float64 throughout",
                          "np.asarray(x, dtype=np.float64) for every input and parameter",
                          "R computes in double: look for a float32 conversion in the adapter"))
    return out


def permutations(name: str, u: Upstream, make, blocks_of: str | None = None) -> list[Hypothesis]:
    out = []
    what_of = blocks_of or name
    right = f"{what_of} = [{' | '.join(u.gates)}]"
    fix = f"stack the blocks in the order {', '.join(u.gates)}"
    for order in itertools.permutations(u.gates):
        if order == u.gates:
            continue
        what = f"the gate blocks of {what_of} in the order {', '.join(order)} instead of {', '.join(u.gates)}"
        out.append(Hypothesis(f"{name}:perm:{''.join(order)}", what, lambda u_, s, order=order: make(order),
                              f"{what_of} = [{' | '.join(order)}]", right, fix, fix))
    return out
