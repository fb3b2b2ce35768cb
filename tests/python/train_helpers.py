"""A small, fast classification task shared by the training tests (Python and R)."""

from __future__ import annotations

import numpy as np
from lstmparity.core.model import init_params


def tiny_task(n: int = 20, V: int = 7, seed: int = 3) -> tuple[dict, dict, dict]:
    """(params, config, dataset): sequences of 3..9 tokens; label 1 when token 3 occurs."""
    rng = np.random.default_rng(seed)
    tokens = [rng.integers(0, V, rng.integers(3, 10)).tolist() for _ in range(n)]
    targets = [int(3 in s) for s in tokens]
    config = {"D": 4, "H": 5, "V": V, "K": 1, "head": "many_to_one_sigmoid"}
    return init_params(config, seed=1), config, {"tokens": tokens, "targets": targets}


def tiny_lm(V: int = 6, seed: int = 4) -> tuple[dict, dict, dict]:
    """(params, config, dataset): 8 sequences of 5..11 tokens counting up mod V; predict the next."""
    rng = np.random.default_rng(seed)
    seqs = [((rng.integers(0, V) + np.arange(rng.integers(6, 13))) % V).tolist() for _ in range(8)]
    config = {"D": 3, "H": 4, "V": V, "K": V, "head": "many_to_many_softmax"}
    data = {"tokens": [s[:-1] for s in seqs], "targets": [s[1:] for s in seqs]}
    return init_params(config, seed=2), config, data
