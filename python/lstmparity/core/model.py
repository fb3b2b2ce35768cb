"""The whole model: [embedding] -> LSTM layer -> [dense head + loss], forward and backward.

``config`` holds the sizes and the head: {"T", "B", "D", "H", "V", "K", "head"}
(V is None without an embedding, K is None for head "none").
``params`` holds E (V, D), W (D, 4H), U (H, 4H), b (4H,), Wy (H, K), by (K,) as present.
``inputs`` holds x (T, B, D) or tokens (T, B), and optionally h0, c0 (B, H),
mask (T, B), targets, proj (T, B, H).

The building blocks a run uses are collected in :class:`Ops`, passed explicitly
(no global state): the mutation catalogue swaps one block for a buggy copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmparity.core.cell import lstm_local_grads, lstm_step_backward, lstm_step_forward
from lstmparity.core.embedding import embedding_backward, embedding_forward
from lstmparity.core.heads import head_backward, head_forward
from lstmparity.core.layer import lstm_backward, lstm_forward, lstm_param_grads
from lstmparity.core.optim import PARAM_ORDER, clip_grads, optimizer_step


@dataclass(frozen=True)
class Ops:
    """The replaceable building blocks of one run (see conformance/mutants)."""

    step_forward: Callable = lstm_step_forward
    local_grads: Callable = lstm_local_grads
    step_backward: Callable = lstm_step_backward
    param_grads: Callable = lstm_param_grads
    head_forward: Callable = head_forward
    head_backward: Callable = head_backward
    clip_grads: Callable = clip_grads
    optimizer_step: Callable = optimizer_step


REFERENCE_OPS = Ops()


@dataclass
class ModelCache:
    config: dict
    inputs: dict
    layer: Any
    head: Any
    extra: dict = field(default_factory=dict)


def init_params(config: dict, seed: int = 0, scale: float | None = None) -> dict[str, np.ndarray]:
    """Random parameters, uniform in [-s, s] with s = 1/sqrt(H) (PyTorch's nn.LSTM default)."""
    rng = np.random.default_rng(seed)
    D, H, V, K = config["D"], config["H"], config.get("V"), config.get("K")
    s = 1.0 / np.sqrt(H) if scale is None else scale
    p = {}
    if V:
        p["E"] = rng.standard_normal((V, D))
    p["W"] = rng.uniform(-s, s, (D, 4 * H))
    p["U"] = rng.uniform(-s, s, (H, 4 * H))
    p["b"] = rng.uniform(-s, s, 4 * H)
    if config["head"] != "none":
        p["Wy"] = rng.uniform(-s, s, (H, K))
        p["by"] = rng.uniform(-s, s, K)
    return p


def model_forward(
    params: dict, config: dict, inputs: dict, ops: Ops = REFERENCE_OPS
) -> tuple[dict[str, Any], ModelCache]:
    """Forward pass. Returns the forward trace {x?, i, f, g, o, c, h, logits?, loss} and a cache."""
    trace: dict[str, Any] = {}
    x = inputs.get("x")
    if config.get("V"):
        x = embedding_forward(params["E"], inputs["tokens"])
        trace["x"] = x
    layer_out, layer_cache = lstm_forward(
        x, params["W"], params["U"], params["b"],
        inputs.get("h0"), inputs.get("c0"), inputs.get("mask"), ops.step_forward,
    )
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
    cache: ModelCache, ops: Ops = REFERENCE_OPS
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backward pass. Returns (backward trace, parameter gradients), in trace order."""
    dlogits, dh_head, head_grads = ops.head_backward(cache.head)
    layer_trace, layer_grads = lstm_backward(dh_head, cache.layer, ops.step_backward, ops.local_grads,
                                             ops.param_grads)
    trace = {} if dlogits is None else {"dlogits": dlogits}
    trace.update(layer_trace)
    grads = {**head_grads, **layer_grads}
    if cache.config.get("V"):
        grads["dE"] = embedding_backward(layer_trace["dx"], cache.inputs["tokens"], cache.config["V"])
    return trace, grads


def loss_and_grads(
    params: dict, config: dict, inputs: dict, ops: Ops = REFERENCE_OPS
) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and dL/d(every parameter): what an optimiser needs."""
    fwd, cache = model_forward(params, config, inputs, ops)
    _, grads = model_backward(cache, ops)
    return fwd["loss"], grads


def ordered(params: dict) -> dict:
    """params in the canonical order E, W, U, b, Wy, by."""
    return {k: params[k] for k in PARAM_ORDER if k in params}


def run_case(case: dict, ops: Ops = REFERENCE_OPS) -> dict[str, Any]:
    """Compute everything a fixture's ``expected`` holds, for a parsed case (see fixtures.read_case).

    Returns {"forward", "backward", "grads"[, "optimizer_steps"]} with the fixture's names.
    """
    params, config, inputs = ordered(case["params"]), case["config"], case["inputs"]
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
