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

and of python/lstmparity/core/gru.py and rnn.py (:func:`right_for` gives a cell's table)::

    GRU  dn = dh * (1 - z) * (1 - n^2) * m        dz = dh * (h_prev - n) * z (1 - z) * m
         dr = dn * hn * r (1 - r)                 (reset after: hn = h_prev U_n + b_hn)
         dr = (dn U_n^T) * h_prev * r (1 - r)     (reset before)
         h  = (1 - z) * n + z * h_prev
    RNN  dg = dh * (1 - g^2) * m
    both dh = dh_head + dh_next                   (dh_next: what step t+1 sends back, the cell's own)
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


def _sigmoid_gate_factors(n: str, pre: str) -> dict[str, Factor]:
    """The factors a sigmoid gate n's derivative is written with, right and mistaken: n * (1 - n), the same
    on its pre-activation (``pre``_n: z_i for the LSTM, a_r for the GRU), on sigmoid(n), and tanh's (1 - n^2)."""
    return {
        f"dsig_{n}": _same(f"{n} * (1 - {n})", lambda u, t: u.fwd(n)[t] * (1 - u.fwd(n)[t])),
        f"dsig_{pre}{n}": _same(f"{pre}_{n} * (1 - {pre}_{n})", lambda u, t: _z(n)(u, t) * (1 - _z(n)(u, t))),
        f"dsig_act_{n}": _same(f"sigmoid({n}) * (1 - sigmoid({n}))",
                               lambda u, t: _sig(u.fwd(n)[t]) * (1 - _sig(u.fwd(n)[t]))),
        f"dtanh_{n}": Factor(f"(1 - {n}^2)", f"(1 - {n}**2)", f"(1 - {n}^2)", lambda u, t: 1 - u.fwd(n)[t] ** 2),
    }


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
    FACTORS.update(_sigmoid_gate_factors(_n, "z"))

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


# --- the GRU and the RNN ---------------------------------------------------------------------------
def _dh_next_gru(without: str) -> Value:
    """dh_next of the GRU with one term of dh_prev = [dr | dz | dhn] U^T + (m z + 1 - m) dh done wrong:
    "z": the direct path z * dh missing; "r": dL/dhn = dn where dn * r belongs (reset after)."""
    def value(u: Upstream, t: int) -> np.ndarray:
        if t == u.T - 1:
            return np.zeros((u.B, u.H))
        return u.gru_dh_prev(t + 1, direct=without != "z", reset_factor=without != "r")
    return value


def _dh_next_rnn(without: str) -> Value:
    """dh_next of the RNN, dg U^T + (1 - m) dh, done wrong: "T": dg U (U not transposed); "carry": the padded
    step's (1 - m) dh missing."""
    def value(u: Upstream, t: int) -> np.ndarray:
        if t == u.T - 1:
            return np.zeros((u.B, u.H))
        k = t + 1
        U = u.params["U"]
        dg = u.bwd("dg")[k]
        carry = 0.0 if without == "carry" else (1.0 - u.m[k]) * u.bwd("dh")[k]
        return (dg @ U if without == "T" else dg @ U.T) + carry
    return value


FACTORS.update({
    "r": _same("r", _gate("r")), "z": _same("z", _gate("z")), "n": _same("n", _gate("n")),
    "dn": _same("dn", lambda u, t: u.bwd("dn")[t]),
    "h_prev": _same("h_prev", lambda u, t: u.h_prev[t]),
    "omz": _same("(1 - z)", lambda u, t: 1 - u.fwd("z")[t]),
    "hp_minus_n": _same("(h_prev - n)", lambda u, t: u.h_prev[t] - u.fwd("n")[t]),
    "n_minus_hp": _same("(n - h_prev)", lambda u, t: u.fwd("n")[t] - u.h_prev[t]),
    "hn": Factor("hn", "hn", "hn", lambda u, t: u.hn[t]),
    "dn_Un": Factor("(dn U_n^T)", "(dn @ U_n.T)", "tcrossprod(dn, U_n)", lambda u, t: u.bwd("dn")[t] @ u.block(
        u.params["U"], "n").T),
    "dtanh_n": Factor("(1 - n^2)", "(1 - n**2)", "(1 - n^2)", lambda u, t: 1 - u.fwd("n")[t] ** 2),
    "dtanh_an": Factor("(1 - a_n^2)", "(1 - a_n**2)", "(1 - a_n^2)", lambda u, t: 1 - u.a_n[t] ** 2),
    "dsig_n": _same("n * (1 - n)", lambda u, t: u.fwd("n")[t] * (1 - u.fwd("n")[t])),
    "dtanh_g_lin": _same("(1 - g)", lambda u, t: 1 - u.fwd("g")[t]),
    "dh_next_noz": _same("dh_next (without the direct path z * dh)", _dh_next_gru("z")),
    "dh_next_nor": _same("dh_next (dL/dhn = dn, without * r)", _dh_next_gru("r")),
    "dh_next_Unt": _same("dh_next (dg U, U not transposed)", _dh_next_rnn("T")),
    "dh_next_nocarry": _same("dh_next (without (1 - m) * dh)", _dh_next_rnn("carry")),
})
for _n in ("r", "z"):
    FACTORS.update(_sigmoid_gate_factors(_n, "a"))

# A cell's own neighbours (a factor of the same name may be mistaken for other things in another cell).
CELL_NEIGHBOURS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "gru": {
        "omz": [("z", "z where (1 - z) belongs: the update direction of the papers that write "
                      "h = (1 - z) h_prev + z n, in PyTorch's form")],
        "dtanh_n": [("dtanh_an", "tanh' taken on the pre-activation a_n instead of on n"),
                    ("dsig_n", "the sigmoid derivative n (1 - n) on the tanh candidate n")],
        "hp_minus_n": [("n_minus_hp", "(n - h_prev) where (h_prev - n) belongs: the sign of the other direction")],
        "hn": [("h_prev", "h_prev where h_prev U_n + b_hn belongs: the reset-before formula in the reset-after form")],
        "h_prev": [("hn", "h_prev U_n + b_hn where h_prev belongs: the reset-after formula in the reset-before form")],
        "dh_next": [("dh_next_noz", "the carried gradient missing the direct path z * dh of h = (1 - z) n + z h_prev"),
                    ("dh_next_nor", "the recurrent product's gradient dL/dhn taken as dn, without the reset gate's "
                                    "factor r")],
        **{f"dsig_{n}": [(f"dsig_a{n}", f"the sigmoid derivative s (1 - s) taken on the pre-activation a_{n} "
                                        f"instead of on {n}"),
                         (f"dsig_act_{n}", f"sigmoid' applied to {n} = sigmoid(a_{n}), a value that is already an "
                                           "activation"),
                         (f"dtanh_{n}", f"tanh's derivative 1 - {n}^2 for the sigmoid's {n} (1 - {n})")]
           for n in ("r", "z")},
    },
    "rnn": {
        "dtanh_g": [("dtanh_zg", "tanh' taken on the pre-activation a instead of on g = tanh(a)"),
                    ("dtanh_g_lin", "tanh' written as 1 - g instead of 1 - g^2"),
                    ("dsig_g", "the sigmoid derivative g (1 - g) on the tanh state g"),
                    ("dtanh_act_g", "tanh' applied to g, a value that is already an activation")],
        "dh_next": [("dh_next_Unt", "the recurrent weights not transposed in the backward: dh_prev = dg U"),
                    ("dh_next_nocarry", "at a padded step the carried state's gradient (1 - m) dh not sent back")],
    },
}
CELL_DROPPED: dict[str, dict[str, str]] = {
    "gru": {"dtanh_n": "the tanh' factor (1 - n^2) of the candidate n dropped",
            **{f"dsig_{n}": f"the sigmoid derivative on gate {n} dropped: dL/d{n} where dL/da_{n} belongs"
               for n in ("r", "z")}},
    "rnn": {"dtanh_g": "the tanh derivative 1 - g^2 dropped: dL/dh reported as dL/da"},
}
# The factors an edit may add to a term ("an extra factor ..."), per cell.
EXTRAS = {"lstm": ("i", "f", "g", "o", "tanh_c"), "gru": ("r", "z", "n"), "rnn": ()}

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

RIGHT: dict[tuple[str, str], Terms] = {  # the LSTM's
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

GRU_RIGHT: dict[tuple[str, str], Terms] = {
    ("backward", "dn"): [["dh", "omz", "dtanh_n", "m"]],
    ("backward", "dz"): [["dh", "hp_minus_n", "dsig_z", "m"]],
    ("backward", "dr"): [["dn", "hn", "dsig_r"]],  # reset after; before: see right_for()
    ("backward", "dh"): [["dh_head"], ["dh_next"]],
    ("forward", "h"): [["omz", "n"], ["z", "h_prev"]],
}
RNN_RIGHT: dict[tuple[str, str], Terms] = {
    ("backward", "dg"): [["dh", "dtanh_g", "m"]],
    ("backward", "dh"): [["dh_head"], ["dh_next"]],
}


def right_for(cell: str, reset_after: bool = True) -> dict[tuple[str, str], Terms]:
    """The right equations of a cell (the GRU's dr depends on where the reset gate is)."""
    if cell == "gru":
        return GRU_RIGHT if reset_after else {**GRU_RIGHT, ("backward", "dr"): [["dn_Un", "h_prev", "dsig_r"]]}
    return RNN_RIGHT if cell == "rnn" else RIGHT


def neighbours(cell: str) -> dict[str, list[tuple[str, str]]]:
    """What each factor gets mistaken for, in this cell."""
    return {**NEIGHBOURS, **CELL_NEIGHBOURS.get(cell, {})}


def dropped(cell: str) -> dict[str, str]:
    return {**DROPPED, **CELL_DROPPED.get(cell, {})}


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
