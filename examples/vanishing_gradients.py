"""The vanishing-gradient picture: ||dL/dh_t|| against the distance from the loss.

    .venv/bin/python examples/vanishing_gradients.py [out_dir]

1. The LSTM alone, three forget-gate biases: a many-to-one sigmoid head on a 200-step
   random sequence; the loss looks at the last step only, so dh[t] is the gradient that
   travelled 199 - t steps back. With f near 1 the cell carries the gradient far; with f
   near 0 it dies within a few steps.
2. RNN, GRU and LSTM on the same task (lstmparity.training.cell_demo): remember the first of T
   one-hot tokens. ||dL/dh_t|| at initialisation for T = 100, then each cell trained with
   Adam at T = 40 from three seeds, and its accuracy on 1000 held-out sequences.
   (docs/cells.md shows the figures and what they do and do not show.)
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: threads only cost here

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from lstmparity.core.model import init_params  # noqa: E402
from lstmparity.training.cell_demo import cell_gradient_norms, train_first_token  # noqa: E402
from lstmparity.training.plots import gradient_norms, plot_gradient_norms  # noqa: E402

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out_dir.mkdir(parents=True, exist_ok=True)

# 1. The LSTM's forget gate.
T, B, D, H = 200, 4, 8, 16
config = {"D": D, "H": H, "V": None, "K": 1, "head": "many_to_one_sigmoid"}
rng = np.random.default_rng(0)
batch = {"x": rng.standard_normal((T, B, D)), "targets": rng.integers(0, 2, B)}
curves = {}
for forget_bias in (-3.0, 0.0, 3.0):
    params = init_params(config, seed=1)
    params["b"][H : 2 * H] = forget_bias  # the f block of b (gates i, f, g, o)
    norms = gradient_norms(params, config, batch)
    curves[f"forget bias {forget_bias:+.0f}"] = norms
    print(f"forget bias {forget_bias:+.0f}: ||dL/dh|| at distance 0: {norms[-1]:.3e}, "
          f"10: {norms[-11]:.3e}, 50: {norms[-51]:.3e}, 199: {norms[0]:.3e}")
plot_gradient_norms(curves, out_dir / "vanishing_gradients.png")
print(f"wrote {out_dir / 'vanishing_gradients.png'}")

# 2. Three cells, one task.
cells = ("rnn", "gru", "lstm")
curves = {cell: cell_gradient_norms(cell, T=100) for cell in cells}
for cell, norms in curves.items():
    print(f"{cell:4s}: ||dL/dh_t|| / ||dL/dh_T-1|| at distance 10: {norms[-11] / norms[-1]:.2e}, "
          f"40: {norms[-41] / norms[-1]:.2e}, 99: {norms[0] / norms[-1]:.2e}")
plot_gradient_norms(curves, out_dir / "vanishing_gradients_cells.png",
                    title="first-token task, T = 100, at initialisation")
print(f"wrote {out_dir / 'vanishing_gradients_cells.png'}")
print("remember the first of T = 40 tokens, 1000 Adam steps of 64: held-out accuracy per seed")
for cell in cells:
    acc = [train_first_token(cell, T=40, steps=1000, seed=seed)["accuracy"] for seed in (0, 1, 2)]
    print(f"{cell:4s}: " + "  ".join(f"seed {k}: {a:.3f}" for k, a in enumerate(acc)))
