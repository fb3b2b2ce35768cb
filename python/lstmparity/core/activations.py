"""Elementwise activations, written so that no input overflows.

Equations::

    sigmoid(z) = 1 / (1 + exp(-z))           (exp(-z) = inf for z < -709 gives exactly 0, no warning)
    log_softmax(a)_k = a_k - m - log(sum_j exp(a_j - m)),  m = max_j a_j
    softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|))
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function, accurate in relative terms even for tiny values.

    For z < -709, exp(-z) is inf and 1 / (1 + inf) = 0, the correctly rounded
    limit; that overflow is expected, so it is not reported as a warning.
    out: where to write the result (optional).
    """
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(np.negative(z, out=out), out=out)
    e += 1.0
    return np.reciprocal(e, out=e)


def log_softmax(a: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the max (no overflow for large logits)."""
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
