"""Elementwise activations, written so that no input overflows.

Equations::

    sigmoid(z) = 1 / (1 + exp(-z))           (z clipped to [-700, 700]: exp cannot overflow)
    log_softmax(a)_k = a_k - m - log(sum_j exp(a_j - m)),  m = max_j a_j
    softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|))
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, accurate in relative terms even for tiny values.

    z is clipped to [-700, 700] so exp() stays finite and normal (no overflow or
    underflow warning); beyond that range sigmoid is 0 or 1 to within 1e-304.
    """
    e = np.negative(z)
    np.minimum(e, 700.0, out=e)  # the clip, as two plain ufunc calls (np.clip's wrapper is slow)
    np.maximum(e, -700.0, out=e)
    np.exp(e, out=e)
    e += 1.0
    return np.reciprocal(e, out=e)


def log_softmax(a: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the max (no overflow for large logits)."""
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
