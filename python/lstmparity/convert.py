"""Carry LSTM weights to and from PyTorch, Keras and ONNX layouts.

Ours: W (D, 4H), U (H, 4H), b (4H,), column blocks in gate order i, f, g, o.

| library | gate order | input weights | recurrent weights | bias |
|---|---|---|---|---|
| PyTorch nn.LSTM | i, f, g, o | weight_ih_l0 (4H, D) = W^T | weight_hh_l0 (4H, H) = U^T | bias_ih_l0 + bias_hh_l0 |
| Keras LSTM | i, f, c, o (c = g) | kernel (D, 4H) = W | recurrent_kernel (H, 4H) = U | bias (4H,) = b |
| ONNX LSTM | i, o, f, c | W (1, 4H, D) | R (1, 4H, H) | B (1, 8H) = [input b, recurrent b] |

Two biases (PyTorch, ONNX) are added on import; on export the whole bias goes
into the first and the second is zero. Keras: use ``recurrent_activation="sigmoid"``
(old Keras versions defaulted to ``hard_sigmoid``, which is a different model).
CRAN ``rnn`` orders its gates f, i, c, o and is not supported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ONNX_ORDER = (0, 3, 1, 2)  # ONNX blocks i, o, f, c taken from our blocks i(0), f(1), g(2), o(3)


def _blocks(a: np.ndarray, axis: int) -> list[np.ndarray]:
    return np.split(np.asarray(a, dtype=np.float64), 4, axis=axis)


def _check(name: str, a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {a.shape}")
    return a


def _numpy(t: Any) -> np.ndarray:
    """A torch tensor (or anything array-like) as a float64 numpy array."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().double().numpy()
    return np.asarray(t, dtype=np.float64)


def to_torch(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``nn.LSTM`` state_dict entries (as numpy; wrap with torch.from_numpy to load)."""
    W, U, b = params["W"], params["U"], params["b"]
    return {"weight_ih_l0": W.T.copy(), "weight_hh_l0": U.T.copy(), "bias_ih_l0": b.copy(),
            "bias_hh_l0": np.zeros_like(b)}


def from_torch(state_dict: dict[str, Any]) -> dict[str, np.ndarray]:
    """W, U, b from an ``nn.LSTM`` state_dict (single layer, unidirectional; tensors or arrays)."""
    missing = [k for k in ("weight_ih_l0", "weight_hh_l0") if k not in state_dict]
    if missing:
        raise ValueError(f"state_dict: missing {missing}; expected the keys of a one-layer torch.nn.LSTM")
    w_ih, w_hh = _numpy(state_dict["weight_ih_l0"]), _numpy(state_dict["weight_hh_l0"])
    H4, D = w_ih.shape
    _check("weight_hh_l0", w_hh, (H4, H4 // 4))
    b = np.zeros(H4)
    for key in ("bias_ih_l0", "bias_hh_l0"):
        if key in state_dict:
            b = b + _check(key, _numpy(state_dict[key]), (H4,))
    return {"W": w_ih.T.copy(), "U": w_hh.T.copy(), "b": b}


def to_keras(params: dict[str, np.ndarray]) -> list[np.ndarray]:
    """[kernel, recurrent_kernel, bias] for ``layer.set_weights`` (gate order i, f, c, o = ours)."""
    return [params["W"].copy(), params["U"].copy(), params["b"].copy()]


def from_keras(kernel: Any, recurrent_kernel: Any, bias: Any) -> dict[str, np.ndarray]:
    """W, U, b from ``layer.get_weights()`` of a Keras LSTM."""
    W = np.asarray(kernel, dtype=np.float64)
    H = W.shape[1] // 4
    return {"W": W.copy(), "U": _check("recurrent_kernel", recurrent_kernel, (H, 4 * H)).copy(),
            "b": _check("bias", bias, (4 * H,)).copy()}


def to_onnx(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """ONNX LSTM inputs W (1, 4H, D), R (1, 4H, H), B (1, 8H), gates reordered to i, o, f, c."""
    Wb, Ub, bb = _blocks(params["W"].T, 0), _blocks(params["U"].T, 0), _blocks(params["b"], 0)
    W = np.concatenate([Wb[k] for k in ONNX_ORDER])[None]
    R = np.concatenate([Ub[k] for k in ONNX_ORDER])[None]
    B = np.concatenate([bb[k] for k in ONNX_ORDER] + [np.zeros_like(params["b"])])[None]
    return {"W": W, "R": R, "B": B}


def from_onnx(W: Any, R: Any, B: Any | None = None) -> dict[str, np.ndarray]:
    """W, U, b from ONNX LSTM inputs (one direction, no peepholes)."""
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 3 or W.shape[0] != 1:
        raise ValueError(f"W: expected shape (1, 4H, D) (one direction), got {W.shape}")
    H4, D = W.shape[1:]
    R = _check("R", R, (1, H4, H4 // 4))
    Bv = np.zeros(2 * H4) if B is None else _check("B", B, (1, 2 * H4))[0]
    bias = Bv[:H4] + Bv[H4:]
    inverse = np.argsort(ONNX_ORDER)  # our block k is ONNX block inverse[k]
    Wb, Rb, bb = _blocks(W[0], 0), _blocks(R[0], 0), _blocks(bias, 0)
    return {"W": np.concatenate([Wb[k] for k in inverse]).T.copy(),
            "U": np.concatenate([Rb[k] for k in inverse]).T.copy(),
            "b": np.concatenate([bb[k] for k in inverse])}
