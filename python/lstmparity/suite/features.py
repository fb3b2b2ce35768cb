"""What a case exercises, as a list of feature names (shared vocabulary of the runner and the docs).

The names, in this order:

* ``cell:<name>`` — ``config.cell`` (``lstm`` when absent, ``gru``, ``rnn``);
* ``embedding`` — token ids through ``E`` (``config.V`` not null);
* ``mask`` — ``inputs.mask`` present with at least one padded (0) step;
* ``initial_state`` — ``inputs.h0`` or ``inputs.c0`` present;
* ``head:<name>`` — ``config.head`` (``none``, ``many_to_many_softmax``, ``many_to_one_sigmoid``,
  ``many_to_one_softmax``);
* ``optimizer:<name>`` — ``optimizer.name`` (``sgd``, ``adam``) when the case has optimizer steps;
* ``clip`` — a ``clip`` setting (only meaningful with an optimizer).

An adapter that declares it cannot do one of these is skipped on the cases that need it (an
adapter runs the LSTM unless it declares its cells: see lstmparity.conformance.declare).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmparity.core.spec import DEFAULT_CELL

FEATURES = ("cell", "embedding", "mask", "initial_state", "head", "optimizer", "clip")


def case_features(case: dict[str, Any]) -> list[str]:
    """The features of a parsed (or raw JSON) case, in the order above."""
    config, inputs = case.get("config", {}), case.get("inputs", {})
    out = [f"cell:{config.get('cell') or DEFAULT_CELL}"]
    if config.get("V") is not None:
        out.append("embedding")
    mask = inputs.get("mask")
    if mask is not None and np.any(np.asarray(mask, dtype=float) == 0):
        out.append("mask")
    if inputs.get("h0") is not None or inputs.get("c0") is not None:
        out.append("initial_state")
    out.append(f"head:{config.get('head', 'none')}")
    if case.get("optimizer"):
        out.append(f"optimizer:{case['optimizer'].get('name')}")
    if case.get("clip"):
        out.append("clip")
    return out
