"""Buggy copies of the other building blocks (parameter gradients, head, clipping, optimiser).

Blocks that need something their reference signature does not carry (h_t, the
case's clip setting) are built per case by a factory taking the case and
returning the blocks by name; their state lives in the closure of one run, never
in a module global.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from lstmparity.core.activations import log_softmax, sigmoid
from lstmparity.core.cell import lstm_step_forward
from lstmparity.core.heads import HeadCache, head_backward, head_forward
from lstmparity.core.layer import ParamGrads
from lstmparity.core.optim import clip_grads, optimizer_step, sgd_step


def weight_grads_from_h_t(case: dict) -> dict[str, Callable]:
    """{step_forward, param_grads}: the reference step, recording h_t, and dU built from h_t.

    param_grads sees (T*B, .) arrays whose rows go step by step: t*B + b.
    """
    T = case["config"]["T"]
    h_seen: list[np.ndarray] = []  # h_t of the current forward pass

    def step_forward(xw_t, h_prev, c_prev, U, m=None):
        if len(h_seen) == T:  # a new forward pass (optimizer steps run several)
            h_seen.clear()
        s = lstm_step_forward(xw_t, h_prev, c_prev, U, m)
        h_seen.append(s.h)
        return s

    def param_grads(x, h_prev, dz):
        dW = x.T @ dz
        dU = np.concatenate(h_seen).T @ dz  # BUG: h_t where h_{t-1} belongs
        db = dz.sum(axis=0)
        return ParamGrads(dW, dU, db)

    return {"step_forward": step_forward, "param_grads": param_grads}


def clip_per_step(case: dict) -> dict[str, Callable]:
    """{param_grads, clip_grads}: each step's contribution clipped, the total not clipped."""
    clip, T, B = case.get("clip") or {}, case["config"]["T"], case["config"]["B"]

    def param_grads(x, h_prev, dz):  # x (T*B, D), h_prev (T*B, H), dz (T*B, 4H), rows t*B + b
        D, H4 = x.shape[1], dz.shape[1]
        dW, dU, db = np.zeros((D, H4)), np.zeros((H4 // 4, H4)), np.zeros(H4)
        for t in range(T):
            r = slice(t * B, (t + 1) * B)  # the rows of step t
            g = {"dW": x[r].T @ dz[r], "dU": h_prev[r].T @ dz[r], "db": dz[r].sum(axis=0)}
            g = clip_grads(g, clip)  # BUG: clipping applied to every step's gradient instead of the total
            dW, dU, db = dW + g["dW"], dU + g["dU"], db + g["db"]
        return ParamGrads(dW, dU, db)

    def no_clip(grads, clip_):
        return dict(grads)  # BUG (same): the total is not clipped

    return {"param_grads": param_grads, "clip_grads": no_clip}


def adam_step_no_bias_correction(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    k = state.get("k", 0) + 1
    m_old, v_old = state.get("m", {}), state.get("v", {})
    new_params, m_new, v_new = {}, {}, {}
    for name, p in params.items():
        g = grads["d" + name]
        m = beta1 * m_old.get(name, 0.0) + (1.0 - beta1) * g
        v = beta2 * v_old.get(name, 0.0) + (1.0 - beta2) * g * g
        m_hat, v_hat = m, v  # BUG: no bias correction (m / (1 - beta1^k), v / (1 - beta2^k))
        new_params[name] = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        m_new[name], v_new[name] = m, v
    return new_params, {"k": k, "m": m_new, "v": v_new}


def optimizer_step_no_bias_correction(params, grads, state, optimizer):
    opts = {k: v for k, v in optimizer.items() if k not in ("name", "steps")}
    if optimizer["name"] == "sgd":
        return sgd_step(params, grads, state, **opts)
    if optimizer["name"] == "adam":
        return adam_step_no_bias_correction(params, grads, state, **opts)
    return optimizer_step(params, grads, state, optimizer)


def head_forward_every_step(h, head, Wy=None, by=None, targets=None, mask=None, proj=None):
    """The reference head, its cache keeping the logits of every step (T, B, K) for the buggy backward."""
    logits, loss, cache = head_forward(h, head, Wy, by, targets, mask, proj)
    if head in ("many_to_one_sigmoid", "many_to_one_softmax"):
        cache = cache._replace(logits=h @ Wy + by)
    return logits, loss, cache


def label_at_every_step(cache: HeadCache):
    head, h, logits, targets, weight, Wy = cache  # logits: (T, B, K), every step
    if head not in ("many_to_one_sigmoid", "many_to_one_softmax"):
        return head_backward(cache)  # the bug needs a per-sequence label
    T, B, K = logits.shape
    if head == "many_to_one_sigmoid":
        dlogits = (sigmoid(logits) - targets[None, :, None]) / B  # BUG: the sequence's label at every step
    else:
        dlogits = np.exp(log_softmax(logits))
        dlogits[:, np.arange(B), targets] -= 1.0  # BUG: the sequence's label at every step
        dlogits /= B
    dh_head = dlogits @ Wy.T
    dWy = h.reshape(T * B, -1).T @ dlogits.reshape(T * B, K)
    return dlogits[-1], dh_head, {"dWy": dWy, "dby": dlogits.reshape(T * B, K).sum(axis=0)}
