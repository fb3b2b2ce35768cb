"""The tensor spec (spec/tensors.json): names, shapes, presence and trace order of every tensor, as data.

One row per tensor or parameter (see spec/README.md for the columns and the math).
Everything else derives from it: the shapes a case must have (:func:`shapes`), the
trace order (:func:`trace_blocks`), the parameter order (:func:`param_order`), the
``expected`` and ``layer_inputs`` parts of the case schema (:func:`schema_parts`) and
the tensor tables of the docs (:func:`tensor_table`). R reads the same file
(R/spec.R). The package ships a copy (``lstmparity/tensors.json``; R: ``inst/spec/``)
that :mod:`lstmparity.suite.generate` writes and a test keeps current.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

SPEC_FILE = "tensors.json"
DEFAULT_CELL = "lstm"


@lru_cache(maxsize=1)
def _load() -> str:
    return resources.files(__package__).joinpath(SPEC_FILE).read_text("utf-8")


def spec() -> dict[str, Any]:
    """The decoded spec (a fresh copy: callers may change it)."""
    return json.loads(_load())


def rows(phase: str | None = None) -> list[dict[str, Any]]:
    """The tensor rows, in file order; only those of ``phase`` when given."""
    return [r for r in spec()["tensors"] if phase is None or r["phase"] == phase]


def applies(row: dict[str, Any], config: dict[str, Any]) -> bool:
    """Whether a case with this config has the row's tensor (cell, embedding, head)."""
    cell = config.get("cell") or DEFAULT_CELL
    if row["cell"] != "any" and row["cell"] != cell:
        return False
    if row["embedding"] is not None and row["embedding"] != (config.get("V") is not None):
        return False
    return row["heads"] is None or config["head"] in row["heads"]


def dims(row: dict[str, Any], config: dict[str, Any]) -> tuple[int, ...]:
    """The row's symbolic dims evaluated for a config: ``GH`` is the cell's gate count times H."""
    gates = len(spec()["cells"][config.get("cell") or DEFAULT_CELL]["gates"])
    return tuple(gates * config["H"] if d == "GH" else config[d] for d in row["dims"])


def _json_phase(phase: str) -> str:
    return f"expected.{phase}" if phase in ("forward", "backward", "grads") else phase


def shapes(config: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Shape of every array a case with this config may hold, by JSON path (``params.W``,
    ``expected.forward.h``, ``layer_inputs.dh_head``; optimizer steps use the ``params.*`` shapes)."""
    return {f"{_json_phase(r['phase'])}.{r['name']}": dims(r, config)
            for r in rows() if r["phase"] != "optimizer" and applies(r, config)}


def required(config: dict[str, Any]) -> list[str]:
    """JSON paths a case with this config must hold (parameters and the non-optional inputs)."""
    return [f"{r['phase']}.{r['name']}" for r in rows() if r["required"] and applies(r, config)]


def int_fields() -> set[str]:
    """JSON paths holding integer ids (tokens, class targets)."""
    return {f"{r['phase']}.{r['name']}" for r in rows() if r["dtype"] == "int"}


def param_order() -> tuple[str, ...]:
    """The parameters in canonical order (E, W, U, b, b_hn, Wy, by)."""
    return tuple(dict.fromkeys(r["name"] for r in rows("params")))


class Block(NamedTuple):
    """A run of consecutive trace positions of one phase: per-step blocks loop over t inside."""

    phase: str
    per_step: bool
    names: tuple[str, ...]


def trace_blocks(cell: str | None = None) -> list[Block]:
    """The trace order as blocks: forward steps t = 0..T-1, backward steps t = T-1..0,
    optimizer blocks once per update. Names within a block are in trace position order.

    cell: None for the tensors of every cell together (a case holds those of its own cell, and the
    order of one cell is this one with the others' left out); "lstm", "gru", "rnn" for one cell's."""
    traced = sorted((r for r in rows() if r["trace"] is not None and (cell is None or r["cell"] in ("any", cell))),
                    key=lambda r: r["trace"])
    blocks: list[Block] = []
    for r in traced:
        last = blocks[-1] if blocks else None
        if last and last.phase == r["phase"] and last.per_step == r["per_step"]:
            if r["name"] not in last.names:
                blocks[-1] = last._replace(names=last.names + (r["name"],))
        else:
            blocks.append(Block(r["phase"], r["per_step"], (r["name"],)))
    return blocks


def per_step_names(phase: str, cell: str | None = None) -> tuple[str, ...]:
    """Names of the per-step tensors of a phase, in trace order, of every cell or of one
    (forward of the lstm: x, i, f, g, o, c, h)."""
    return tuple(n for b in trace_blocks(cell) if b.phase == phase and b.per_step for n in b.names)


# --- the case schema's generated parts -------------------------------------------------------

_RANK_DEF = {0: {"type": "number"}, 1: {"$ref": "#/$defs/vector"}, 2: {"$ref": "#/$defs/matrix"},
             3: {"$ref": "#/$defs/array3"}}


def _property(phase_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The schema of one name (all its rows: a name may have another rank under another head)."""
    ranks = sorted({len(r["dims"]) for r in phase_rows})
    meaning = "; ".join(dict.fromkeys(r["meaning"] for r in phase_rows))
    dims = " or ".join(dict.fromkeys("(" + ", ".join(r["dims"]) + ")" for r in phase_rows))
    body = dict(_RANK_DEF[ranks[0]]) if len(ranks) == 1 else {"anyOf": [_RANK_DEF[k] for k in ranks]}
    return {**body, "description": f"{dims} {meaning}" if dims != "()" else meaning}


def _object(phase: str) -> dict[str, Any]:
    names: dict[str, list[dict[str, Any]]] = {}
    for r in rows(phase):
        names.setdefault(r["name"], []).append(r)
    return {"type": "object", "additionalProperties": False,
            "properties": {n: _property(rs) for n, rs in names.items()}}


def params_properties() -> dict[str, Any]:
    """The case schema's ``params`` properties: every parameter of the spec (any cell), by rank."""
    return {name: dict(_RANK_DEF[len(rs[0]["dims"])]) for name, rs in _by_name(rows("params")).items()}


def _by_name(phase_rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    names: dict[str, list[dict[str, Any]]] = {}
    for r in phase_rows:
        names.setdefault(r["name"], []).append(r)
    return names


def schema_parts() -> dict[str, Any]:
    """The ``expected`` and ``layer_inputs`` properties of the case schema, closed, from the spec."""
    step = _object("optimizer")
    loss = step["properties"].pop("loss")
    params = {"type": "object", "additionalProperties": False, "properties": step["properties"]}
    expected = {
        "type": "object", "additionalProperties": False, "required": ["forward", "backward", "grads"],
        "properties": {
            "forward": _object("forward"), "backward": _object("backward"), "grads": _object("grads"),
            "optimizer_steps": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["loss", "params"],
                "properties": {"loss": loss, "params": params}}},
        },
    }
    layer = _object("layer_inputs")
    layer["required"] = [r["name"] for r in rows("layer_inputs")]
    layer["description"] = spec()["phases"]["layer_inputs"]
    return {"layer_inputs": layer, "expected": expected}


# --- docs -------------------------------------------------------------------------------------

def _when(r: dict[str, Any]) -> str:
    parts = []
    if r["cell"] != "any":
        parts.append(f"cell {r['cell']}")
    if r["embedding"] is not None:
        parts.append("with embedding" if r["embedding"] else "without embedding")
    if r["heads"] is not None:
        parts.append("head " + " / ".join(f"`{h}`" for h in r["heads"]))
    if r["phase"] == "optimizer":
        parts.insert(0, "with optimizer")
    if not r["required"] and r["phase"] in ("inputs", "layer_inputs"):
        parts.append("optional")
    return ", ".join(parts) or "always"


def tensor_table(phases: tuple[str, ...] | None = None) -> str:
    """A Markdown table of the spec's rows (all phases, or those given), in file order."""
    head = "| phase | name | dims | per step | present | trace | meaning |\n|---|---|---|---|---|---|---|\n"
    lines = []
    for r in rows():
        if phases is not None and r["phase"] not in phases:
            continue
        shape = "(" + ", ".join(r["dims"]) + ")" if r["dims"] else "scalar"
        trace = "" if r["trace"] is None else str(r["trace"])
        lines.append(f"| {r['phase']} | `{r['name']}` | {shape} | {'yes' if r['per_step'] else ''} | "
                     f"{_when(r)} | {trace} | {r['meaning']} |")
    return head + "\n".join(lines) + "\n"


def trace_text(cell: str | None = None) -> str:
    """The trace order in words (one line per phase), from :func:`trace_blocks`."""
    out: dict[str, list[str]] = {}
    for b in trace_blocks(cell):
        names = ", ".join(f"`{n}`" for n in b.names)
        if b.per_step:
            steps = "t = 0 .. T-1" if b.phase == "forward" else "t = T-1 .. 0"
            out.setdefault(b.phase, []).append(f"for {steps}: {names}")
        else:
            out.setdefault(b.phase, []).append(names)
    lead = {"optimizer": "for k = 1 .. steps: "}
    return "\n".join(f"{k}. **{phase}**: {lead.get(phase, '')}" + "; then ".join(parts)
                     for k, (phase, parts) in enumerate(out.items(), start=1)) + "\n"
