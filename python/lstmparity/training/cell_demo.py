"""The vanishing-gradient demo for the three cells (R: R/cell_demo.R, same names).

The task (``noisy_bit_task``), Bengio, Simard and Frasconi's (1994) information latching:
a bit is shown at the first step, as -1 or +1 on input channel 0 with a start marker 1 on
channel 1; at the T - 1 steps after it channel 0 carries Gaussian noise N(0, sigma^2) and
the marker is 0. A many-to-one sigmoid head reads h at the last step and must say the bit.
The noise comes through the same input weights as the bit, so a cell cannot keep it out by
ignoring a channel: it must shut its input after the first step (the LSTM's input gate, the
GRU's update gate; the marker says when) or hold the bit in a state the noise cannot move.
The vanilla RNN has no gate; holding a bit against noise needs saturated dynamics with
attractors, near which its gradient vanishes (Bengio et al. 1994); with the demo's settings
it does not find them (docs/cells.md).

* ``cell_gradient_norms``: ||dL/dh_t|| (Frobenius over the batch) for t = 0..T-1 at the
  initial weights: the vanilla RNN's shrinks geometrically with the distance from the
  loss, the GRU's and the LSTM's far more slowly.
* ``train_noisy_bit``: Adam with gradient clipping on fresh batches, then the accuracy on
  held-out sequences.
"""

from __future__ import annotations

import numpy as np

from lstmparity.core.cells import init_cell_params, layer_backward, layer_forward
from lstmparity.core.heads import head_backward, head_forward
from lstmparity.core.optim import adam_step, clip_grad_norm

HEAD = "many_to_one_sigmoid"
# Initial bias of the LSTM's forget gate f and the GRU's update gate z. With the usual 1,
# f = z = sigmoid(1) = 0.73 and 0.73^49 = 2e-7 of the first step's state reaches step 50:
# at initialisation the gated cells forget as fast as the RNN, and at T = 50 they did not
# learn in 600 steps (docs/cells.md). With 3, sigmoid(3) = 0.95 and 0.95^49 = 0.08 of it does.
KEEP_BIAS = 3.0


def noisy_bit_task(rng: np.random.Generator, N: int, T: int, sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """x (T, N, 2), y (N,) in {0, 1}.

    x[0, :, 0] = 2 y - 1 (the bit), x[1:, :, 0] ~ N(0, sigma^2) (the noise);
    x[0, :, 1] = 1 (the start marker), x[1:, :, 1] = 0.
    """
    y = rng.integers(0, 2, N)
    x = np.zeros((T, N, 2))
    x[0, :, 0] = 2 * y - 1
    x[0, :, 1] = 1.0
    x[1:, :, 0] = sigma * rng.standard_normal((T - 1, N))
    return x, y


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


def cell_gradient_norms(cell: str, T: int = 100, B: int = 64, H: int = 16, sigma: float = 2.0, seed: int = 0,
                        keep_bias: float = KEEP_BIAS) -> np.ndarray:
    """||dL/dh_t|| for t = 0..T-1 at initialisation, on one batch of the noisy-bit task."""
    rng = np.random.default_rng(seed)
    p = init_demo_params(cell, 2, H, rng, keep_bias)
    x, y = noisy_bit_task(np.random.default_rng(seed + 1), B, T, sigma)
    dh = loss_and_grads(cell, p, x, y)[2]["dh"]
    return np.sqrt(np.sum(dh * dh, axis=(1, 2)))


def accuracy(cell: str, p: dict, x: np.ndarray, y: np.ndarray) -> float:
    out, _ = layer_forward(cell, x, _split(p))
    logits, _, _ = head_forward(out["h"], HEAD, p["Wy"], p["by"], y)
    return float(np.mean((logits[:, 0] > 0) == y))


def train_noisy_bit(cell: str, T: int = 50, steps: int = 500, B: int = 32, H: int = 16, sigma: float = 2.0,
                    lr: float = 0.003, max_norm: float = 1.0, seed: int = 0, n_test: int = 1000,
                    keep_bias: float = KEEP_BIAS) -> dict:
    """Adam on ``steps`` fresh batches of B, gradients clipped to global norm ``max_norm``.

    Returns {"cell", "T", "steps", "loss" (steps,), "accuracy"} with the accuracy on n_test
    held-out sequences (their own seed: the same test set for every cell).
    """
    rng = np.random.default_rng(seed)
    p = init_demo_params(cell, 2, H, rng, keep_bias)
    state: dict = {}
    losses = np.zeros(steps)
    for s in range(steps):
        x, y = noisy_bit_task(rng, B, T, sigma)
        losses[s], grads, _ = loss_and_grads(cell, p, x, y)
        p, state = adam_step(p, clip_grad_norm(grads, max_norm), state, lr)
    x, y = noisy_bit_task(np.random.default_rng(seed + 12345), n_test, T, sigma)
    return {"cell": cell, "T": T, "steps": steps, "loss": losses, "accuracy": accuracy(cell, p, x, y)}
