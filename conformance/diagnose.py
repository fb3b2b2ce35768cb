"""From "where" to "what": test every known bug against the first divergence.

At the first divergence everything upstream agrees with the fixture, so each
hypothesis recomputes the diverging tensor from the fixture's correct values
(:class:`conformance.upstream.Upstream`) as the bug would make it. A hypothesis is
**confirmed** when its prediction reproduces the implementation's actual values:

    max |predicted - actual| <= atol + RTOL * max |actual|       (it reproduces them)
    max |predicted - actual| <= EXPLAINED * max |expected - actual|   (it explains the error)

Confirmed hypotheses are reported under the catalogue's name when catalogue.json
lists their id (so the mutation catalogue is the diagnosis table), else under the
grammar's description. When nothing is confirmed the answer is "no known bug
explains this": a diagnosis is never a guess.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from lstmparity.trace import BACKWARD_STEP, FORWARD_STEP, Entry, lookup

from .compare import GATED, GATES, Check, Comparison, _fetch
from .grammar import Hypothesis, equation_hypotheses, gate_hypotheses, grads_hypotheses
from .mutants import CATALOGUE_PATH
from .special import rerun_hypotheses, special_hypotheses
from .upstream import Upstream

# The prediction is computed from the fixture's values, which the implementation matched only to the case's
# tolerance (rtol 1e-12 of the slice's largest value); one step's local derivatives can amplify that by a few
# orders of magnitude. 1e-9 keeps three orders of margin above it, and stays far below what a bug changes
# (a wrong factor changes the tensor by O(1) relative to its size).
RTOL = 1e-9
EXPLAINED = 1e-3  # the prediction must account for at least 99.9% of the largest error
FLOAT32_RTOL = 1e-5  # float32 rounding (eps 1.2e-7) grown over a few steps stays well under this
NO_EXPLANATION = "no known bug explains this"
SCALE_FIX = "the loss and its gradient must use the same reduction (mean vs sum); clip after the backward pass"


@dataclass(frozen=True)
class Finding:
    """One confirmed explanation of the first divergence."""

    name: str  # the catalogue's name of the bug, or the grammar's hypothesis id
    hypothesis: str  # the grammar's id
    source: str  # "catalogue" or "grammar"
    what: str  # in words
    residual: float  # max |predicted - actual| / max |actual|
    wrong: str
    right: str
    fix_python: str
    fix_r: str


@dataclass
class Diagnosis:
    where: Entry
    tested: int = 0
    findings: list[Finding] = field(default_factory=list)
    note: str = ""  # why nothing could be tested, when so

    @property
    def best(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def headline(self) -> str:
        b = self.best
        if b is None:
            return NO_EXPLANATION + (f" ({self.note})" if self.note else f" ({self.tested} hypotheses tested)")
        if b.source == "catalogue":
            return f"{b.name}: {b.what}"
        return f"{b.what} [{b.hypothesis}]"


def load_diagnosis_table() -> list[dict[str, Any]]:
    """The catalogue's diagnosis entries: name, hypothesis id patterns, wrong/right equation and fixes."""
    rows = json.loads(CATALOGUE_PATH.read_text("utf-8"))["mutants"]
    return [{"name": r["name"], **r["diagnosis"]} for r in rows if "diagnosis" in r]


def _generic(entry: Entry, u: Upstream, e: np.ndarray, a: np.ndarray) -> list[Hypothesis]:
    """Hypotheses for any tensor: one constant factor, the neighbouring step, gate blocks permuted, float32."""
    name = entry.name
    k = float(np.vdot(e, a) / np.vdot(e, e)) if np.vdot(e, e) else 0.0
    ratios = {"2": 2.0, "1/2": 0.5, "B": u.B, "1/B": 1 / u.B, "T": u.T, "1/T": 1 / u.T}
    label = next((lab for lab, r in ratios.items() if r != 1 and abs(k - r) <= 1e-9 * r), "other")
    out = [Hypothesis(f"{name}:scale:{label}", f"{name} off by one constant factor {k:.6g}"
                      + ("" if label == "other" else f" (= {label})"), lambda u_, s: k * e,
                      f"{name} = {k:.6g} * (right value)", f"{name} = (right value)",
                      SCALE_FIX, SCALE_FIX,
                      fitted=1)]
    if entry.step is not None and entry.phase in ("forward", "backward"):
        whole = np.asarray(lookup(u.expected, Entry(entry.phase, None, name)), dtype=float)
        for d in (-1, 1):
            if 0 <= entry.step + d < whole.shape[0]:
                out.append(Hypothesis(f"{name}:shift:{d:+d}", f"{name} of step t{d:+d} reported at step t",
                                      lambda u_, s, d=d: whole[s + d], f"{name}[t] = {name}[t{d:+d}]",
                                      f"{name}[t] = {name}[t]", "index the step array with t",
                                      "index the step list with t"))
    if name in GATED and e.ndim and e.shape[-1] == len(u.gates) * u.H:
        out += _permutations(name, u, lambda order: np.concatenate([u.block(e, g) for g in order], axis=-1))
    if (entry.phase, name) == ("backward", "dx") and entry.step is not None and u.gates == GATES["lstm"]:
        out += _permutations("dx", u, lambda order: np.concatenate(
            [u.block(u.dz[entry.step], g) for g in order], axis=-1) @ u.params["W"].T, "dz")
    out.append(Hypothesis("float32", "float32 arithmetic where float64 was meant",
                          lambda u_, s: a if np.all(a.astype(np.float32) == a) and np.any(a)
                          and np.max(np.abs(a - e)) <= FLOAT32_RTOL * np.max(np.abs(e)) else None,
                          "every value rounded to float32", "float64 throughout",
                          "np.asarray(x, dtype=np.float64) for every input and parameter",
                          "R computes in double: look for a float32 conversion in the adapter"))
    return out


def _permutations(name: str, u: Upstream, make, blocks_of: str | None = None) -> list[Hypothesis]:
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


def hypotheses_for(entry: Entry, u: Upstream, e: np.ndarray, a: np.ndarray) -> list[Hypothesis]:
    """Every hypothesis that can be tested at this trace entry, specific ones first."""
    phase, _, name = entry
    if u.config.get("cell", "lstm") != "lstm":  # the equations are the LSTM's: only the generic edits apply
        return _generic(entry, u, e, a)
    out: list[Hypothesis] = []
    masked = "mask" in u.inputs
    if phase == "forward" and name in FORWARD_STEP:
        out += gate_hypotheses(name, u.gates) + equation_hypotheses(phase, name, masked)
    elif phase == "backward" and name in BACKWARD_STEP:
        out += equation_hypotheses(phase, name, masked)
    elif phase == "grads":
        out += grads_hypotheses(name)
    out += special_hypotheses(phase, name) + _generic(entry, u, e, a)
    if entry.step is None or phase == "optimizer":  # no step equation reaches it: run every catalogued bug
        out += rerun_hypotheses(entry)
    return out


def _confirmed(h: Hypothesis, u: Upstream, entry: Entry, e: np.ndarray, a: np.ndarray,
               atol: float) -> float | None:
    """The residual max|p - a| / max|a| if h reproduces the actual values and explains the error, else None."""
    with np.errstate(all="ignore"):
        try:
            p = h.predict(u, entry.step)
        except (ValueError, KeyError, IndexError, TypeError):  # not applicable to this case's shapes
            return None
        if p is None:
            return None
        p = np.broadcast_to(np.asarray(p, dtype=float), a.shape) if np.size(p) in (1, a.size) else None
        if p is None or a.size <= h.fitted:
            return None
        res = float(np.max(np.abs(p - a)))
        top = float(np.max(np.abs(a)))
        err = float(np.max(np.abs(e - a)))
    if not np.isfinite(res) or res > atol + RTOL * top or res > EXPLAINED * err:
        return None
    return res / top if top else 0.0


def diagnose(case: dict, result: Any, comparison: Comparison) -> Diagnosis:
    """Test every hypothesis at the first divergence of ``comparison`` (a result of ``case``)."""
    first: Check = comparison.first
    diag = Diagnosis(first.entry)
    whole_entry = first.entry if first.entry.phase == "optimizer" else Entry(first.entry.phase, None, first.entry.name)
    e = np.asarray(lookup(case["expected"], first.entry), dtype=float)
    if first.status == "shape":
        return _diagnose_layout(case, result, first, whole_entry, diag)
    a, _ = _fetch(result, first.entry, lookup(case["expected"], whole_entry))
    a = np.asarray(a, dtype=float)
    if not np.all(np.isfinite(a)):
        diag.note = "the result holds NaN or inf"
        return diag
    u = Upstream(case)
    table = load_diagnosis_table()
    named: list[tuple[int, Finding]] = []
    for h in hypotheses_for(first.entry, u, e, a):
        diag.tested += 1
        res = _confirmed(h, u, first.entry, e, a, case["tolerance"]["atol"])
        if res is None:
            continue
        rank, row, pattern = _catalogue_row(table, h.id)
        if row is None:
            f = Finding(h.id, h.id, "grammar", h.what, res, h.wrong, h.right, h.fix_python, h.fix_r)
        elif "*" in pattern:  # a family of edits: the equation is the one this hypothesis tested
            f = Finding(row["name"], h.id, "catalogue", row["what"], res, h.wrong, h.right, h.fix_python, h.fix_r)
        else:
            f = Finding(row["name"], h.id, "catalogue", row["what"], res, row["wrong"], row["right"],
                        row["fix"]["python"], row["fix"]["r"])
        named.append((rank, f))
    seen: set[str] = set()
    for _, f in sorted(named, key=lambda rf: rf[0]):  # catalogue order first, then the grammar's order
        if f.name not in seen:
            seen.add(f.name)
            diag.findings.append(f)
    return diag


def _catalogue_row(table: list[dict], hypothesis: str) -> tuple[int, dict | None, str]:
    """(rank, catalogue row, matching pattern) of the first catalogued bug producing this hypothesis."""
    for k, row in enumerate(table):
        for pattern in [*row["hypotheses"], f"mutant:{row['name']}"]:
            if fnmatch.fnmatchcase(hypothesis, pattern):
                return k, row, pattern
    return len(table), None, ""


def _diagnose_layout(case: dict, result: Any, first: Check, whole_entry: Entry, diag: Diagnosis) -> Diagnosis:
    """A misshapen tensor: is it the right values with its axes in another order?"""
    e = np.asarray(lookup(case["expected"], whole_entry), dtype=float)
    try:
        a = np.asarray(lookup(result, whole_entry), dtype=float)
    except (KeyError, IndexError, TypeError, ValueError):
        return diag
    dims = "TBH" if e.ndim == 3 else "".join(f"a{k}" for k in range(e.ndim))
    for axes in itertools.permutations(range(a.ndim)):
        diag.tested += 1
        if a.ndim != e.ndim or a.transpose(axes).shape != e.shape or axes == tuple(range(a.ndim)):
            continue
        p = a.transpose(axes)
        if np.max(np.abs(p - e), initial=0.0) <= case["tolerance"]["atol"] + RTOL * np.max(np.abs(e), initial=0.0):
            order = "".join(dims[k] for k in np.argsort(axes)) if e.ndim == 3 else str(tuple(np.argsort(axes)))
            what = (f"{whole_entry.name} returned with its axes in the order ({', '.join(order)}) instead of "
                    f"({', '.join(dims)})" if e.ndim == 3 else f"{whole_entry.name} returned transposed")
            diag.findings.append(Finding("layout", f"{whole_entry.name}:axes:{axes}", "grammar", what, 0.0,
                                         f"{whole_entry.name}: shape {a.shape}", f"{whole_entry.name}: shape {e.shape}",
                                         f"np.transpose(x, {tuple(int(i) for i in np.argsort(axes))})",
                                         f"aperm(x, c({', '.join(str(int(i) + 1) for i in np.argsort(axes))}))"))
            break
    return diag


def diagnosis_of(outcome: Any) -> Diagnosis | None:
    """The diagnosis of a diverging (implementation, fixture) outcome, made once and kept on its comparison."""
    c = outcome.comparison
    if outcome.status != "diverge" or c is None or c.first is None or outcome.fixture.case is None:
        return None
    if c.diagnosis is None:
        c.diagnosis = diagnose(outcome.fixture.case, c.result, c)
    return c.diagnosis
