"""The trace order and the agreement rule (see fixtures/README.md).

The trace is the list of (phase, step, name) in the order the tensors are
computed; ``step`` is the time step for per-step tensors, the update number
(1-based) for the optimiser phase, and None otherwise.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

FORWARD_STEP = ("x", "i", "f", "g", "o", "c", "h")
BACKWARD_STEP = ("dh", "do", "dc", "di", "df", "dg", "dx")
GRADS = ("dWy", "dby", "dW", "dU", "db", "dE")
PARAMS = ("E", "W", "U", "b", "Wy", "by")


class Entry(NamedTuple):
    phase: str  # "forward", "backward", "grads" or "optimizer"
    step: int | None
    name: str


def trace_order(expected: dict[str, Any]) -> list[Entry]:
    """Every tensor that ``expected`` (a fixture's expected section) holds, in computation order."""
    fwd, bwd = expected["forward"], expected["backward"]
    T = np.shape(fwd["h"])[0]
    order = [Entry("forward", t, n) for t in range(T) for n in FORWARD_STEP if n in fwd]
    order += [Entry("forward", None, n) for n in ("logits", "loss") if n in fwd]
    order += [Entry("backward", None, "dlogits")] if "dlogits" in bwd else []
    order += [Entry("backward", t, n) for t in reversed(range(T)) for n in BACKWARD_STEP if n in bwd]
    order += [Entry("backward", None, n) for n in ("dh0", "dc0") if n in bwd]
    order += [Entry("grads", None, n) for n in GRADS if n in expected["grads"]]
    for k, step in enumerate(expected.get("optimizer_steps", []), start=1):
        order += [Entry("optimizer", k, "loss")]
        order += [Entry("optimizer", k, n) for n in PARAMS if n in step["params"]]
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
