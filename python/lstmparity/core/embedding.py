"""Token embedding: ids -> vectors, and its gradient.

Equations::

    x[t, b] = E[tokens[t, b]]                   tokens (T, B) ints in 0..V-1, E (V, D)
    dE[v]   = sum of dx[t, b] over every (t, b) with tokens[t, b] == v
"""

from __future__ import annotations

import numpy as np


def embedding_forward(E: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """x (T, B, D) = E[tokens]."""
    return E[tokens]


def embedding_backward(dx: np.ndarray, tokens: np.ndarray, V: int) -> np.ndarray:
    """dE (V, D): scatter-add of dx (T, B, D) into the rows named by tokens."""
    dE = np.zeros((V, dx.shape[-1]))
    np.add.at(dE, tokens.reshape(-1), dx.reshape(-1, dx.shape[-1]))
    return dE
