"""The whole model: [embedding] -> recurrent layer (LSTM, GRU or RNN) -> [dense head + loss], forward and backward.

``config`` holds the sizes, the head and the cell: {"T", "B", "D", "H", "V", "K", "head"}, and
optionally "cell" ("lstm" when absent, "gru", "rnn") and the GRU's "reset_after" (default True)
(V is None without an embedding, K is None for head "none").
``params`` holds E (V, D), W (D, GH), U (H, GH), b (GH,), the GRU's b_hn (H,), Wy (H, K), by (K,)
as present (GH: the cell's gate count times H: 4H, 3H, H).
``inputs`` holds x (T, B, D) or tokens (T, B), and optionally h0, c0 (the LSTM's) (B, H),
mask (T, B), targets, proj (T, B, H).

The layer is the cell's, reached through the registry (:mod:`lstmparity.core.cells`). The building
blocks a run uses are collected in :class:`Ops`, passed explicitly (no global state): the
mutation catalogue swaps one block for a buggy copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmparity.core.cell import lstm_local_grads, lstm_step_backward, lstm_step_forward
from lstmparity.core.cells import cell_of, get_cell
from lstmparity.core.embedding import embedding_backward, embedding_forward
from lstmparity.core.heads import head_backward, head_forward
from lstmparity.core.layer import lstm_param_grads
from lstmparity.core.optim import PARAM_ORDER, clip_grads, optimizer_step


@dataclass(frozen=True)
class Ops:
    """The replaceable building blocks of one run (see conformance/mutants). The four layer blocks are
    those of ``cell`` (:func:`reference_ops` builds them for any cell); the defaults are the LSTM's."""

    step_forward: Callable = lstm_step_forward
    local_grads: Callable = lstm_local_grads
    step_backward: Callable = lstm_step_backward
    param_grads: Callable = lstm_param_grads
    head_forward: Callable = head_forward
    head_backward: Callable = head_backward
    clip_grads: Callable = clip_grads
    optimizer_step: Callable = optimizer_step
    cell: str = "lstm"


def reference_ops(cell: str = "lstm", **replace: Callable) -> Ops:
    """The reference blocks of ``cell`` ("lstm", "gru", "rnn"), with the blocks named in ``replace`` swapped in."""
    unknown = sorted(set(replace) - set(Ops.__dataclass_fields__) | ({"cell"} & set(replace)))
    if unknown:
        blocks = [f for f in Ops.__dataclass_fields__ if f != "cell"]
        raise ValueError(f"reference_ops(): unknown block(s) {', '.join(unknown)}; expected names among "
                         f"{', '.join(blocks)}")
    return Ops(**{**get_cell(cell).blocks, **replace, "cell": cell})


REFERENCE_OPS = reference_ops("lstm")


def ops_for(ops: Ops | None, config: dict) -> Ops:
    """The ops of a run of ``config``: the reference ops of its cell when ``ops`` is None; ValueError when
    ``ops`` were built for another cell (their blocks would not fit the layer)."""
    cell = cell_of(config)
    if ops is None:
        return reference_ops(cell)
    if ops.cell != cell:
        raise ValueError(f"ops: built for the {ops.cell} cell, but config['cell'] is {cell}; "
                         f"use reference_ops({cell!r}, ...)")
    return ops


@dataclass
class ModelCache:
    config: dict
    inputs: dict
    layer: Any
    head: Any
    extra: dict = field(default_factory=dict)


def init_params(config: dict, seed: int = 0, scale: float | None = None) -> dict[str, np.ndarray]:
    """Random parameters, uniform in [-s, s] with s = 1/sqrt(H) (PyTorch's nn.LSTM, nn.GRU, nn.RNN default);
    E standard normal. The layer's are the cell's: W (D, GH), U (H, GH), b (GH,) and the GRU's b_hn (H,)."""
    rng = np.random.default_rng(seed)
    D, H, V, K = config["D"], config["H"], config.get("V"), config.get("K")
    s = 1.0 / np.sqrt(H) if scale is None else scale
    cell = get_cell(cell_of(config))
    GH = cell.gate_count * H
    p = {}
    if V:
        p["E"] = rng.standard_normal((V, D))
    p["W"] = rng.uniform(-s, s, (D, GH))
    p["U"] = rng.uniform(-s, s, (H, GH))
    p["b"] = rng.uniform(-s, s, GH)
    if "b_hn" in cell.params:
        p["b_hn"] = rng.uniform(-s, s, H)
    if config["head"] != "none":
        p["Wy"] = rng.uniform(-s, s, (H, K))
        p["by"] = rng.uniform(-s, s, K)
    return p


def model_forward(
    params: dict, config: dict, inputs: dict, ops: Ops | None = None
) -> tuple[dict[str, Any], ModelCache]:
    """Forward pass. Returns the forward trace {x?, the layer's tensors (LSTM i, f, g, o, c, h; GRU r, z, n, h;
    RNN g, h), logits?, loss} and a cache. ops: None for the reference blocks of the config's cell."""
    ops = ops_for(ops, config)
    cell = get_cell(ops.cell)
    trace: dict[str, Any] = {}
    x = inputs.get("x")
    if config.get("V"):
        x = embedding_forward(params["E"], inputs["tokens"])
        trace["x"] = x
    states = {f"{s}0": inputs.get(f"{s}0") for s in cell.states}  # h0 (, c0)
    options = {k: config[k] for k in cell.options if k in config}
    layer_out, layer_cache = cell.forward(x, *(params[p] for p in cell.params), **states, mask=inputs.get("mask"),
                                          **options, step_forward=ops.step_forward)
    trace.update(layer_out)
    logits, loss, head_cache = ops.head_forward(
        layer_out["h"], config["head"], params.get("Wy"), params.get("by"),
        inputs.get("targets"), inputs.get("mask"), inputs.get("proj"),
    )
    if logits is not None:
        trace["logits"] = logits
    trace["loss"] = loss
    return trace, ModelCache(config, inputs, layer_cache, head_cache)


def model_backward(
    cache: ModelCache, ops: Ops | None = None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backward pass. Returns (backward trace, parameter gradients), in trace order."""
    ops = ops_for(ops, cache.config)
    dlogits, dh_head, head_grads = ops.head_backward(cache.head)
    layer_trace, layer_grads = get_cell(ops.cell).backward(dh_head, cache.layer, ops.step_backward, ops.local_grads,
                                                           ops.param_grads)
    trace = {} if dlogits is None else {"dlogits": dlogits}
    trace.update(layer_trace)
    grads = {**head_grads, **layer_grads}
    if cache.config.get("V"):
        grads["dE"] = embedding_backward(layer_trace["dx"], cache.inputs["tokens"], cache.config["V"])
    return trace, grads


def loss_and_grads(
    params: dict, config: dict, inputs: dict, ops: Ops | None = None
) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and dL/d(every parameter): what an optimiser needs."""
    fwd, cache = model_forward(params, config, inputs, ops)
    _, grads = model_backward(cache, ops)
    return fwd["loss"], grads


def ordered(params: dict) -> dict:
    """params in the canonical order of the spec: E, W, U, b, b_hn, Wy, by."""
    return {k: params[k] for k in PARAM_ORDER if k in params}


def run_case(case: dict, ops: Ops | None = None) -> dict[str, Any]:
    """Compute everything a fixture's ``expected`` holds, for a parsed case (see fixtures.read_case).

    ops: None for the reference blocks of the case's cell (``case["config"]["cell"]``, "lstm" when absent).
    Returns {"forward", "backward", "grads"[, "optimizer_steps"]} with the fixture's names.
    """
    params, config, inputs = ordered(case["params"]), case["config"], case["inputs"]
    ops = ops_for(ops, config)
    fwd, cache = model_forward(params, config, inputs, ops)
    bwd, grads = model_backward(cache, ops)
    out: dict[str, Any] = {"forward": fwd, "backward": bwd, "grads": grads}
    opt = case.get("optimizer")
    if opt:
        steps, state = [], {}
        for _ in range(opt["steps"]):
            loss, g = loss_and_grads(params, config, inputs, ops)
            g = ops.clip_grads(g, case.get("clip"))
            params, state = ops.optimizer_step(params, g, state, opt)
            steps.append({"loss": loss, "params": ordered(params)})
        out["optimizer_steps"] = steps
    return out
