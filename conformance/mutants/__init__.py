"""The mutation catalogue: named backprop bugs, each in Python (here) and in R (``*.R`` next to this file).

A mutant is the reference run with one building block of ``Ops`` (Python) or
``reference_ops()`` (R) swapped for a buggy copy. ``catalogue.json`` records,
for each: a description, where the bug is seen, the fixture to run it on and
where the runner must first see it (phase, tensor, step).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from lstmparity.model import REFERENCE_OPS, Ops

from . import backward as bw
from . import blocks
from . import forward as fw

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")


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


def catalogue() -> dict[str, Mutant]:
    """Every mutant of catalogue.json, by name, in catalogue order."""
    rows = json.loads(CATALOGUE_PATH.read_text("utf-8"))["mutants"]
    return {r["name"]: Mutant(r["name"], r["description"], r["where_seen"], r["fixture"], tuple(r["blocks"]),
                              r["first"]["phase"], r["first"]["tensor"], r["first"]["step"]) for r in rows}


def _weight_grads_from_h_t(case: dict) -> Ops:
    step_forward, param_grads = blocks.weight_grads_from_h_t(case["config"]["T"])
    return replace(REFERENCE_OPS, step_forward=step_forward, param_grads=param_grads)


def _clip_per_step(case: dict) -> Ops:
    T, B = case["config"]["T"], case["config"]["B"]
    param_grads, clip = blocks.clip_per_step(case.get("clip") or {}, T, B)
    return replace(REFERENCE_OPS, param_grads=param_grads, clip_grads=clip)


def _sigmoid_grad_on_preactivation(case: dict) -> Ops:
    z_seen: list = []  # z of every step of the current forward pass
    return replace(REFERENCE_OPS, step_forward=fw.recording_z(case["config"]["T"], z_seen),
                   local_grads=bw.sigmoid_grad_on_preactivation(z_seen))


def _swap(**blocks_: Callable) -> Callable[[dict], Ops]:
    return lambda case: replace(REFERENCE_OPS, **blocks_)


PYTHON: dict[str, Callable[[dict], Ops]] = {
    "tanh_on_cell_grad": _swap(step_backward=bw.tanh_on_cell_grad),
    "matmul_for_elementwise": _swap(step_backward=bw.matmul_for_elementwise),
    "carry_without_forget_gate": _swap(step_backward=bw.carry_without_forget_gate),
    "next_cell_grad_dropped": _swap(step_backward=bw.next_cell_grad_dropped),
    "sigmoid_grad_on_preactivation": _sigmoid_grad_on_preactivation,
    "cell_state_for_previous": _swap(local_grads=bw.cell_state_for_previous),
    "weight_grads_from_h_t": _weight_grads_from_h_t,
    "tanh_prime_dropped": _swap(local_grads=bw.tanh_prime_dropped),
    "gates_swapped": _swap(step_forward=fw.gates_swapped),
    "clip_per_step": _clip_per_step,
    "adam_no_bias_correction": _swap(optimizer_step=blocks.optimizer_step_no_bias_correction),
    "label_at_every_step": _swap(head_forward=blocks.head_forward_every_step,
                                 head_backward=blocks.label_at_every_step),
    "mask_ignored": _swap(local_grads=bw.mask_ignored),
    "input_gate_added": _swap(step_forward=fw.input_gate_added),
}


def python_ops_factory(name: str) -> Callable[[dict], Ops]:
    """case -> Ops of the named mutant. KeyError naming the known mutants if there is none."""
    if name not in PYTHON:
        raise KeyError(f"no mutant {name!r}; known: {', '.join(PYTHON)}")
    return PYTHON[name]
