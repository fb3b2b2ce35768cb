"""Central finite differences of the loss, independent of our backward pass.

    D(e)   =  (L(p + e) - L(p - e)) / (2 e)               for every element p
    dL/dp ~=  (4 D(eps/2) - D(eps)) / 3                    (Richardson: error O(eps^4))

The extrapolation lets eps be large enough (1e-4) that rounding in L does not
swamp small gradients (the vanishing case), while truncation stays negligible.

Used to verify every fixture before it is written. The error of a tensor is
cs231n's, taken over the whole tensor: max|a - n| / max(|a| + |n|, tiny).
"""

from __future__ import annotations

import numpy as np

from lstmparity.core.cells import cell_of, get_cell
from lstmparity.core.model import model_forward


def _loss(params: dict, config: dict, inputs: dict) -> float:
    return model_forward(params, config, inputs)[0]["loss"]


def _central(flat: np.ndarray, k: int, e: float, params: dict, config: dict, inputs: dict) -> float:
    old = flat[k]
    flat[k] = old + e
    plus = _loss(params, config, inputs)
    flat[k] = old - e
    minus = _loss(params, config, inputs)
    flat[k] = old
    return (plus - minus) / (2 * e)


def numerical_grads(params: dict, config: dict, inputs: dict, eps: float = 1e-4) -> dict[str, np.ndarray]:
    """Numerical dL/d(every parameter) ("dW", ...) and dL/d(every initial state): "dh0" (and "dc0", LSTM)."""
    B, H = config["B"], config["H"]
    params, inputs = dict(params), dict(inputs)
    states = [f"{s}0" for s in get_cell(cell_of(config)).states]  # h0 (, c0)
    for s in states:
        inputs.setdefault(s, np.zeros((B, H)))
    targets = [(params, name, "d" + name) for name in params]
    targets += [(inputs, s, "d" + s) for s in states]
    out = {}
    for holder, name, gname in targets:
        value = holder[name].astype(np.float64).copy()
        holder[name] = value
        grad = np.zeros_like(value)
        flat, gflat = value.reshape(-1), grad.reshape(-1)
        for k in range(flat.size):
            gflat[k] = (4 * _central(flat, k, eps / 2, params, config, inputs)
                        - _central(flat, k, eps, params, config, inputs)) / 3
        out[gname] = grad
    return out


def rel_error(a: np.ndarray, n: np.ndarray, tiny: float = 1e-300) -> float:
    """max|a - n| / max(|a| + |n|) over the tensor (0 when both are exactly zero)."""
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    num = float(np.max(np.abs(a - n), initial=0.0))
    return 0.0 if num == 0.0 else num / max(float(np.max(np.abs(a) + np.abs(n))), tiny)
