"""The vanishing-gradient demo for the three cells (R: R/cell_demo.R, same names).

The task (``first_token_task``): a sequence of T one-hot tokens from a vocabulary of D; the
first is 0 or 1, the others are drawn from 2..D-1; the label is the first token. A
many-to-one sigmoid head reads h at the last step, so the only way to the answer is to
carry one bit across T - 1 steps of distractors, and the only way to learn it is a gradient
that travels back the same distance.

* ``cell_gradient_norms``: ||dL/dh_t|| (Frobenius over the batch) for t = 0..T-1 at the
  initial weights: the vanilla RNN's shrinks geometrically with the distance from the
  loss, the GRU's and the LSTM's far more slowly.
* ``train_first_token``: Adam on fresh batches, then the accuracy on held-out sequences.
"""

from __future__ import annotations

import numpy as np

from lstmparity.core.cells import init_cell_params, layer_backward, layer_forward
from lstmparity.core.heads import head_backward, head_forward
from lstmparity.core.optim import adam_step

HEAD = "many_to_one_sigmoid"
KEEP_BIAS = 1.0  # initial bias of the LSTM's f and the GRU's z (the usual forget-gate bias)


def first_token_task(rng: np.random.Generator, N: int, T: int, D: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """x (T, N, D) one-hot, y (N,) in {0, 1}: y is the first token."""
    y = rng.integers(0, 2, N)
    tokens = rng.integers(2, D, (T, N))
    tokens[0] = y
    return np.eye(D)[tokens], y


def init_demo_params(cell: str, D: int, H: int, rng: np.random.Generator,
                     keep_bias: float = KEEP_BIAS) -> dict[str, np.ndarray]:
    """The cell's parameters (:func:`init_cell_params`) and a sigmoid head Wy (H, 1), by (1,)."""
    p = init_cell_params(cell, D, H, rng, keep_bias)
    p["Wy"] = rng.uniform(-1 / np.sqrt(H), 1 / np.sqrt(H), (H, 1))
    p["by"] = np.zeros(1)
    return p


def _split(p: dict) -> dict:
    return {k: v for k, v in p.items() if k not in ("Wy", "by")}


def loss_and_grads(cell: str, p: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, dict]:
    """(loss, grads of every parameter, trace of the layer's backward)."""
    out, cache = layer_forward(cell, x, _split(p))
    _, loss, head_cache = head_forward(out["h"], HEAD, p["Wy"], p["by"], y)
    _, dh_head, head_grads = head_backward(head_cache)
    trace, grads = layer_backward(cell, dh_head, cache)
    return loss, {**grads, **head_grads}, trace


def cell_gradient_norms(cell: str, T: int = 100, B: int = 64, D: int = 4, H: int = 16, seed: int = 0,
                        keep_bias: float = KEEP_BIAS) -> np.ndarray:
    """||dL/dh_t|| for t = 0..T-1 at initialisation, on one batch of the first-token task."""
    rng = np.random.default_rng(seed)
    p = init_demo_params(cell, D, H, rng, keep_bias)
    x, y = first_token_task(np.random.default_rng(seed + 1), B, T, D)
    dh = loss_and_grads(cell, p, x, y)[2]["dh"]
    return np.sqrt(np.sum(dh * dh, axis=(1, 2)))


def accuracy(cell: str, p: dict, x: np.ndarray, y: np.ndarray) -> float:
    out, _ = layer_forward(cell, x, _split(p))
    logits, _, _ = head_forward(out["h"], HEAD, p["Wy"], p["by"], y)
    return float(np.mean((logits[:, 0] > 0) == y))


def train_first_token(cell: str, T: int = 40, steps: int = 1000, B: int = 64, D: int = 4, H: int = 16,
                      lr: float = 0.01, seed: int = 0, n_test: int = 1000, keep_bias: float = KEEP_BIAS) -> dict:
    """Train on fresh batches; returns {"cell", "T", "steps", "loss" (per step), "accuracy" (held out)}."""
    rng = np.random.default_rng(seed)
    p = init_demo_params(cell, D, H, rng, keep_bias)
    state: dict = {}
    losses = []
    for _ in range(steps):
        x, y = first_token_task(rng, B, T, D)
        loss, grads, _ = loss_and_grads(cell, p, x, y)
        p, state = adam_step(p, grads, state, lr)
        losses.append(loss)
    x, y = first_token_task(np.random.default_rng(seed + 12345), n_test, T, D)
    return {"cell": cell, "T": T, "steps": steps, "loss": np.array(losses), "accuracy": accuracy(cell, p, x, y)}
