"""A student's LSTM layer in NumPy, written fresh: one weight matrix per gate on [x | h], one bias per gate,
gate gradients taken w.r.t. the activations (di = dL/di), record() calls inside the loops.
No mask, no embedding, no head. ``bug=True`` forgets the forget gate in the cell-state carry."""

import numpy as np
from lstmparity.core.record import record


def sigm(z):
    return 1 / (1 + np.exp(-z))


def student_forward(x, h0, c0, P, rec):
    T, B, _ = x.shape
    H = P["W_i"].shape[1]
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H)) if c0 is None else c0
    steps = []
    for t in range(T):
        xh = np.hstack([x[t], h])
        i, f = sigm(xh @ P["W_i"] + P["b_i"]), sigm(xh @ P["W_f"] + P["b_f"])
        g, o = np.tanh(xh @ P["W_g"] + P["b_g"]), sigm(xh @ P["W_o"] + P["b_o"])
        c_prev, c = c, f * c + i * g
        h = o * np.tanh(c)
        steps.append({"xh": xh, "i": i, "f": f, "g": g, "o": o, "c": c, "c_prev": c_prev})
        for k in ("i", "f", "g", "o", "c"):
            record(rec, k, t, steps[t][k])
        record(rec, "h", t, h)
    return steps


def student_backward(steps, dh_head, P, rec, bug=False):
    B, H = steps[0]["i"].shape
    D = P["W_i"].shape[0] - H
    grads = {k: np.zeros_like(v) for k, v in P.items()}
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(len(steps))):
        s = steps[t]
        dh = dh_head[t] + dh_next
        dc = dh * s["o"] * (1 - np.tanh(s["c"]) ** 2) + dc_next
        post = {"i": dc * s["g"], "f": dc * s["c_prev"], "g": dc * s["i"], "o": dh * np.tanh(s["c"])}
        pre = {k: post[k] * (1 - s[k] ** 2) if k == "g" else post[k] * s[k] * (1 - s[k]) for k in post}
        dxh = sum(pre[k] @ P[f"W_{k}"].T for k in pre)
        for k in pre:
            grads[f"W_{k}"] += s["xh"].T @ pre[k]
            grads[f"b_{k}"] += pre[k].sum(axis=0)
        dh_next = dxh[:, D:]
        dc_next = dc if bug else dc * s["f"]
        for name, value in (("dh", dh), ("dc", dc), ("dx", dxh[:, :D])):
            record(rec, name, t, value)
        for k in post:
            record(rec, f"d{k}", t, post[k])
    record(rec, "dh0", None, dh_next)
    record(rec, "dc0", None, dc_next)
    for k, v in grads.items():
        record(rec, f"grads.{k}", None, v)
