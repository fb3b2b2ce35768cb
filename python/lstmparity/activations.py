"""Elementwise activations, written so that no input overflows.

Equations::

    sigmoid(z) = 1 / (1 + exp(-z))          for z >= 0
               = exp(z) / (1 + exp(z))      for z <  0   (same value, no overflow)
    log_softmax(a)_k = a_k - m - log(sum_j exp(a_j - m)),  m = max_j a_j
    softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|))
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function; exp() only ever sees -|z| <= 0, so it cannot overflow."""
    e = np.exp(-np.abs(z))
    s = 1.0 / (1.0 + e)
    return np.where(z >= 0, s, e * s)


def log_softmax(a: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the max (no overflow for large logits)."""
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
