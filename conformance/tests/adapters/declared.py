"""Adapters that declare a layout, a convention or what they support (for test_declare.py)."""

import numpy as np
from lstmparity.core import layouts
from lstmparity.core.model import run_case


def _grads_in_layout(grads, layout, order):
    """Our dW, dU, db as the gradients of ``layout``'s parameters (dL/dbias_hh = db too)."""
    g = layouts.params_to_layout({"W": grads["dW"], "U": grads["dU"], "b": grads["db"]}, layout, order)
    if layout == "pytorch":
        g["bias_hh"] = g["bias_ih"]
    return g


def _run_as(layout, order):
    def adapter(case):
        D = case["config"]["D"]
        ours = layouts.params_from_layout(case["params"], layout, order, D)
        result = run_case({**case, "params": ours})
        result["grads"] = {**{k: v for k, v in result["grads"].items() if k not in ("dW", "dU", "db")},
                           **_grads_in_layout(result["grads"], layout, order)}
        for step in result.get("optimizer_steps", []):
            step["params"] = layouts.params_to_layout(step["params"], layout, order)
        return result

    adapter.declares = {"layout": layout, "gate_order": order}
    return adapter


pytorch_fico = _run_as("pytorch", "fico")
per_gate_hx_bias_row = _run_as("per_gate_hx_bias_row", "ifgo")


def post_gate_grads(case):
    """Our result with di, df, dg, do taken w.r.t. the activations (dL/di ...)."""
    result = run_case(case)
    fwd, bwd = result["forward"], result["backward"]
    for n in ("i", "f", "o"):
        bwd["d" + n] = bwd["d" + n] / (fwd[n] * (1 - fwd[n]))
    bwd["dg"] = bwd["dg"] / (1 - fwd["g"] ** 2)
    return result


post_gate_grads.declares = {"gate_grads": "post"}


def no_masks(case):
    return run_case(case)


no_masks.declares = {"supports": ["embedding", "initial_state", "head:*", "optimizer:*", "clip"]}


def big_answer(case):
    return {"forward": {"i": np.zeros(300_000)}}


def post_gate_grads_undeclared(case):
    """post_gate_grads without saying so: the runner must hint at gate_grads = 'post'."""
    return post_gate_grads(case)


def layer_only_with_mask(case):
    """The layer alone, masks included, from lstmparity's layer functions (any cell, through the registry): x and
    dh_head in, the layer's tensors out."""
    from lstmparity.core.cells import cell_of, get_cell, layer_backward, layer_forward

    config, p, inp = case["config"], case["params"], case["inputs"]
    cell = get_cell(cell_of(config))
    options = {k: config[k] for k in cell.options if k in config}  # the GRU's reset_after
    c0 = {"c0": inp.get("c0")} if "c" in cell.states else {}
    fwd, cache = layer_forward(cell.name, inp["x"], {k: p[k] for k in cell.params}, inp.get("h0"), inp.get("mask"),
                               **c0, **options)
    bwd, grads = layer_backward(cell.name, inp["dh_head"], cache)
    return {"forward": fwd, "backward": bwd, "grads": grads}


layer_only_with_mask.declares = {"layer_only": True, "supports": ["mask", "initial_state", "cell:*"]}
