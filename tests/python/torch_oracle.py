"""The model of fixtures/README.md written with PyTorch autograd: an oracle independent of our backward pass.

Every intermediate gradient is read from autograd (``retain_grad``), and the
optimiser trajectory uses torch.optim with torch's own clipping functions.
"""

from __future__ import annotations

import numpy as np
import torch

PARAM_ORDER = ("E", "W", "U", "b", "Wy", "by")


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
    h = keep["h0"] = _t(inputs.get("h0", np.zeros((B, H))), True)
    c = keep["c0"] = _t(inputs.get("c0", np.zeros((B, H))), True)
    h.retain_grad()
    c.retain_grad()
    mask = None if "mask" not in inputs else _t(inputs["mask"])
    hs = []
    for t in range(T):
        z = x[t] @ p["W"] + h @ p["U"] + p["b"]
        zi, zf, zg, zo = (hold(n, t, v) for n, v in zip(("zi", "zf", "zg", "zo"), z.split(H, dim=1), strict=True))
        i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
        for n, v in zip("ifgo", (i, f, g, o), strict=True):
            keep.setdefault(n, {})[t] = v
        c_new = hold("c_new", t, f * c + i * g)
        h_new = o * torch.tanh(c_new)
        if mask is not None:
            m = mask[t][:, None]
            h_new, c_new = m * h_new + (1 - m) * h, m * c_new + (1 - m) * c
        h, c = hold("h", t, h_new), c_new
        keep.setdefault("c", {})[t] = c
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

    fwd = {n: seq(n) for n in "ifgoch"}
    if "x" in keep:
        fwd["x"] = keep["x"][None].detach().numpy()
    bwd = {"dh": seq("h", True), "do": seq("zo", True), "dc": seq("c_new", True), "di": seq("zi", True),
           "df": seq("zf", True), "dg": seq("zg", True), "dh0": keep["h0"].grad.numpy(),
           "dc0": keep["c0"].grad.numpy()}
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
