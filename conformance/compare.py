"""Compare one implementation's result with a fixture's ``expected``, in trace order.

Every trace entry (see lstmparity.core.trace) gets a :class:`Check`; the first one
that does not agree is the **first divergence**. :func:`compare` also says in
words which earlier tensors still agree, and classifies the divergence:

* ``step`` — a per-step tensor (forward t = 0..T-1, backward t = T-1..0);
* ``sequence`` — a tensor of the whole sequence (logits, loss, dlogits, dh0, dc0);
* ``accumulation`` — a parameter gradient whose per-step intermediates all agree
  (the sum over steps is wrong, not any step);
* ``gradient`` — a parameter gradient where per-step tensors were not provided
  (a step may be to blame: the wrong gate blocks say which gates);
* ``optimizer`` — an update (clipping or optimiser) whose gradients all agree.

Besides the first tensor it gives the whole picture at that place: every tensor
diverging at the same step (:attr:`Comparison.same_step`), whether the next step
in the trace still agrees (:attr:`Comparison.next_step`), and for tensors whose
last axis holds the gate blocks side by side (``dW``, ``dU``, ``db`` and the
parameters ``W``, ``U``, ``b``: width ``n_gates * H``) the gate and unit of the
worst element and which gate blocks are wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from lstmparity.core.spec import DEFAULT_CELL, spec
from lstmparity.core.spec import rows as spec_rows
from lstmparity.core.trace import Entry, agree, lookup, trace_order

PHASES = ("forward", "backward", "grads", "optimizer")
# from spec/tensors.json: the gate blocks of each cell, in order, and the tensors whose last axis holds them (GH)
GATES = {cell: tuple(v["gates"]) for cell, v in spec()["cells"].items()}
GATED = {r["name"] for r in spec_rows() if r["dims"] and r["dims"][-1] == "GH"}


def gate_names(cell: str | None = None) -> tuple[str, ...]:
    """The gate names of a cell type (the default cell when absent), in the order of their column blocks; () for a
    cell the spec does not list."""
    return GATES.get(cell or DEFAULT_CELL, ())


def gate_unit(column: int, H: int, gates: tuple[str, ...]) -> str:
    """Column of a gate-blocked axis in words: 6 -> 'gate f, unit 2' (H = 4, gates i, f, g, o)."""
    k, unit = divmod(column, H)
    return f"gate {gates[k]}, unit {unit}" if k < len(gates) else f"block {k}, unit {unit}"


def wrong_blocks(actual: np.ndarray, expected: np.ndarray, H: int, gates: tuple[str, ...],
                 rtol: float, atol: float) -> tuple[str, ...]:
    """The gate blocks (H-wide slices of the last axis) that break the agreement rule on their own."""
    names = []
    for k, name in enumerate(gates):
        block = (..., slice(k * H, (k + 1) * H))
        if not agree(actual[block], expected[block], rtol, atol).ok:
            names.append(name)
    return tuple(names)


@dataclass(frozen=True)
class Check:
    """One trace entry compared. status: agree | diverge | shape | missing."""

    entry: Entry
    status: str
    max_abs: float | None = None
    bound: float | None = None
    scaled: float | None = None  # max|a - e| / max|e|: the slice's relative error
    worst: tuple[int, ...] | None = None
    expected: float | None = None
    actual: float | None = None
    rel: float | None = None  # |a - e| / |e| at the worst element
    note: str = ""
    gate: str = ""  # for a gate-blocked tensor: where the worst element is, e.g. "gate f, unit 2"
    blocks: tuple[str, ...] = ()  # for a gate-blocked tensor: the gate blocks that diverge


@dataclass
class Comparison:
    checks: list[Check]
    first: Check | None = None
    kind: str | None = None
    agreeing: str = ""
    not_provided: list[str] = field(default_factory=list)
    same_step: list[Check] = field(default_factory=list)  # every check diverging where the first does
    next_step: str = ""  # in words: does the next step in the trace still agree?
    result: Any = field(default=None, repr=False)  # what was compared (kept for the diagnosis)
    diagnosis: Any = field(default=None, repr=False)  # conformance.diagnose.Diagnosis, once made

    @property
    def ok(self) -> bool:
        return self.first is None


def fetch_actual(result: Any, entry: Entry, whole_expected: Any) -> tuple[Any, str]:
    """The actual value of one entry, or (None, reason) when absent or misshapen."""
    try:
        whole = lookup(result, Entry(entry.phase, None, entry.name) if entry.phase != "optimizer" else entry)
    except (KeyError, IndexError, TypeError):
        return None, "missing"
    if whole is None:
        return None, "missing"
    a, e = np.asarray(whole, dtype=float), np.asarray(whole_expected)
    if a.shape != e.shape and not (a.size == 1 and e.size == 1):
        return None, f"shape {a.shape} where {e.shape} was expected"
    a = a.reshape(e.shape)
    if entry.phase in ("forward", "backward") and entry.step is not None:
        a = a[entry.step]
    return a, ""


def check_entry(result: Any, expected: dict, entry: Entry, rtol: float, atol: float,
                gates: tuple[str, ...] = GATES[DEFAULT_CELL]) -> Check:
    """Compare one trace entry with the agreement rule of fixtures/README.md."""
    whole_e = lookup(expected, Entry(entry.phase, None, entry.name) if entry.phase != "optimizer" else entry)
    try:
        actual, why = fetch_actual(result, entry, whole_e)
    except (ValueError, TypeError) as err:  # not numeric
        actual, why = None, f"not a numeric array ({err})"
    if actual is None:
        return Check(entry, "missing" if why == "missing" else "shape", note="" if why == "missing" else why)
    e = lookup(expected, entry)
    ag = agree(actual, e, rtol, atol)
    top = float(np.max(np.abs(e), initial=0.0))
    scaled = ag.max_abs / top if top else (0.0 if ag.max_abs == 0 else float("inf"))
    note = "NaN in the result" if np.isnan(ag.actual) else ""
    gate, blocks = "", ()
    H = np.shape(expected["forward"]["h"])[-1]
    e = np.asarray(e, dtype=float)
    if not ag.ok and entry.name in GATED and e.ndim and e.shape[-1] == len(gates) * H and len(gates) > 1:
        gate = gate_unit(ag.worst[-1], H, gates)
        blocks = wrong_blocks(np.asarray(actual, dtype=float), e, H, gates, rtol, atol)
    return Check(entry, "agree" if ag.ok else "diverge", ag.max_abs, ag.bound, scaled, ag.worst,
                 ag.expected, ag.actual, ag.rel, note, gate, blocks)


def compare(result: Any, expected: dict, tolerance: dict, gates: tuple[str, ...] = GATES[DEFAULT_CELL]) -> Comparison:
    """Check every tensor of ``expected`` in trace order against ``result`` (shaped like it).

    ``gates``: the gate names of the cell, in the order of the column blocks of W, U, b.
    """
    rtol, atol = tolerance["rtol"], tolerance["atol"]
    checks = [check_entry(result, expected, e, rtol, atol, gates) for e in trace_order(expected)]
    out = Comparison(checks, not_provided=_missing(checks), result=result)
    bad = [k for k, c in enumerate(checks) if c.status in ("diverge", "shape")]
    if bad:
        out.first = checks[bad[0]]
        out.kind = _kind(checks, bad[0])
        out.agreeing = agreeing_summary(checks, bad[0])
        out.same_step = [checks[k] for k in bad if _place(checks[k].entry) == _place(out.first.entry)]
        out.next_step = next_step_summary(checks, bad[0])
    return out


def _place(entry: Entry) -> tuple[str, int | None]:
    """Where an entry is computed: (phase, step); whole-sequence tensors of a phase share one place."""
    return entry.phase, entry.step


def _bad(c: Check) -> bool:
    return c.status in ("diverge", "shape")


def next_step_summary(checks: list[Check], k: int) -> str:
    """After the first divergence: does the next step in the trace still agree, or is everything downstream wrong?

    'the next step in the trace, t=2, agrees: only t=3 is wrong' /
    'the next step in the trace, t=2, diverges too (dh, do, dc): the error propagates; 40 of 41 later tensors diverge'.
    """
    first = checks[k].entry
    per_step = first.step is not None and first.phase != "grads"
    later = [c for c in checks[k + 1:] if c.status != "missing" and not (per_step and _place(c.entry) == _place(first))]
    n_bad = sum(_bad(c) for c in later)
    tail = f"{n_bad} of {len(later)} later tensors diverge" if later else "nothing is compared after it"
    if not per_step:
        return tail
    nxt = [c for c in later if c.entry.phase == first.phase and c.entry.step is not None]
    if not nxt:
        return f"no later step in {first.phase}; {tail}"
    step = nxt[0].entry.step
    at_next = [c for c in nxt if c.entry.step == step]
    word = "update" if first.phase == "optimizer" else "t"
    wrong = [c.entry.name for c in at_next if _bad(c)]
    if not wrong:
        return f"the next step in the trace, {word}={step}, agrees: only {word}={first.step} is wrong; {tail}"
    return (f"the next step in the trace, {word}={step}, diverges too ({', '.join(wrong)}): "
            f"the error propagates; {tail}")


def _missing(checks: list[Check]) -> list[str]:
    """Names of the tensors not provided, e.g. 'backward.dx' (once per tensor)."""
    names = [f"{c.entry.phase}.{c.entry.name}" for c in checks if c.status == "missing"]
    return list(dict.fromkeys(names))


def _kind(checks: list[Check], k: int) -> str:
    entry = checks[k].entry
    if entry.phase == "grads":
        steps_missing = any(c.status == "missing" for c in checks if c.entry.phase == "backward")
        return "gradient" if steps_missing else "accumulation"
    if entry.phase == "optimizer":
        return "optimizer"
    return "sequence" if entry.step is None else "step"


def _within_phase(before: list[Check], first: Entry) -> list[str]:
    """Runs of agreeing entries of the failing phase, as text: 'dlogits agree', 't=5..3 agree', 'at t=2: dh agree'."""
    runs: list[tuple[int | None, list[str]]] = []
    for c in before:
        if runs and runs[-1][0] == c.entry.step:
            runs[-1][1].append(c.entry.name)
        else:
            runs.append((c.entry.step, [c.entry.name]))
    word = "update" if first.phase == "optimizer" else "t"
    parts, steps = [], []
    for step, names in runs + [(None, [])]:
        if step is not None and (step != first.step or first.step is None):
            steps.append(step)
            continue
        if steps:
            span = f"{word}={steps[0]}" if len(steps) == 1 else f"{word}={steps[0]}..{steps[-1]}"
            parts.append(f"{first.phase} {span} agree")
            steps = []
        if names and step is not None:
            parts.append(f"at {word}={step}: {', '.join(names)} agree")
        elif names:
            parts.append(f"{', '.join(names)} agree")
    return parts


def agreeing_summary(checks: list[Check], k: int) -> str:
    """What still agrees before checks[k], e.g. 'forward all agree; backward t=5..3 agree; at t=2: dh agree'."""
    first = checks[k].entry
    parts = []
    for phase in PHASES[: PHASES.index(first.phase)]:
        mine = [c for c in checks if c.entry.phase == phase]
        missing = sum(c.status == "missing" for c in mine)
        if mine:
            parts.append(f"{phase} all agree" + (f" ({missing} not provided)" if missing else ""))
    before = [c for c in checks[:k] if c.entry.phase == first.phase and c.status == "agree"]
    parts += _within_phase(before, first)
    if first.phase == "grads":
        steps_missing = any(c.status == "missing" for c in checks if c.entry.phase == "backward")
        parts.append("some per-step tensors not provided: cannot tell a step error from an accumulation error"
                     if steps_missing else "every per-step tensor agrees: the sum over steps is wrong")
    return "; ".join(parts) or "nothing before it"
