"""Dense heads and their losses: forward, then backward right below.

``head`` is one of ``none``, ``many_to_many_softmax``, ``many_to_one_sigmoid``,
``many_to_one_softmax``. h is (T, B, H); Wy (H, K); by (K,).

Equations::

    none:                  L = sum(proj * h)                          dL/dh = proj
    many_to_many_softmax:  a_t = h_t Wy + by                          (T, B, K)
                           L = sum_{t,b} m[t,b] * CE(a_t[b], y[t,b]) / sum(m)
    many_to_one_sigmoid:   a = h_{T-1} Wy + by                        (B, 1)
                           L = mean_b softplus(a) - y a               (BCE with logits)
    many_to_one_softmax:   a = h_{T-1} Wy + by                        (B, K)
                           L = mean_b CE(a[b], y[b])
    CE(a, y) = -log_softmax(a)_y;  dCE/da = softmax(a) - onehot(y)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstmparity.core.activations import log_softmax, sigmoid, softplus

HEADS = ("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")


class HeadCache(NamedTuple):
    head: str
    h: np.ndarray
    logits: np.ndarray | None
    targets: np.ndarray | None
    weight: np.ndarray | None  # per-position loss weight (mask / count), or proj for "none"
    Wy: np.ndarray | None


def head_forward(
    h: np.ndarray,
    head: str,
    Wy: np.ndarray | None = None,
    by: np.ndarray | None = None,
    targets: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    proj: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float, HeadCache]:
    """Logits and loss. Returns (logits or None, loss, cache)."""
    if head == "none":
        return None, float(np.sum(proj * h)), HeadCache(head, h, None, None, proj, None)
    if head == "many_to_many_softmax":
        T, B, _ = h.shape
        logits = h @ Wy + by  # (T, B, K)
        m = np.ones((T, B)) if mask is None else mask
        weight = m / m.sum()
        nll = -np.take_along_axis(log_softmax(logits), targets[..., None], axis=-1)[..., 0]
        return logits, float(np.sum(weight * nll)), HeadCache(head, h, logits, targets, weight, Wy)
    logits = h[-1] @ Wy + by  # (B, K): the last step, which carries the last valid state
    B = logits.shape[0]
    if head == "many_to_one_sigmoid":
        a = logits[:, 0]
        loss = float(np.mean(softplus(a) - targets * a))
    elif head == "many_to_one_softmax":
        loss = float(-np.mean(log_softmax(logits)[np.arange(B), targets]))
    else:
        raise ValueError(f"unknown head {head!r}; expected one of {HEADS}")
    return logits, loss, HeadCache(head, h, logits, targets, None, Wy)


def head_backward(cache: HeadCache) -> tuple[np.ndarray | None, np.ndarray, dict[str, np.ndarray]]:
    """Returns (dlogits or None, dh_head (T, B, H), {"dWy", "dby"} or {})."""
    head, h, logits, targets, weight, Wy = cache
    if head == "none":
        return None, weight, {}
    if head == "many_to_many_softmax":
        p = np.exp(log_softmax(logits))
        np.put_along_axis(p, targets[..., None], np.take_along_axis(p, targets[..., None], -1) - 1.0, -1)
        dlogits = p * weight[..., None]  # (softmax - onehot) * m / sum(m)
        K = logits.shape[-1]
        dWy = h.reshape(-1, h.shape[-1]).T @ dlogits.reshape(-1, K)
        return dlogits, dlogits @ Wy.T, {"dWy": dWy, "dby": dlogits.reshape(-1, K).sum(axis=0)}
    B = logits.shape[0]
    if head == "many_to_one_sigmoid":
        dlogits = (sigmoid(logits) - targets[:, None]) / B
    else:
        dlogits = np.exp(log_softmax(logits))
        dlogits[np.arange(B), targets] -= 1.0
        dlogits /= B
    dh_head = np.zeros_like(h)
    dh_head[-1] = dlogits @ Wy.T
    return dlogits, dh_head, {"dWy": h[-1].T @ dlogits, "dby": dlogits.sum(axis=0)}
