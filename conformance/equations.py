"""The right equation of every per-step tensor, written as data: sums of products of named factors.

The generic hypothesis grammar (:mod:`lstmparity.conformance.grammar`) edits these: drops a
factor, adds one, replaces one by a neighbour, drops a term, wraps the whole in a
nonlinearity, turns a product into a sum or into a matrix product. Each factor
knows how to print itself (in words, in Python, in R) and its value at step t
from the fixture's correct values (:class:`conformance.upstream.Upstream`).

The equations are those of python/lstmparity/core/cell.py (m is the mask of the step,
1 where there is none)::

    do = dh * tanh(c) * o (1 - o) * m
    dc = dh * o * (1 - tanh(c)^2) * m + m * dc_next
    di = dc * g * i (1 - i)      df = dc * c_prev * f (1 - f)      dg = dc * i * (1 - g^2)
    dh = dh_head + dh_next
    c  = f * c_prev + i * g      h = o * tanh(c)        (padded steps carry the state)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .upstream import Upstream

Value = Callable[[Upstream, int], np.ndarray]


@dataclass(frozen=True)
class Factor:
    """One factor of a product: how it prints (math, Python, R) and its value at step t."""

    math: str
    py: str
    r: str
    value: Value


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _gate(name: str) -> Value:
    return lambda u, t: u.fwd(name)[t]


def _z(name: str) -> Value:
    return lambda u, t: u.block(u.z[t], name)


def _same(text: str, value: Value) -> Factor:
    """A factor written the same way in words, Python and R."""
    return Factor(text, text, text, value)


def _c_wrap(u: Upstream, t: int) -> np.ndarray:
    """c_{t-1} read as C[t-1] from an array of the T cell states: at t = 0 Python wraps to c_{T-1}."""
    return u.fwd("c")[t - 1] if t == 0 else u.c_prev[t]


def _dc_next_without_f(u: Upstream, t: int) -> np.ndarray:
    """What reaches step t when dc_prev = dc (not dc * f) at step t + 1."""
    if t == u.T - 1:
        return np.zeros((u.B, u.H))
    return u.bwd("dc")[t + 1] + (1.0 - u.m[t + 1]) * u.dc_next[t + 1]


FACTORS: dict[str, Factor] = {
    "dh": _same("dh", lambda u, t: u.bwd("dh")[t]),
    "dc": _same("dc", lambda u, t: u.bwd("dc")[t]),
    "m": _same("m", lambda u, t: u.m[t]),
    "i": _same("i", _gate("i")), "f": _same("f", _gate("f")), "g": _same("g", _gate("g")), "o": _same("o", _gate("o")),
    "c": _same("c", lambda u, t: u.c_new[t]),
    "c_prev": _same("c_prev", lambda u, t: u.c_prev[t]),
    "tanh_c": Factor("tanh(c)", "np.tanh(c)", "tanh(c)", lambda u, t: u.tanh_c[t]),
    "dc_next": _same("dc_next", lambda u, t: u.dc_next[t]),
    "dh_next": _same("dh_next", lambda u, t: u.dh_next[t]),
    "dh_head": _same("dh_head", lambda u, t: u.dh_head[t]),
    "dtanh_c": Factor("(1 - tanh(c)^2)", "(1 - np.tanh(c)**2)", "(1 - tanh(c)^2)", lambda u, t: 1 - u.tanh_c[t] ** 2),
    "dtanh_g": Factor("(1 - g^2)", "(1 - g**2)", "(1 - g^2)", lambda u, t: 1 - u.fwd("g")[t] ** 2),
    # neighbours: what a factor gets mistaken for
    "c_wrap": Factor("C[t-1] (c_{T-1} at t = 0)", "C[t - 1]", "C[t - 1]", _c_wrap),
    "dc_next_nof": _same("dc_next (carried as dc, without * f)", _dc_next_without_f),
    "dtanh_act_c": Factor("(1 - tanh(tanh(c))^2)", "(1 - np.tanh(np.tanh(c))**2)", "(1 - tanh(tanh(c))^2)",
                          lambda u, t: 1 - np.tanh(u.tanh_c[t]) ** 2),
    "dtanh_c_raw": Factor("(1 - c^2)", "(1 - c**2)", "(1 - c^2)", lambda u, t: 1 - u.c_new[t] ** 2),
    "dtanh_zg": Factor("(1 - z_g^2)", "(1 - z_g**2)", "(1 - z_g^2)", lambda u, t: 1 - u.block(u.z[t], "g") ** 2),
    "dtanh_act_g": Factor("(1 - tanh(g)^2)", "(1 - np.tanh(g)**2)", "(1 - tanh(g)^2)",
                          lambda u, t: 1 - np.tanh(u.fwd("g")[t]) ** 2),
    "dsig_g": _same("g * (1 - g)", lambda u, t: u.fwd("g")[t] * (1 - u.fwd("g")[t])),
}
for _n in ("i", "f", "o"):
    FACTORS[f"dsig_{_n}"] = _same(f"{_n} * (1 - {_n})", lambda u, t, n=_n: u.fwd(n)[t] * (1 - u.fwd(n)[t]))
    FACTORS[f"dsig_z{_n}"] = _same(f"z_{_n} * (1 - z_{_n})", lambda u, t, n=_n: _z(n)(u, t) * (1 - _z(n)(u, t)))
    FACTORS[f"dsig_act_{_n}"] = _same(f"sigmoid({_n}) * (1 - sigmoid({_n}))",
                                      lambda u, t, n=_n: _sig(u.fwd(n)[t]) * (1 - _sig(u.fwd(n)[t])))
    FACTORS[f"dtanh_{_n}"] = Factor(f"(1 - {_n}^2)", f"(1 - {_n}**2)", f"(1 - {_n}^2)",
                                    lambda u, t, n=_n: 1 - u.fwd(n)[t] ** 2)

NEIGHBOURS: dict[str, list[tuple[str, str]]] = {
    "tanh_c": [("c", "c where tanh(c) belongs")],
    "c_prev": [("c", "c_t where c_{t-1} belongs"), ("c_wrap", "C[t-1] wrapping to the last cell state at t = 0")],
    "dtanh_c": [("dtanh_act_c", "tanh' applied to tanh(c), a value that is already an activation"),
                ("dtanh_c_raw", "tanh' written as 1 - c^2, on c instead of tanh(c)")],
    "dtanh_g": [("dsig_g", "the sigmoid derivative g (1 - g) on the tanh gate g"),
                ("dtanh_zg", "tanh' taken on the pre-activation z_g instead of on g"),
                ("dtanh_act_g", "tanh' applied to g, a value that is already an activation")],
    "dc_next": [("dc_next_nof", "the carried cell gradient not multiplied by the forget gate")],
}
for _n in ("i", "f", "o"):
    NEIGHBOURS[f"dsig_{_n}"] = [
        (f"dsig_z{_n}", f"the sigmoid derivative s (1 - s) taken on the pre-activation z_{_n} instead of on {_n}"),
        (f"dsig_act_{_n}", f"sigmoid' applied to {_n} = sigmoid(z_{_n}), a value that is already an activation"),
        (f"dtanh_{_n}", f"tanh's derivative 1 - {_n}^2 for the sigmoid's {_n} (1 - {_n})"),
    ]
for _n in ("i", "f", "g", "o"):
    NEIGHBOURS[_n] = [(k, f"gate {k} where gate {_n} belongs") for k in ("i", "f", "g", "o") if k != _n]

# what dropping a factor means, where it has a name of its own
DROPPED: dict[str, str] = {
    "m": "the mask ignored: padded steps still send gradient",
    "dtanh_c": "the tanh'(c) = 1 - tanh(c)^2 factor dropped",
    "dtanh_g": "the tanh' factor of the candidate g dropped (dL/dg reported where dL/dz_g belongs)",
}
for _n in ("i", "f", "o"):
    DROPPED[f"dsig_{_n}"] = (f"the sigmoid derivative on gate {_n} dropped: the post-activation gradient dL/d{_n} "
                             f"where the pre-activation one dL/dz_{_n} belongs")

Terms = list[list[str]]

RIGHT: dict[tuple[str, str], Terms] = {
    ("backward", "do"): [["dh", "tanh_c", "dsig_o", "m"]],
    ("backward", "dc"): [["dh", "o", "dtanh_c", "m"], ["m", "dc_next"]],
    ("backward", "di"): [["dc", "g", "dsig_i"]],
    ("backward", "df"): [["dc", "c_prev", "dsig_f"]],
    ("backward", "dg"): [["dc", "i", "dtanh_g"]],
    ("backward", "dh"): [["dh_head"], ["dh_next"]],
    ("forward", "c"): [["f", "c_prev"], ["i", "g"]],
    ("forward", "h"): [["o", "tanh_c"]],
}
CARRIED = {("forward", "c"): "c_prev", ("forward", "h"): "h_prev"}  # padded steps carry the state


def render(terms: Terms, how: str, sep: str = " * ") -> str:
    """A sum of products in words ("math"), Python ("py") or R ("r")."""
    return " + ".join(sep.join(getattr(FACTORS[k], how) for k in term) for term in terms)


def evaluate(terms: Terms, u: Upstream, t: int) -> np.ndarray:
    """The value of a sum of products at step t, (B, H)."""
    total = np.zeros((u.B, u.H))
    for term in terms:
        prod = np.ones((u.B, u.H))
        for k in term:
            prod = prod * FACTORS[k].value(u, t)
        total = total + prod
    return total


def carry(phase_name: tuple[str, str], value: np.ndarray, u: Upstream, t: int) -> np.ndarray:
    """Forward c and h: padded steps (m = 0) keep the previous state."""
    prev = CARRIED.get(phase_name)
    if prev is None:
        return value
    m = u.m[t]
    return m * value + (1.0 - m) * getattr(u, prev)[t]
