"""Buggy copies of blocks that put one constant factor on the gradients (``# BUG:``): clipping, loss reduction."""

from __future__ import annotations

import numpy as np
from lstmparity.core.activations import log_softmax, sigmoid
from lstmparity.core.heads import HeadCache, head_backward
from lstmparity.core.layer import ParamGrads
from lstmparity.core.optim import clip_grad_norm


def clip_inside_backward(x, h_prev, dz) -> ParamGrads:
    g = {"dW": x.T @ dz, "dU": h_prev.T @ dz, "db": dz.sum(axis=0)}
    g = clip_grad_norm(g, 1.0)  # BUG: gradients clipped (to norm 1) inside the backward pass
    return ParamGrads(g["dW"], g["dU"], g["db"])


def loss_mean_grad_sum(cache: HeadCache):
    head, h, logits, targets, weight, Wy = cache
    if head not in ("many_to_one_sigmoid", "many_to_one_softmax"):
        return head_backward(cache)
    B = logits.shape[0]
    if head == "many_to_one_sigmoid":
        dlogits = sigmoid(logits) - targets[:, None]  # BUG: no / B: the loss is a mean, its gradient a sum
    else:
        dlogits = np.exp(log_softmax(logits))
        dlogits[np.arange(B), targets] -= 1.0  # BUG (same): no dlogits /= B
    dh_head = np.zeros_like(h)
    dh_head[-1] = dlogits @ Wy.T
    return dlogits, dh_head, {"dWy": h[-1].T @ dlogits, "dby": dlogits.sum(axis=0)}
