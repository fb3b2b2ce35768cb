"""The model of spec/README.md written with PyTorch autograd: an oracle independent of our backward pass.

Every intermediate gradient is read from autograd (``retain_grad``), and the
optimiser trajectory uses torch.optim with torch's own clipping functions.
Two oracles:

* :func:`run_case_torch` — the recurrence of every cell written out in torch (LSTM; GRU with the reset
  gate after or before the recurrent product; Elman RNN), every tensor of a case, gates included;
* :func:`run_case_torch_modules` — torch's own cells (``nn.GRUCell``, ``nn.RNNCell``, the modules
  nn.GRU / nn.RNN run per step), step by step so that a mask can carry the state: every tensor a
  module exposes (h, logits, loss and their gradients, dx, dh0, every parameter gradient).
  nn.GRU has the reset gate after the product only: the reset-before GRU is checked by the first.
"""

from __future__ import annotations

import numpy as np
import torch

PARAM_ORDER = ("E", "W", "U", "b", "b_hn", "Wy", "by")
GATE_PRE = {"lstm": ("zi", "zf", "zg", "zo"), "gru": ("ar", "az", "an"), "rnn": ("ag",)}


def _t(a, requires_grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=requires_grad)


def _loss(p: dict, config: dict, inputs: dict, keep: dict | None = None) -> torch.Tensor:
    """Forward in torch; when keep is a dict, every intermediate is stored there with retain_grad."""
    T, B, H, head = config["T"], config["B"], config["H"], config["head"]
    keep = {} if keep is None else keep

    def hold(name: str, t: int | None, v: torch.Tensor) -> torch.Tensor:
        if v.requires_grad:
            v.retain_grad()
        keep.setdefault(name, {})[t] = v
        return v

    if config["V"]:
        x = hold("x", None, p["E"][torch.as_tensor(inputs["tokens"], dtype=torch.long)])
    else:
        x = hold("x_in", None, _t(inputs["x"], True))
    cell = config.get("cell") or "lstm"
    h = keep["h0"] = _t(inputs.get("h0", np.zeros((B, H))), True)
    h.retain_grad()
    if cell == "lstm":
        c = keep["c0"] = _t(inputs.get("c0", np.zeros((B, H))), True)
        c.retain_grad()
    mask = None if "mask" not in inputs else _t(inputs["mask"])
    hs = []
    for t in range(T):
        m = None if mask is None else mask[t][:, None]
        if cell == "lstm":
            z = x[t] @ p["W"] + h @ p["U"] + p["b"]
            zi, zf, zg, zo = (hold(n, t, v) for n, v in zip(GATE_PRE["lstm"], z.split(H, dim=1), strict=True))
            i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
            for n, v in zip("ifgo", (i, f, g, o), strict=True):
                keep.setdefault(n, {})[t] = v
            c_new = hold("c_new", t, f * c + i * g)
            h_new = o * torch.tanh(c_new)
            if m is not None:
                h_new, c_new = m * h_new + (1 - m) * h, m * c_new + (1 - m) * c
            c = c_new
            keep.setdefault("c", {})[t] = c
        elif cell == "gru":
            h_new = _gru_step(x[t], h, p, config.get("reset_after", True), lambda n, v, t=t: hold(n, t, v))
        else:  # rnn: h = tanh(x W + b + h U)
            g = torch.tanh(hold("ag", t, x[t] @ p["W"] + p["b"] + h @ p["U"]))
            keep.setdefault("g", {})[t] = g
            h_new = g
        if cell != "lstm" and m is not None:
            h_new = m * h_new + (1 - m) * h
        h = hold("h", t, h_new)
        hs.append(h)
    hseq = torch.stack(hs)
    if head == "none":
        return (hseq * _t(inputs["proj"])).sum()
    y = torch.as_tensor(inputs["targets"])
    if head == "many_to_many_softmax":
        logits = hold("logits", None, hseq @ p["Wy"] + p["by"])
        nll = torch.nn.functional.cross_entropy(logits.reshape(T * B, -1), y.reshape(-1).long(), reduction="none")
        w = torch.ones(T * B, dtype=torch.float64) if mask is None else mask.reshape(-1)
        return (nll * w).sum() / w.sum()
    logits = hold("logits", None, hseq[-1] @ p["Wy"] + p["by"])
    if head == "many_to_one_sigmoid":
        return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], y.double())
    return torch.nn.functional.cross_entropy(logits, y.long())


def _gru_step(x_t: torch.Tensor, h: torch.Tensor, p: dict, reset_after: bool, hold) -> torch.Tensor:
    """One GRU step written out, gate order r, z, n; z keeps the old state (PyTorch's direction).

    reset_after (PyTorch, ONNX linear_before_reset=1): a_n = x W_n + b_n + r * (h U_n + b_hn);
    reset before (Cho et al. 2014, ONNX's default):     a_n = x W_n + b_n + (r * h) U_n + b_hn.
    hold(name, value) keeps the pre-activations a_r, a_z, a_n (their gradients are dr, dz, dn) and r, z, n.
    """
    H = h.shape[1]
    xw = x_t @ p["W"] + p["b"]
    U = p["U"]
    r = torch.sigmoid(hold("ar", xw[:, :H] + h @ U[:, :H]))
    z = torch.sigmoid(hold("az", xw[:, H:2 * H] + h @ U[:, H:2 * H]))
    if reset_after:
        a_n = xw[:, 2 * H:] + r * (h @ U[:, 2 * H:] + p["b_hn"])
    else:
        a_n = xw[:, 2 * H:] + (r * h) @ U[:, 2 * H:] + p["b_hn"]
    n = torch.tanh(hold("an", a_n))
    for name, v in (("r", r), ("z", z), ("n", n)):
        hold(name, v)
    return (1 - z) * n + z * h


def _gradients_of(keep: dict, T: int, cell: str) -> dict:
    """The backward tensors of the layer, by our names, from the kept tensors' .grad."""
    def seq(name: str) -> np.ndarray:
        return torch.stack([keep[name][t].grad for t in range(T)]).numpy()

    out = {"dh": seq("h")}
    if cell == "lstm":
        out.update({"do": seq("zo"), "dc": seq("c_new"), "di": seq("zi"), "df": seq("zf"), "dg": seq("zg"),
                    "dh0": keep["h0"].grad.numpy(), "dc0": keep["c0"].grad.numpy()})
    elif cell == "gru":
        out.update({"dn": seq("an"), "dz": seq("az"), "dr": seq("ar"), "dh0": keep["h0"].grad.numpy()})
    else:
        out.update({"dg": seq("ag"), "dh0": keep["h0"].grad.numpy()})
    return out


FORWARD = {"lstm": "ifgoch", "gru": "rznh", "rnn": "gh"}


def run_case_torch(case: dict) -> dict:
    """Everything a fixture's ``expected`` holds, computed by torch autograd."""
    config = case["config"]
    p = {k: _t(case["params"][k], True) for k in PARAM_ORDER if k in case["params"]}
    keep: dict = {}
    loss = _loss(p, config, case["inputs"], keep)
    loss.backward()
    T = config["T"]

    def seq(name: str, grad: bool = False) -> np.ndarray:
        vals = [keep[name][t] for t in range(T)]
        return torch.stack([v.grad if grad else v.detach() for v in vals]).numpy()

    cell = config.get("cell") or "lstm"
    fwd = {n: seq(n) for n in FORWARD[cell]}
    if "x" in keep:
        fwd["x"] = keep["x"][None].detach().numpy()
    bwd = _gradients_of(keep, T, cell)
    bwd["dx"] = keep["x" if "x" in keep else "x_in"][None].grad.numpy()
    if "logits" in keep:
        fwd["logits"] = keep["logits"][None].detach().numpy()
        bwd["dlogits"] = keep["logits"][None].grad.numpy()
    fwd["loss"] = loss.item()
    out = {"forward": fwd, "backward": bwd, "grads": {"d" + k: v.grad.numpy() for k, v in p.items()}}
    if case.get("optimizer"):
        out["optimizer_steps"] = _trajectory(case)
    return out


def _trajectory(case: dict) -> list[dict]:
    opt_cfg, clip = case["optimizer"], case.get("clip") or {}
    p = {k: _t(case["params"][k], True) for k in PARAM_ORDER if k in case["params"]}
    if opt_cfg["name"] == "sgd":
        opt = torch.optim.SGD(list(p.values()), lr=opt_cfg["lr"], momentum=opt_cfg.get("momentum", 0.0))
    else:
        opt = torch.optim.Adam(list(p.values()), lr=opt_cfg["lr"], betas=(opt_cfg["beta1"], opt_cfg["beta2"]),
                               eps=opt_cfg["eps"])
    steps = []
    for _ in range(opt_cfg["steps"]):
        opt.zero_grad()
        loss = _loss(p, case["config"], case["inputs"])
        loss.backward()
        if "max_norm" in clip:
            torch.nn.utils.clip_grad_norm_(list(p.values()), clip["max_norm"])
        elif "value" in clip:
            torch.nn.utils.clip_grad_value_(list(p.values()), clip["value"])
        opt.step()
        steps.append({"loss": loss.item(), "params": {k: v.detach().numpy().copy() for k, v in p.items()}})
    return steps


def run_case_torch_modules(case: dict) -> dict:
    """A GRU (reset_after true) or RNN case through torch's modules: nn.GRUCell / nn.RNNCell (the cells of
    nn.GRU / nn.RNN) step by step, the mask applied between steps; the head and loss as in the other oracle.

    Our b (3H or H) is the module's bias_ih; its bias_hh is [0 | 0 | b_hn] (GRU) or 0 (RNN): for r, z and the
    RNN the two biases are only added, so dL/dbias_ih = dL/dbias_hh there and db = bias_ih's gradient.
    Returns every tensor the modules expose: forward h, logits, loss; backward dlogits, dh, dx, dh0; grads.
    """
    config, params, inputs = case["config"], case["params"], case["inputs"]
    cell_name = config.get("cell") or "lstm"
    if cell_name not in ("gru", "rnn") or not config.get("reset_after", True):
        raise ValueError(f"torch has no module for {cell_name} (reset_after {config.get('reset_after')})")
    T, B, D, H, head = config["T"], config["B"], config["D"], config["H"], config["head"]
    module = (torch.nn.GRUCell(D, H) if cell_name == "gru" else torch.nn.RNNCell(D, H, nonlinearity="tanh")).double()
    with torch.no_grad():
        module.weight_ih.copy_(_t(params["W"]).T)
        module.weight_hh.copy_(_t(params["U"]).T)
        module.bias_ih.copy_(_t(params["b"]))
        module.bias_hh.zero_()
        if cell_name == "gru":
            module.bias_hh[2 * H:] = _t(params["b_hn"])
    extra = {k: _t(params[k], True) for k in ("E", "Wy", "by") if k in params}
    if config["V"]:
        x = extra["E"][torch.as_tensor(inputs["tokens"], dtype=torch.long)]
    else:
        x = _t(inputs["x"], True)
    x.retain_grad()
    h0 = _t(inputs.get("h0", np.zeros((B, H))), True)
    mask = None if "mask" not in inputs else _t(inputs["mask"])
    h, hs = h0, []
    for t in range(T):
        h_new = module(x[t], h)
        if mask is not None:
            m = mask[t][:, None]
            h_new = m * h_new + (1 - m) * h
        h = h_new
        h.retain_grad()
        hs.append(h)
    hseq = torch.stack(hs)
    fwd, bwd = {}, {}
    if head == "none":
        loss = (hseq * _t(inputs["proj"])).sum()
        logits = None
    else:
        y = torch.as_tensor(inputs["targets"])
        if head == "many_to_many_softmax":
            logits = hseq @ extra["Wy"] + extra["by"]
            nll = torch.nn.functional.cross_entropy(logits.reshape(T * B, -1), y.reshape(-1).long(), reduction="none")
            w = torch.ones(T * B, dtype=torch.float64) if mask is None else mask.reshape(-1)
            loss = (nll * w).sum() / w.sum()
        else:
            logits = hseq[-1] @ extra["Wy"] + extra["by"]
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], y.double())
                    if head == "many_to_one_sigmoid" else torch.nn.functional.cross_entropy(logits, y.long()))
        logits.retain_grad()
    loss.backward()
    fwd["h"] = hseq.detach().numpy()
    fwd["loss"] = loss.item()
    bwd["dh"] = torch.stack([v.grad for v in hs]).numpy()
    bwd["dx"] = x.grad.numpy()
    bwd["dh0"] = h0.grad.numpy()
    if logits is not None:
        fwd["logits"] = logits.detach().numpy()
        bwd["dlogits"] = logits.grad.numpy()
    grads = {"dW": module.weight_ih.grad.T.numpy(), "dU": module.weight_hh.grad.T.numpy(),
             "db": module.bias_ih.grad.numpy()}
    if cell_name == "gru":
        grads["db_hn"] = module.bias_hh.grad[2 * H:].numpy()
    grads.update({"d" + k: v.grad.numpy() for k, v in extra.items()})
    return {"forward": fwd, "backward": bwd, "grads": grads}
