"""The trace order and the agreement rule (see fixtures/README.md).

The trace is the list of (phase, step, name) in the order the tensors are
computed; ``step`` is the time step for per-step tensors, the update number
(1-based) for the optimiser phase, and None otherwise. The order itself is data:
the ``trace`` column of spec/tensors.json (:func:`lstmparity.core.spec.trace_blocks`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from lstmparity.core.spec import param_order, per_step_names, trace_blocks

FORWARD_STEP = per_step_names("forward")  # x, i, f, g, o, c, h
BACKWARD_STEP = per_step_names("backward")  # dh, do, dc, di, df, dg, dx
GRADS = tuple(n for b in trace_blocks() if b.phase == "grads" for n in b.names)  # dWy, dby, dW, dU, db, dE
PARAMS = param_order()  # E, W, U, b, Wy, by


class Entry(NamedTuple):
    phase: str  # "forward", "backward", "grads" or "optimizer"
    step: int | None
    name: str


def trace_order(expected: dict[str, Any]) -> list[Entry]:
    """Every tensor that ``expected`` (a fixture's expected section) holds, in computation order."""
    T = np.shape(expected["forward"]["h"])[0]
    order: list[Entry] = []
    for block in trace_blocks():
        if block.phase == "optimizer":
            for k, step in enumerate(expected.get("optimizer_steps", []), start=1):
                order += [Entry("optimizer", k, n) for n in block.names if n == "loss" or n in step["params"]]
            continue
        held = expected.get(block.phase, {})
        names = [n for n in block.names if n in held]
        if not block.per_step:
            order += [Entry(block.phase, None, n) for n in names]
            continue
        steps = range(T) if block.phase == "forward" else reversed(range(T))
        order += [Entry(block.phase, t, n) for t in steps for n in names]
    return order


def lookup(result: dict[str, Any], entry: Entry) -> Any:
    """The value of one trace entry in a result shaped like ``expected``; KeyError if absent."""
    phase, step, name = entry
    if phase == "optimizer":
        s = result["optimizer_steps"][step - 1]
        return s["loss"] if name == "loss" else s["params"][name]
    value = result[phase][name]
    per_step = (phase == "forward" and name in FORWARD_STEP) or (phase == "backward" and name in BACKWARD_STEP)
    return np.asarray(value)[step] if per_step and step is not None else value


class Agreement(NamedTuple):
    ok: bool
    max_abs: float  # max |actual - expected|
    bound: float  # atol + rtol * max |expected|
    worst: tuple[int, ...]  # index of the element with the largest |actual - expected|
    expected: float
    actual: float

    @property
    def rel(self) -> float:
        """|actual - expected| / |expected| at the worst element (inf when expected is 0)."""
        return self.max_abs / abs(self.expected) if self.expected else (0.0 if not self.max_abs else float("inf"))


def agree(actual: Any, expected: Any, rtol: float, atol: float) -> Agreement:
    """Apply the rule max|a - e| <= atol + rtol * max|e| to one tensor or step slice."""
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise ValueError(f"shape {a.shape} where {e.shape} was expected")
    diff = np.abs(a - e)
    diff = np.where(np.isnan(diff), np.inf, diff)  # NaN never agrees
    worst = np.unravel_index(int(np.argmax(diff)), e.shape) if e.size else ()
    max_abs = float(diff[worst]) if e.size else 0.0
    bound = atol + rtol * float(np.max(np.abs(e), initial=0.0))
    return Agreement(max_abs <= bound, max_abs, bound, tuple(int(i) for i in worst),
                     float(e[worst]) if e.size else 0.0, float(a[worst]) if e.size else 0.0)
