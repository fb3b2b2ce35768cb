"""Gradient clipping and optimisers with PyTorch's semantics.

Parameters and gradients are dicts: ``params["W"]`` pairs with ``grads["dW"]``.

Equations::

    clip by norm (clip_grad_norm_):  n = sqrt(sum over all grads of g^2)
                                     g <- g * min(1, max_norm / (n + 1e-6))
    clip by value (clip_grad_value_): g <- min(max(g, -value), value)
    SGD with momentum:  buf <- g (first step), buf <- momentum * buf + g (later)
                        p <- p - lr * buf
    Adam:               m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
                        p <- p - lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps)
"""

from __future__ import annotations

import numpy as np

from lstmparity.core.spec import param_order

PARAM_ORDER = param_order()  # E, W, U, b, b_hn, Wy, by (spec/tensors.json)


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> dict[str, np.ndarray]:
    """Scale all gradients together so that their global L2 norm is at most max_norm."""
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    coef = max_norm / (total + 1e-6)
    if coef >= 1.0:
        return dict(grads)
    return {k: g * coef for k, g in grads.items()}


def clip_grad_value(grads: dict[str, np.ndarray], value: float) -> dict[str, np.ndarray]:
    """Clip every gradient element into [-value, value]."""
    return {k: np.clip(g, -value, value) for k, g in grads.items()}


def clip_grads(grads: dict[str, np.ndarray], clip: dict | None) -> dict[str, np.ndarray]:
    """Apply ``clip`` = {"max_norm": x} or {"value": x} or None."""
    if not clip:
        return dict(grads)
    if "max_norm" in clip:
        return clip_grad_norm(grads, clip["max_norm"])
    return clip_grad_value(grads, clip["value"])


def sgd_step(
    params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    state: dict,
    lr: float,
    momentum: float = 0.0,
) -> tuple[dict[str, np.ndarray], dict]:
    """One SGD update. Returns (new params, new state); the inputs are not modified."""
    new_params, bufs = {}, dict(state.get("momentum_buffer", {}))
    for name, p in params.items():
        g = grads["d" + name]
        if momentum:
            g = g if name not in bufs else momentum * bufs[name] + g
            bufs[name] = g
        new_params[name] = p - lr * g
    return new_params, {"momentum_buffer": bufs}


def adam_step(
    params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    state: dict,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[dict[str, np.ndarray], dict]:
    """One Adam update with bias correction. state: {"k", "m", "v"} (empty at the start)."""
    k = state.get("k", 0) + 1
    m_old, v_old = state.get("m", {}), state.get("v", {})
    new_params, m_new, v_new = {}, {}, {}
    for name, p in params.items():
        g = grads["d" + name]
        m = beta1 * m_old.get(name, 0.0) + (1.0 - beta1) * g
        v = beta2 * v_old.get(name, 0.0) + (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**k)  # bias correction: m, v start at zero
        v_hat = v / (1.0 - beta2**k)
        new_params[name] = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        m_new[name], v_new[name] = m, v
    return new_params, {"k": k, "m": m_new, "v": v_new}


def optimizer_step(
    params: dict[str, np.ndarray], grads: dict[str, np.ndarray], state: dict, optimizer: dict
) -> tuple[dict[str, np.ndarray], dict]:
    """Dispatch on ``optimizer["name"]`` ("sgd" or "adam") with the case's hyper-parameters."""
    opts = {k: v for k, v in optimizer.items() if k not in ("name", "steps")}
    if optimizer["name"] == "sgd":
        return sgd_step(params, grads, state, **opts)
    if optimizer["name"] == "adam":
        return adam_step(params, grads, state, **opts)
    raise ValueError(f"unknown optimizer {optimizer['name']!r}; expected 'sgd' or 'adam'")
