"""The vanishing-gradient picture: ||dL/dh_t|| against the distance from the loss.

    .venv/bin/python examples/vanishing_gradients.py [out.png]

A many-to-one sigmoid head on a 200-step random sequence: the loss looks at the
last step only, so dh[t] (the backward trace of model_backward) is the gradient
that travelled 199 - t steps back. Three forget-gate biases show the LSTM's
point: with f near 1 the cell carries the gradient far; with f near 0 it dies
within a few steps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from lstmparity.model import init_params
from lstmparity.plots import gradient_norms, plot_gradient_norms

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
out = sys.argv[1] if len(sys.argv) > 1 else "out/vanishing_gradients.png"
Path(out).parent.mkdir(parents=True, exist_ok=True)
plot_gradient_norms(curves, out)
print(f"wrote {out}")
