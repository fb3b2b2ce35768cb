"""Weight layouts of other LSTM code, and the conversions to and from ours (R: R/layouts.R, same names).

Ours (layout ``"lstmparity"``): ``W`` (D, 4H), ``U`` (H, 4H), ``b`` (4H,), column
blocks in gate order i, f, g, o; z_t = x_t W + h_{t-1} U + b.

| layout | parameters | shapes |
|---|---|---|
| ``lstmparity`` | ``W``, ``U``, ``b`` | (D, 4H), (H, 4H), (4H,) |
| ``pytorch`` | ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` | (4H, D), (4H, H), (4H,), (4H,) |
| ``keras`` | ``kernel``, ``recurrent_kernel``, ``bias`` | (D, 4H), (H, 4H), (4H,) |
| ``per_gate_xh`` | ``W_i, W_f, W_g, W_o`` on ``[x | h]``; ``b_i, b_f, b_g, b_o`` | (D + H, H); (H,) |
| ``per_gate_hx`` | ``W_i, ...`` on ``[h | x]``; ``b_i, ...`` | (H + D, H); (H,) |
| ``per_gate_xh_bias_row`` | ``W_i, ...`` on ``[x | h | 1]`` (last row: the bias) | (D + H + 1, H) |
| ``per_gate_hx_bias_row`` | ``W_i, ...`` on ``[h | x | 1]`` | (H + D + 1, H) |

``gate_order`` (stacked layouts only) is the order of the four blocks, a
permutation of ``"ifgo"``; ``c`` may stand for ``g`` (Keras says i, f, c, o).
PyTorch's two biases are added on the way in; on the way out the whole bias
goes into ``bias_ih`` and ``bias_hh`` is zero.

Gradients use the names and shapes of the parameters they belong to:
:func:`grads_from_layout` reads ``dL/dW_i`` under the key ``W_i``. Parameters
other than W, U, b (E, Wy, by) pass through unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmparity.core.convert import reorder_blocks

LAYOUTS = ("lstmparity", "pytorch", "keras", "per_gate_xh", "per_gate_hx", "per_gate_xh_bias_row",
           "per_gate_hx_bias_row")
GATES = "ifgo"
LAYOUT_KEYS = {
    "lstmparity": ("W", "U", "b"),
    "pytorch": ("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
    "keras": ("kernel", "recurrent_kernel", "bias"),
    "per_gate_xh": ("W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o"),
    "per_gate_hx": ("W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o"),
    "per_gate_xh_bias_row": ("W_i", "W_f", "W_g", "W_o"),
    "per_gate_hx_bias_row": ("W_i", "W_f", "W_g", "W_o"),
}


def check_gate_order(gate_order: str) -> str:
    """``gate_order`` with ``c`` read as ``g``; ValueError unless a permutation of i, f, g, o."""
    order = str(gate_order).replace("c", "g")
    if sorted(order) != sorted(GATES):
        raise ValueError(f"gate_order {gate_order!r}: expected a permutation of 'ifgo' (c may stand for g)")
    return order


def check_layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    return layout


def _reorder(a: np.ndarray, order: str, axis: int, inverse: bool = False) -> np.ndarray:
    """Blocks of ``a`` along ``axis`` from our order i, f, g, o to ``order`` (or back with ``inverse``)."""
    if inverse:  # block k of ``a`` is gate order[k]: our gate g is a's block order.index(g)
        return reorder_blocks(a, tuple(order.index(g) for g in GATES), axis)
    return reorder_blocks(a, tuple(GATES.index(g) for g in order), axis)


def params_to_layout(params: dict[str, Any], layout: str = "lstmparity", gate_order: str = "ifgo") -> dict:
    """Our W (D, 4H), U (H, 4H), b (4H,) as ``layout``; other entries (E, Wy, by) unchanged."""
    layout, order = check_layout(layout), check_gate_order(gate_order)
    rest = {k: v for k, v in params.items() if k not in ("W", "U", "b")}
    if "W" not in params or (layout == "lstmparity" and order == GATES):
        return dict(params)
    W, U, b = (_reorder(params[k], order, axis=-1) for k in ("W", "U", "b"))
    if layout == "lstmparity":
        return {"W": W, "U": U, "b": b, **rest}
    if layout == "pytorch":
        return {"weight_ih": W.T.copy(), "weight_hh": U.T.copy(), "bias_ih": b, "bias_hh": np.zeros_like(b),
                **rest}
    if layout == "keras":
        return {"kernel": W, "recurrent_kernel": U, "bias": b, **rest}
    W0, U0, b0 = (np.asarray(params[k], dtype=np.float64) for k in ("W", "U", "b"))
    H = U0.shape[0]
    out = {}
    for k, g in enumerate(GATES):
        cols = slice(k * H, (k + 1) * H)
        rows = [W0[:, cols], U0[:, cols]] if "_xh" in layout else [U0[:, cols], W0[:, cols]]
        if layout.endswith("_bias_row"):
            rows.append(b0[None, cols])
        else:
            out[f"b_{g}"] = b0[cols].copy()
        out[f"W_{g}"] = np.concatenate(rows, axis=0)
    return {**out, **rest}


def _from_layout(p: dict[str, Any], layout: str, gate_order: str, D: int, pytorch_bias: str) -> dict:
    layout, order = check_layout(layout), check_gate_order(gate_order)
    keys = LAYOUT_KEYS[layout]
    rest = {k: v for k, v in p.items() if k not in keys}
    if layout == "lstmparity":
        W, U, b = p["W"], p["U"], p["b"]
    elif layout == "pytorch":
        W, U = np.asarray(p["weight_ih"], dtype=np.float64).T, np.asarray(p["weight_hh"], dtype=np.float64).T
        b = _pytorch_bias(p, pytorch_bias)
    elif layout == "keras":
        W, U, b = p["kernel"], p["recurrent_kernel"], p["bias"]
    else:
        Ws = [np.asarray(p[f"W_{g}"], dtype=np.float64) for g in GATES]
        H = Ws[0].shape[1]
        xh = "_xh" in layout
        W = np.concatenate([w[:D] if xh else w[H:H + D] for w in Ws], axis=1)
        U = np.concatenate([w[D:D + H] if xh else w[:H] for w in Ws], axis=1)
        if layout.endswith("_bias_row"):
            b = np.concatenate([w[D + H] for w in Ws])
        else:
            b = np.concatenate([np.asarray(p[f"b_{g}"], dtype=np.float64).reshape(-1) for g in GATES])
        return {"W": W, "U": U, "b": b, **rest}
    W, U, b = (_reorder(a, order, axis=-1, inverse=True) for a in (W, U, b))
    return {"W": W, "U": U, "b": b, **rest}


def _pytorch_bias(p: dict[str, Any], how: str) -> np.ndarray:
    ih, hh = p.get("bias_ih"), p.get("bias_hh")
    if how == "sum":  # parameters: the two biases are added
        return sum(np.asarray(v, dtype=np.float64) for v in (ih, hh) if v is not None)
    return np.asarray(ih if ih is not None else hh, dtype=np.float64)  # gradients: each one is dL/db


def params_from_layout(p: dict[str, Any], layout: str = "lstmparity", gate_order: str = "ifgo",
                       D: int | None = None) -> dict:
    """Parameters in ``layout`` back to our W, U, b (+ the other entries). ``D`` is needed for per-gate layouts."""
    return _from_layout(p, layout, gate_order, _input_size(p, layout, D), "sum")


def grads_from_layout(g: dict[str, Any], layout: str = "lstmparity", gate_order: str = "ifgo",
                      D: int | None = None) -> dict:
    """Gradients named like the parameters of ``layout`` back to ours: dW, dU, db (+ the others unchanged).

    ``g`` holds dL/d(parameter) under the parameter's name (``W_i``, ``weight_ih``, ...);
    the result uses our gradient names (``dW``, ``dU``, ``db``). PyTorch: dL/d bias_ih = dL/d bias_hh = db.
    """
    ours = _from_layout(g, layout, gate_order, _input_size(g, layout, D), "first")
    return {("d" + k if k in ("W", "U", "b") else k): v for k, v in ours.items()}


def _input_size(p: dict[str, Any], layout: str, D: int | None) -> int:
    if D is not None or not layout.startswith("per_gate"):
        return 0 if D is None else D
    raise ValueError(f"layout {layout}: pass D (the input size) to split the per-gate matrices")


def gate_grads_from_post(backward: dict[str, Any], forward: dict[str, Any]) -> dict:
    """Gate gradients w.r.t. the activations (dL/di, ...) -> w.r.t. the pre-activations (ours).

    di_pre = di * i (1 - i), and likewise f and o (sigmoid gates); dg_pre = dg * (1 - g^2) (tanh).
    Arrays (T, B, H); entries other than di, df, dg, do are returned unchanged.
    """
    out = dict(backward)
    for name in ("i", "f", "o"):
        if "d" + name in backward:
            a = np.asarray(forward[name], dtype=np.float64)
            out["d" + name] = np.asarray(backward["d" + name], dtype=np.float64) * a * (1 - a)
    if "dg" in backward:
        g = np.asarray(forward["g"], dtype=np.float64)
        out["dg"] = np.asarray(backward["dg"], dtype=np.float64) * (1 - g**2)
    return out
