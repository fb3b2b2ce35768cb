"""From "where" to "what": test every known bug against the first divergence.

At the first divergence everything upstream agrees with the fixture, so each
hypothesis recomputes the diverging tensor from the fixture's correct values
(:class:`conformance.upstream.Upstream`) as the bug would make it. A hypothesis is
**confirmed** when its prediction reproduces the implementation's actual values:

    max |predicted - actual| <= atol + RTOL * max(|actual|, |expected|)   (it reproduces them)
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
from lstmparity.core.trace import BACKWARD_STEP, FORWARD_STEP, Entry, lookup

from .compare import Check, Comparison, fetch_actual
from .equations import carry, evaluate, right_for
from .generic import generic_hypotheses
from .grammar import ACTS, CELL_GATE_ACT, Hypothesis, equation_hypotheses, gate_hypotheses, grads_hypotheses
from .mutants import CATALOGUE_PATH
from .special import rerun_hypotheses, special_hypotheses
from .upstream import Upstream

# The prediction is computed from the fixture's values, which the implementation matched only to the case's
# tolerance (rtol 1e-12 of the slice's largest value); one step's local derivatives can amplify that by a few
# orders of magnitude. 1e-9 keeps three orders of margin above it, and stays far below what a bug changes
# (a wrong factor changes the tensor by O(1) relative to its size).
RTOL = 1e-9
EXPLAINED = 1e-3  # the prediction must account for at least 99.9% of the largest error
NO_EXPLANATION = "no known bug explains this"


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
    untested: str = ""  # why nothing could be tested, when so
    also: list[tuple[str, str]] = field(default_factory=list)  # (tensor, explanation) of the others at that step

    @property
    def best(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def headline(self) -> str:
        b = self.best
        if self.untested:
            return f"not diagnosed: {self.untested}"
        if b is None:
            return f"{NO_EXPLANATION} ({self.tested} hypotheses tested)"
        if b.source == "catalogue":
            return f"{b.name}: {b.what}"
        return f"{b.what} [{b.hypothesis}]"


def load_diagnosis_table(cell: str | None = None) -> list[dict[str, Any]]:
    """The catalogue's diagnosis entries: name, hypothesis id patterns, wrong/right equation and fixes (of one
    cell's mutants when ``cell`` is given: an id like dg:drop:dtanh_g names another bug in another cell)."""
    rows = json.loads(CATALOGUE_PATH.read_text("utf-8"))["mutants"]
    return [{"name": r["name"], **r["diagnosis"]} for r in rows
            if "diagnosis" in r and (cell is None or r.get("cell", "lstm") == cell)]


def hypotheses_for(entry: Entry, u: Upstream, e: np.ndarray, a: np.ndarray) -> list[Hypothesis]:
    """Every hypothesis that can be tested at this trace entry, specific ones first."""
    phase, _, name = entry
    out: list[Hypothesis] = []
    masked = "mask" in u.inputs
    if phase == "forward" and name in FORWARD_STEP:
        out += gate_hypotheses(name, u.gates, u.cell) + equation_hypotheses(phase, name, masked, u.cell,
                                                                            u.reset_after)
    elif phase == "backward" and name in BACKWARD_STEP:
        out += equation_hypotheses(phase, name, masked, u.cell, u.reset_after)
    elif phase == "grads":
        out += grads_hypotheses(name, u.cell)
    out += special_hypotheses(phase, name, u.cell) + generic_hypotheses(entry, u, e, a)
    if entry.step is None or phase == "optimizer":  # no step equation reaches it: run every catalogued bug
        out += rerun_hypotheses(entry, u.cell)
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
        scale = max(top, float(np.max(np.abs(e))))  # an all-zero result: the fixture's rounding is relative to e
    if not np.isfinite(res) or res > atol + RTOL * scale or res > EXPLAINED * err:
        return None
    return res / top if top else 0.0


def diagnose(case: dict, result: Any, comparison: Comparison) -> Diagnosis:
    """Test every hypothesis at the first divergence of ``comparison`` (a result of ``case``), then explain the
    other tensors diverging at that step (see :func:`also_diverging`)."""
    runs: dict[str, dict] = {}
    diag = diagnose_entry(case, result, comparison.first, runs)
    diag.also = also_diverging(case, result, comparison, runs)
    return diag


def diagnose_entry(case: dict, result: Any, first: Check, runs: dict | None = None) -> Diagnosis:
    """Test every hypothesis at one diverging trace entry whose upstream agrees with ``case``'s expected values.

    runs: the catalogued bugs' runs of this case, shared between calls (filled as needed).
    """
    diag = Diagnosis(first.entry)
    whole_entry = first.entry if first.entry.phase == "optimizer" else Entry(first.entry.phase, None, first.entry.name)
    e = np.asarray(lookup(case["expected"], first.entry), dtype=float)
    if first.status == "shape":
        return _diagnose_layout(case, result, first, whole_entry, diag)
    a, _ = fetch_actual(result, first.entry, lookup(case["expected"], whole_entry))
    a = np.asarray(a, dtype=float)
    if not np.all(np.isfinite(a)):
        diag.untested = "the result holds NaN or inf"
        return diag
    u = Upstream(case, runs)
    table = load_diagnosis_table(u.cell)
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


def also_diverging(case: dict, result: Any, comparison: Comparison, runs: dict | None = None) -> list[tuple[str, str]]:
    """For each other tensor diverging at the first divergent step: does it follow from the ones before it, or what
    bug explains it on its own?

    Each is tested on the fixture's values with the implementation's own values of the tensors that diverge before
    it at that step: "follows from di, df, dg" when the right equation reproduces it from them, else its own
    diagnosis (so the thesis's four `%*%` lines are named at once, not one per run).
    """
    out: list[tuple[str, str]] = []
    atol = case["tolerance"]["atol"]
    before: list[Check] = [comparison.first]
    for c in comparison.same_step:
        if c is comparison.first:
            continue
        if c.status != "diverge":
            out.append((c.entry.name, "misshapen"))
            continue
        patched = _with_actual(case, result, before)
        u = Upstream(patched)
        e = np.asarray(lookup(case["expected"], c.entry), dtype=float)
        a = _actual(case, result, c.entry)
        right = Hypothesis("right", "", lambda u_, s, entry=c.entry: _right(u_, entry))
        if _confirmed(right, u, c.entry, e, a, atol) is not None:
            inputs = [b.entry.name for b in before if b.entry.name in _inputs(c.entry, u)]
            out.append((c.entry.name, f"follows from {', '.join(inputs) or 'the values before it'} "
                                      "(the right equation reproduces it from them)"))
        else:
            d = diagnose_entry(patched, result, c, runs)
            out.append((c.entry.name, d.headline + (f": {d.best.wrong}" if d.best else "")))
        before.append(c)
    return out


def _actual(case: dict, result: Any, entry: Entry) -> np.ndarray:
    whole = entry if entry.phase == "optimizer" else Entry(entry.phase, None, entry.name)
    a, _ = fetch_actual(result, entry, lookup(case["expected"], whole))
    return np.asarray(a, dtype=float)


def _with_actual(case: dict, result: Any, checks: list[Check]) -> dict:
    """The case with the implementation's values in place of the expected ones at these (per-step) entries."""
    expected = {phase: dict(v) if isinstance(v, dict) else v for phase, v in case["expected"].items()}
    for c in checks:
        phase, step, name = c.entry
        if step is None or phase not in ("forward", "backward"):
            continue
        arr = np.array(expected[phase][name], dtype=float)
        arr[step] = _actual(case, result, c.entry)
        expected[phase][name] = arr
    return {**case, "expected": expected}


def _inputs(entry: Entry, u: Upstream) -> set[str]:
    """The tensors of the same step that the right equation of ``entry`` reads."""
    if (entry.phase, entry.name) == ("backward", "dx"):
        return {"d" + g for g in u.gates}
    names = {k for term in right_for(u.cell, u.reset_after).get((entry.phase, entry.name), []) for k in term}
    names |= {"z"} if "omz" in names else set()  # the GRU's (1 - z)
    return names | {"c"} if entry.phase == "forward" and "tanh_c" in names else names  # h = o * tanh(c)


def _right(u: Upstream, entry: Entry) -> np.ndarray | None:
    """The right value of a per-step tensor computed from the values in ``u``."""
    phase, t, name = entry
    right = right_for(u.cell, u.reset_after)
    if (phase, name) in right:
        return carry((phase, name), evaluate(right[(phase, name)], u, t), u, t)
    if (phase, name) == ("backward", "dx"):
        return u.dz[t] @ u.params["W"].T
    if phase == "forward" and name in CELL_GATE_ACT[u.cell]:
        return ACTS[CELL_GATE_ACT[u.cell][name]](u.block(u.z[t], name))
    if (phase, name) == ("forward", "n") and u.cell == "gru":
        return np.tanh(u.a_n[t])
    return None


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
        try:
            c.diagnosis = diagnose(outcome.fixture.case, c.result, c)
        except Exception as err:  # noqa: BLE001 - a diagnosis that cannot be made must not cost the report
            c.diagnosis = Diagnosis(c.first.entry, untested=f"{type(err).__name__}: {err}")
    return c.diagnosis
