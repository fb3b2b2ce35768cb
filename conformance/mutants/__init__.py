"""The mutation catalogue: named backprop bugs, each in Python (``*.py`` here) and in R (``*.R`` next to this file).

A mutant is the reference run with one building block of ``Ops`` (Python) or
``reference_ops()`` (R) swapped for a buggy copy. ``catalogue.json`` is the one
place a mutant is registered: for each, a description, where the bug is seen,
the fixture to run it on, where the runner must first see it (phase, tensor,
step), how it is diagnosed, and under ``ops`` the replacement function of each
block in each language. Python builds its Ops here from ``ops.python``, R in
``ops.R`` from ``ops.r``:

* ``"backward.tanh_on_cell_grad"`` (Python: module.function; R: function): the block itself;
* ``"blocks.clip_per_step(case)"``: a factory called once per run with the case,
  returning the blocks by name (for blocks that need what their signature does
  not carry, or that share state with another block).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from lstmparity.core.model import Ops, reference_ops

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
FACTORY = "(case)"  # a reference ending in this is a factory of blocks, called with the case


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    where_seen: str
    fixture: str
    blocks: tuple[str, ...]
    phase: str  # where the runner must first see it
    tensor: str
    step: int | None
    ops: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)  # language -> block -> function
    cell: str = "lstm"  # whose blocks it replaces (its fixture is of this cell)


def catalogue() -> dict[str, Mutant]:
    """Every mutant of catalogue.json, by name, in catalogue order."""
    rows = json.loads(CATALOGUE_PATH.read_text("utf-8"))["mutants"]
    return {r["name"]: Mutant(r["name"], r["description"], r["where_seen"], r["fixture"], tuple(r["ops"]["python"]),
                              r["first"]["phase"], r["first"]["tensor"], r["first"]["step"], r["ops"],
                              r.get("cell", "lstm"))
            for r in rows}


def resolve(reference: str) -> Callable:
    """'backward.tanh_on_cell_grad' -> that function of conformance.mutants.backward (a trailing '(case)' ignored)."""
    module, _, name = reference.removesuffix(FACTORY).rpartition(".")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def build_ops(m: Mutant, case: dict) -> Ops:
    """The reference Ops of the mutant's cell with its Python blocks swapped in, for one run of ``case``."""
    made: dict[str, Any] = {}  # factory -> the blocks it made for this run (called once)
    swapped = {}
    for block, reference in m.ops["python"].items():
        if reference.endswith(FACTORY):
            if reference not in made:
                made[reference] = resolve(reference)(case)
            swapped[block] = made[reference][block]
        else:
            swapped[block] = resolve(reference)
    return reference_ops(m.cell, **swapped)


PYTHON: dict[str, Callable[[dict], Ops]] = {name: partial(build_ops, m) for name, m in catalogue().items()}


def python_ops_factory(name: str) -> Callable[[dict], Ops]:
    """case -> Ops of the named mutant. KeyError naming the known mutants if there is none."""
    if name not in PYTHON:
        raise KeyError(f"no mutant {name!r}; known: {', '.join(PYTHON)}")
    return PYTHON[name]
