"""The vanishing-gradient picture: ||dL/dh_t|| against the distance from the loss.

    .venv/bin/python examples/vanishing_gradients.py [out_dir]

1. The LSTM alone, three forget-gate biases: a many-to-one sigmoid head on a 200-step
   random sequence; the loss looks at the last step only, so dh[t] is the gradient that
   travelled 199 - t steps back. With f near 1 the cell carries the gradient far; with f
   near 0 it dies within a few steps.
2. RNN, GRU and LSTM on one task (lstmparity.training.cell_demo): remember a bit shown at
   the first step through T - 1 steps of Gaussian noise on the same input. ||dL/dh_t|| at
   initialisation for T = 100, then each cell trained at T = 50 from five seeds (Adam,
   lr 0.003, clipping at norm 1, 500 batches of 32) and its accuracy on 1000 held-out
   sequences: the RNN stays at chance, the GRU and the LSTM learn. (docs/cells.md: the table.)
   About 30 s in all with one BLAS thread (R's script: 1.5 min).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: threads only cost here

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from lstmparity.core.model import init_params  # noqa: E402
from lstmparity.training.cell_demo import cell_gradient_norms, train_noisy_bit  # noqa: E402
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
                    title="noisy-bit task, T = 100, at initialisation")
print(f"wrote {out_dir / 'vanishing_gradients_cells.png'}")
seeds = (0, 1, 2, 3, 4)
print("remember a bit through T = 50 steps of noise, 500 Adam steps of 32: held-out accuracy")
print("cell  " + "  ".join(f"seed {s}" for s in seeds) + "   time")
for cell in cells:
    start = time.perf_counter()
    acc = [train_noisy_bit(cell, T=50, steps=500, seed=seed)["accuracy"] for seed in seeds]
    print(f"{cell:4s}  " + "  ".join(f"{a:6.3f}" for a in acc) + f"  {time.perf_counter() - start:5.0f} s")
