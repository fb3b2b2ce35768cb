"""Record tensors inside your own loops, one line each, instead of assembling (T, B, H) arrays (R: R/record.R).

    rec = new_recording()
    for t in range(T):
        ...
        record(rec, "i", t, i)          # (B, H) at step t
        record(rec, "c", t, c)
    record(rec, "dh0", None, dh_next)  # a tensor of the whole sequence: t = None
    return rec                          # the conformance runner calls recording_result()

Names are those of a fixture's ``expected`` (``i``, ``dh``, ``dW``, ``loss``, ...);
the phase comes from the name, or is given: ``"grads.W_i"`` (a gradient in a
declared layout). Steps start at ``step_base`` (0 here; R's default is 1).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmparity.core.trace import BACKWARD_STEP, FORWARD_STEP, GRADS

PHASE_OF = {**{n: "forward" for n in (*FORWARD_STEP, "logits", "loss")},
            **{n: "backward" for n in (*BACKWARD_STEP, "dlogits", "dh0", "dc0")},
            **{n: "grads" for n in GRADS}}
PER_STEP = set(FORWARD_STEP) | set(BACKWARD_STEP)


@dataclass
class Recording:
    """What :func:`record` collected: values[(phase, name)][t] (t None for a whole-sequence tensor)."""

    values: dict[tuple[str, str], dict[int | None, np.ndarray]] = field(default_factory=dict)


def new_recording() -> Recording:
    """An empty recording."""
    return Recording()


def _phase_name(name: str) -> tuple[str, str]:
    if "." in name:
        phase, _, short = name.partition(".")
        if phase not in ("forward", "backward", "grads"):
            raise ValueError(f"record(): {name!r}: the phase must be forward, backward or grads")
        return phase, short
    if name not in PHASE_OF:
        close = difflib.get_close_matches(name, list(PHASE_OF), n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"record(): unknown tensor {name!r}{hint} (a layout's gradient: 'grads.W_i')")
    return PHASE_OF[name], name


def record(rec: Recording, name: str, t: int | None, value: Any) -> None:
    """Keep a copy of ``value``: tensor ``name`` at step ``t`` (None for a tensor of the whole sequence)."""
    phase, short = _phase_name(name)
    if t is not None and short not in PER_STEP and phase != "grads":
        raise ValueError(f"record(): {name!r} is not a per-step tensor; pass t = None")
    steps = rec.values.setdefault((phase, short), {})
    if t in steps:
        raise ValueError(f"record(): {name!r} at t = {t} recorded twice")
    steps[None if t is None else int(t)] = np.array(value, copy=True)


def recording_result(rec: Recording, step_base: int = 0) -> dict[str, Any]:
    """The recording as a result shaped like ``expected``: per-step values stacked to (T, B, ...).

    ValueError if a per-step tensor misses a step (steps run from ``step_base`` without gaps).
    """
    out: dict[str, Any] = {"forward": {}, "backward": {}, "grads": {}}
    for (phase, name), steps in rec.values.items():
        if None in steps:
            if len(steps) > 1:
                raise ValueError(f"record(): {name!r} recorded both with and without t")
            out[phase][name] = steps[None]
            continue
        ts = sorted(steps)
        want = list(range(step_base, step_base + len(ts)))
        if ts[0] < step_base:
            raise ValueError(f"record(): {name!r} at t = {ts[0]}, before the first step {step_base} "
                             "(an adapter counting steps from 0 declares step_base = 0)")
        if ts != want:
            gaps = sorted(set(range(step_base, max(ts) + 1)) - set(ts))
            raise ValueError(f"record(): {name!r}: steps {ts[0]}..{ts[-1]} recorded with t = "
                             f"{', '.join(map(str, gaps))} missing (steps start at {step_base})")
        out[phase][name] = np.stack([steps[t] for t in ts])
    return out
