"""Hypotheses that are not one edit of a step equation: a head, a clipping, an optimiser written wrong.

Each recomputes the first diverging tensor from the fixture's correct values,
as the bug would make it. Catalogue entries name them by id like the grammar's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lstmparity.core.activations import log_softmax
from lstmparity.core.model import run_case
from lstmparity.core.optim import PARAM_ORDER, clip_grads
from lstmparity.core.trace import Entry, lookup

from .grammar import Hypothesis
from .mutants import build_ops, catalogue
from .upstream import Upstream


def _label_every_step(u: Upstream, t: Any) -> np.ndarray | None:
    """dh_t when a many-to-one head sends its per-sequence loss gradient back at every step."""
    head = u.config["head"]
    if head not in ("many_to_one_sigmoid", "many_to_one_softmax") or t is None:
        return None
    Wy, by, y = u.params["Wy"], u.params["by"], np.asarray(u.inputs["targets"])
    a = u.fwd("h")[t] @ Wy + by  # (B, K)
    if head == "many_to_one_sigmoid":
        dlogits = 1 / (1 + np.exp(-a)) - y[:, None]
    else:
        dlogits = np.exp(log_softmax(a))
        dlogits[np.arange(u.B), y] -= 1.0
    return dlogits / u.B @ Wy.T + u.dh_next[t]


def _adam_no_bias_correction(u: Upstream, step: Any, name: str) -> np.ndarray | None:
    """The parameter after update 1 of Adam with m and v used without bias correction."""
    opt = u.case.get("optimizer") or {}
    if opt.get("name") != "adam" or step != 1:
        return None
    grads = clip_grads({"d" + p: np.asarray(u.expected["grads"]["d" + p]) for p in PARAM_ORDER
                        if p in u.params}, u.case.get("clip"))
    g = grads["d" + name]
    m, v = (1 - opt.get("beta1", 0.9)) * g, (1 - opt.get("beta2", 0.999)) * g * g
    return u.params[name] - opt["lr"] * m / (np.sqrt(v) + opt.get("eps", 1e-8))


def _clip_per_step(u: Upstream, step: Any, name: str) -> np.ndarray | None:
    """A parameter gradient summed from per-step contributions each clipped on its own."""
    if not u.case.get("clip"):
        return None
    total = 0.0
    for t in range(u.T):
        g = {"dW": u.x[t].T @ u.dz[t], "dU": u.h_prev[t].T @ u.dz[t], "db": u.dz[t].sum(axis=0)}
        total = total + clip_grads(g, u.case["clip"])[name]
    return np.asarray(total)


def _rerun(u: Upstream, mutant: str, entry: Entry) -> np.ndarray | None:
    """The entry as the reference computes it with the catalogued bug swapped in (one run per mutant and case)."""
    if mutant not in u.runs:
        case = {k: v for k, v in u.case.items() if k != "expected"}
        try:
            u.runs[mutant] = run_case(case, build_ops(catalogue()[mutant], case))
        except (ValueError, KeyError, IndexError, TypeError):  # the bug cannot run on this case (B != H, ...)
            u.runs[mutant] = {}
    try:
        return np.asarray(lookup(u.runs[mutant], entry), dtype=float)
    except (KeyError, IndexError, TypeError):
        return None


def rerun_hypotheses(entry: Entry, cell: str = "lstm") -> list[Hypothesis]:
    """Every catalogued bug of the cell, run: for divergences no step equation reaches (parameter gradients,
    losses, updates)."""
    whole = entry if entry.phase == "optimizer" else Entry(entry.phase, None, entry.name)
    return [Hypothesis(f"mutant:{m.name}", m.description, lambda u, s, m=m.name: _rerun(u, m, whole))
            for m in catalogue().values() if m.cell == cell]


def special_hypotheses(phase: str, name: str, cell: str = "lstm") -> list[Hypothesis]:
    out = []
    if (phase, name) == ("backward", "dh"):
        out.append(Hypothesis("dh:label_every_step", "a per-sequence label applied at every time step",
                              _label_every_step, "dh_t = (p(h_t Wy + by) - y) / B Wy^T + dh_next   (every t)",
                              "dh_t = dh_next for t < T-1; the head's gradient only at the last step",
                              "dlogits = head loss gradient of h[T - 1] only",
                              "dlogits <- head loss gradient of h[[T]] only"))
    if phase == "optimizer" and name in PARAM_ORDER:
        out.append(Hypothesis("adam:no_bias_correction", "Adam without bias correction",
                              lambda u, s: _adam_no_bias_correction(u, s, name),
                              "p -= lr * m / (sqrt(v) + eps)", "p -= lr * m_hat / (sqrt(v_hat) + eps), "
                              "m_hat = m / (1 - beta1^k), v_hat = v / (1 - beta2^k)",
                              "m_hat, v_hat = m / (1 - beta1**k), v / (1 - beta2**k)",
                              "m_hat <- m / (1 - beta1^k); v_hat <- v / (1 - beta2^k)"))
    if phase == "grads" and name in ("dW", "dU", "db") and not (cell == "gru" and name == "dU"):
        out.append(Hypothesis("grads:clip_per_step", "clipping applied to every step's gradient inside the BPTT loop",
                              lambda u, s: _clip_per_step(u, s, name), "dW = sum_t clip(x_t^T dz_t)",
                              "dW = clip(sum_t x_t^T dz_t)", "clip_grads(sum of the steps' gradients) after the loop",
                              "clip_grads(sum of the steps' gradients) after the loop"))
    return out
