"""A minimal Python adapter for ``lstmparity conform --impl py:conformance/examples/adapter_example.py:adapter``.

A from-scratch LSTM, independent of lstmparity: the forward pass on every case,
the backward pass and the parameter gradients only for head "none" without a
mask (loss = sum(proj * h)). What it leaves out (logits, losses of the other
heads, optimizer steps, ...) is reported as "not provided", not as a failure.

Contract: ``adapter(case) -> dict`` where ``case`` is a parsed fixture
(lstmparity.suite.fixtures.read_case, numpy float64 arrays, 0-based token ids, without
``expected``) and the result is shaped like the fixture's ``expected``:
{"forward": {...}, "backward": {...}, "grads": {...}, "optimizer_steps": [...]},
with the fixture's tensor names and shapes (per-step tensors (T, B, .)).
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(p, x, h0, c0, mask):
    T, B, _ = x.shape
    H = p["U"].shape[0]
    h, c = h0, c0
    out = {k: np.zeros((T, B, H)) for k in ("i", "f", "g", "o", "c", "h")}
    for t in range(T):
        z = x[t] @ p["W"] + h @ p["U"] + p["b"]
        i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), sigmoid(z[:, 3 * H:])
        g = np.tanh(z[:, 2 * H:3 * H])
        m = mask[t][:, None]
        c = m * (f * c + i * g) + (1 - m) * c
        h = m * (o * np.tanh(c)) + (1 - m) * h
        for k, v in zip("ifgoch", (i, f, g, o, c, h), strict=True):
            out[k][t] = v
    return out


def backward(p, x, fwd, h0, c0, proj):
    T, B, _ = x.shape
    H = h0.shape[1]
    bwd = {k: np.zeros((T, B, H)) for k in ("dh", "do", "dc", "di", "df", "dg")}
    dz = np.zeros((T, B, 4 * H))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        i, f, g, o, c = (fwd[k][t] for k in "ifgoc")
        c_prev = fwd["c"][t - 1] if t else c0
        dh = proj[t] + dh_next
        do = dh * np.tanh(c) * o * (1 - o)
        dc = dc_next + dh * o * (1 - np.tanh(c) ** 2)
        di, df, dg = dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2)
        dz[t] = np.concatenate([di, df, dg, do], axis=1)
        for k, v in zip(("dh", "do", "dc", "di", "df", "dg"), (dh, do, dc, di, df, dg), strict=True):
            bwd[k][t] = v
        dh_next, dc_next = dz[t] @ p["U"].T, dc * f
    bwd["dx"] = dz @ p["W"].T
    bwd["dh0"], bwd["dc0"] = dh_next, dc_next
    h_prev = np.concatenate([h0[None], fwd["h"][:-1]])
    grads = {"dW": np.einsum("tbd,tbk->dk", x, dz), "dU": np.einsum("tbh,tbk->hk", h_prev, dz),
             "db": dz.sum(axis=(0, 1))}
    return bwd, grads


def adapter(case):
    cfg, p, inp = case["config"], case["params"], case["inputs"]
    T, B, H = cfg["T"], cfg["B"], cfg["H"]
    x = p["E"][inp["tokens"]] if cfg["V"] else inp["x"]
    h0, c0 = inp.get("h0", np.zeros((B, H))), inp.get("c0", np.zeros((B, H)))
    mask = inp.get("mask", np.ones((T, B)))
    fwd = forward(p, x, h0, c0, mask)
    if cfg["V"]:
        fwd = {"x": x, **fwd}
    result = {"forward": fwd, "backward": {}, "grads": {}}
    if cfg["head"] == "none" and "mask" not in inp:
        fwd["loss"] = float(np.sum(inp["proj"] * fwd["h"]))
        result["backward"], result["grads"] = backward(p, x, fwd, h0, c0, inp["proj"])
    return result
