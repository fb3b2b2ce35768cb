"""Carry LSTM, GRU and RNN weights to and from PyTorch, Keras and ONNX layouts.

Ours (``cell``): column blocks of W (D, G*H), U (H, G*H), b (G*H,) in gate order

* ``"lstm"``: i, f, g, o;  ``"gru"``: r, z, n, plus b_hn (H,) (the recurrent bias of n) and
  the reset placement ``reset_after`` (see :mod:`lstmparity.core.gru`);  ``"rnn"``: one block.

| library | LSTM order | GRU order | input / recurrent weights | bias |
|---|---|---|---|---|
| PyTorch | i, f, g, o | r, z, n | weight_ih_l0 (GH, D) = W^T, weight_hh_l0 = U^T | bias_ih_l0, bias_hh_l0 |
| Keras | i, f, c, o | z, r, h | kernel (D, GH) = W, recurrent_kernel (H, GH) = U | (GH,); GRU reset_after (2, GH) |
| ONNX | i, o, f, c | z, r, h | W (dirs, GH, D), R (dirs, GH, H) | B (dirs, 2GH): [input, recurrent] |

The update gate has the same direction in all three (h = (1 - z) * n + z * h_prev). GRU reset
placement: PyTorch always resets after the recurrent product; Keras ``reset_after=True``
(the TF2 default) and ONNX ``linear_before_reset=1`` are that form, Keras
``reset_after=False`` and ONNX's default ``linear_before_reset=0`` the reset-before form.
GRU parameter dicts from Keras or ONNX carry ``reset_after`` (a bool), so
``gru_forward(x, **params)`` runs the form the weights were trained with.

Biases that are only added (two per gate in PyTorch and ONNX, except GRU's n with reset
after) are summed on import; on export the sum goes into the input-side bias.

What lstmparity cannot compute is refused with an error naming it, never ignored: ONNX
peepholes (P), ``clip``, ``input_forget``, activations other than the defaults, uneven
``sequence_lens``; Keras ``hard_sigmoid``; a torch reset-before GRU. ONNX ``direction``
(forward, reverse, bidirectional: each direction run by our layer) and ``layout = 1``
(batch-first) are supported by :func:`onnx_forward`. CRAN ``rnn`` orders its LSTM gates
f, i, c, o and is not supported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GATE_COUNT = {"lstm": 4, "gru": 3, "rnn": 1}
# Library blocks taken from our blocks: ONNX LSTM i, o, f, c = our blocks 0, 3, 1, 2, and so on.
ORDER = {
    "onnx": {"lstm": (0, 3, 1, 2), "gru": (1, 0, 2), "rnn": (0,)},
    "keras": {"lstm": (0, 1, 2, 3), "gru": (1, 0, 2), "rnn": (0,)},
    "torch": {"lstm": (0, 1, 2, 3), "gru": (0, 1, 2), "rnn": (0,)},
}
ONNX_DEFAULT_ACTIVATIONS = {"lstm": ["Sigmoid", "Tanh", "Tanh"], "gru": ["Sigmoid", "Tanh"], "rnn": ["Tanh"]}


def _gates(cell: str) -> int:
    if cell not in GATE_COUNT:
        raise ValueError(f"cell: expected one of {sorted(GATE_COUNT)}, got {cell!r}")
    return GATE_COUNT[cell]


def _numpy(t: Any) -> np.ndarray:
    """A torch tensor (or anything array-like) as a float64 numpy array."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().double().numpy()
    return np.asarray(t, dtype=np.float64)


def _check(name: str, a: Any, shape: tuple[int, ...]) -> np.ndarray:
    a = _numpy(a)
    if a.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {a.shape}")
    return a


def reorder_blocks(a: np.ndarray, order: tuple[int, ...], axis: int = -1) -> np.ndarray:
    """Blocks of a along axis, taken in ``order`` (order[k] = which of a's blocks goes to place k)."""
    blocks = np.split(np.asarray(a, dtype=np.float64), len(order), axis=axis)
    return np.concatenate([blocks[k] for k in order], axis=axis)


def _inverse(order: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(k) for k in np.argsort(order))


def _n_block(v: np.ndarray, H: int) -> np.ndarray:
    """[0 | 0 | v] (3H,): a bias living only in the n block (ours r, z, n)."""
    return np.concatenate([np.zeros(2 * H), v])


# --- PyTorch ----------------------------------------------------------------------------------
def to_torch(params: dict[str, Any], cell: str = "lstm") -> dict[str, np.ndarray]:
    """``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` state_dict entries (as numpy; wrap with torch.from_numpy)."""
    _gates(cell)
    W, U, b = params["W"], params["U"], params["b"]
    bias_hh = np.zeros_like(b)
    if cell == "gru":
        if not params.get("reset_after", True):
            raise ValueError("reset_after: torch.nn.GRU computes the reset-after form only; these weights "
                             "are for the reset-before form (Cho et al.), which nn.GRU cannot run")
        bias_hh = _n_block(params["b_hn"], U.shape[0])
    return {"weight_ih_l0": W.T.copy(), "weight_hh_l0": U.T.copy(), "bias_ih_l0": np.array(b, dtype=float),
            "bias_hh_l0": bias_hh}


def from_torch(state_dict: dict[str, Any], cell: str = "lstm", reverse: bool = False) -> dict[str, np.ndarray]:
    """W, U, b (and b_hn for the GRU) from a one-layer ``nn.LSTM``/``nn.GRU``/``nn.RNN`` state_dict.

    ``reverse=True`` takes the reverse direction of a bidirectional module (keys ``*_l0_reverse``);
    run it on the time-reversed sequence. nn.RNN(nonlinearity="relu") cannot be told from its
    state_dict: only the tanh RNN is lstmparity's.
    """
    G = _gates(cell)
    sfx = "_l0_reverse" if reverse else "_l0"
    extra = sorted(k for k in state_dict if "_l1" in k or k.startswith("weight_hr"))
    if extra:
        raise ValueError(f"state_dict: {extra} (more layers, or an LSTM proj_size) are not supported; "
                         "lstmparity computes one layer without projection")
    missing = [k + sfx for k in ("weight_ih", "weight_hh") if k + sfx not in state_dict]
    if missing:
        raise ValueError(f"state_dict: missing {missing}; expected the keys of a one-layer torch.nn.{cell.upper()}")
    w_ih = _numpy(state_dict["weight_ih" + sfx])
    GH, D = w_ih.shape
    H = GH // G
    w_hh = _check("weight_hh" + sfx, state_dict["weight_hh" + sfx], (GH, H))
    zero = np.zeros(GH)
    b_ih = _check("bias_ih" + sfx, state_dict["bias_ih" + sfx], (GH,)) if "bias_ih" + sfx in state_dict else zero
    b_hh = _check("bias_hh" + sfx, state_dict["bias_hh" + sfx], (GH,)) if "bias_hh" + sfx in state_dict else zero
    out = {"W": w_ih.T.copy(), "U": w_hh.T.copy()}
    if cell == "gru":  # b_hr, b_hz are only added; b_hn is multiplied by r
        out["b"] = b_ih + np.concatenate([b_hh[: 2 * H], np.zeros(H)])
        out["b_hn"] = b_hh[2 * H :].copy()
    else:
        out["b"] = b_ih + b_hh
    return out


# --- Keras ------------------------------------------------------------------------------------
def to_keras(params: dict[str, Any], cell: str = "lstm") -> list[np.ndarray]:
    """[kernel, recurrent_kernel, bias] for ``layer.set_weights``.

    GRU: for ``GRU(reset_after=True)`` the bias is (2, 3H) [input; recurrent] (Keras gate order
    z, r, h); for ``reset_after=False`` (3H,), with b_hn folded in (there it is only added).
    """
    _gates(cell)
    order = ORDER["keras"][cell]
    W, U, b = (reorder_blocks(params[k], order) for k in ("W", "U", "b"))
    if cell == "gru":
        H = params["U"].shape[0]
        rec = reorder_blocks(_n_block(params["b_hn"], H), order)
        bias = np.stack([b, rec]) if params.get("reset_after", True) else b + rec
        return [W, U, bias]
    return [W, U, b]


def from_keras(kernel: Any, recurrent_kernel: Any, bias: Any, cell: str = "lstm", *,
               activation: str = "tanh", recurrent_activation: str = "sigmoid",
               reset_after: bool = True) -> dict[str, Any]:
    """W, U, b (GRU: and b_hn, reset_after) from ``layer.get_weights()`` of a Keras LSTM/GRU/SimpleRNN.

    Pass the layer's ``activation`` / ``recurrent_activation`` (and a GRU's ``reset_after``):
    anything but tanh / sigmoid is refused (old Keras defaulted to hard_sigmoid, another model).
    """
    G = _gates(cell)
    if activation != "tanh":
        raise ValueError(f"activation: {activation!r} is not supported; lstmparity computes tanh")
    if cell != "rnn" and recurrent_activation != "sigmoid":
        raise ValueError(f"recurrent_activation: {recurrent_activation!r} is not supported; "
                         "lstmparity computes the logistic sigmoid")
    W = _numpy(kernel)
    if W.ndim != 2 or W.shape[1] % G:
        raise ValueError(f"kernel: expected shape (D, {G}H), got {W.shape}")
    H = W.shape[1] // G
    U = _check("recurrent_kernel", recurrent_kernel, (H, G * H))
    inv = _inverse(ORDER["keras"][cell])
    out: dict[str, Any] = {"W": reorder_blocks(W, inv), "U": reorder_blocks(U, inv)}
    if cell == "gru" and reset_after:
        bias = _check("bias", bias, (2, G * H))
        b_in, b_rec = reorder_blocks(bias[0], inv), reorder_blocks(bias[1], inv)
        out["b"] = b_in + np.concatenate([b_rec[: 2 * H], np.zeros(H)])
        out["b_hn"] = b_rec[2 * H :].copy()
    else:
        out["b"] = reorder_blocks(_check("bias", bias, (G * H,)), inv)
        if cell == "gru":
            out["b_hn"] = np.zeros(H)
    if cell == "gru":
        out["reset_after"] = bool(reset_after)
    return out


# --- ONNX -------------------------------------------------------------------------------------
def to_onnx(params: dict[str, Any], cell: str = "lstm") -> dict[str, np.ndarray]:
    """ONNX inputs W (1, GH, D), R (1, GH, H), B (1, 2GH) of one forward direction.

    GRU: use the operator with ``linear_before_reset = 1`` when ``params`` are reset-after (the
    default), 0 otherwise (:func:`onnx_attributes` gives the attributes).
    """
    _gates(cell)
    order = ORDER["onnx"][cell]
    W = reorder_blocks(params["W"].T, order, axis=0)[None]
    R = reorder_blocks(params["U"].T, order, axis=0)[None]
    rec = _n_block(params["b_hn"], params["U"].shape[0]) if cell == "gru" else np.zeros_like(params["b"])
    B = np.concatenate([reorder_blocks(params["b"], order), reorder_blocks(rec, order)])[None]
    return {"W": W, "R": R, "B": B}


def onnx_attributes(params: dict[str, Any], cell: str = "lstm") -> dict[str, Any]:
    """The operator attributes that go with :func:`to_onnx`: hidden_size (and linear_before_reset)."""
    attrs: dict[str, Any] = {"hidden_size": int(params["U"].shape[0])}
    if cell == "gru":
        attrs["linear_before_reset"] = int(params.get("reset_after", True))
    return attrs


_LBR_MSG = "lstmparity computes {}"


def check_onnx_attributes(cell: str, attributes: dict[str, Any]) -> None:
    """Refuse, naming it, every ONNX attribute value lstmparity does not compute."""
    known = {"activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size",
             "layout", "input_forget", "linear_before_reset"}
    unknown = sorted(set(attributes) - known)
    if unknown:
        raise ValueError(f"ONNX {cell.upper()} attributes {unknown}: not attributes of the operator")
    if attributes.get("clip") is not None:
        raise ValueError(f"clip = {attributes['clip']}: not supported; lstmparity never clips the gate "
                         "pre-activations (it computes the unclipped operator)")
    if attributes.get("input_forget", 0):
        raise ValueError("input_forget = 1: not supported; lstmparity computes independent input and forget "
                         "gates (input_forget = 0)")
    if attributes.get("linear_before_reset", 0) and cell != "gru":
        raise ValueError("linear_before_reset: an attribute of the GRU operator only")
    if attributes.get("input_forget", 0) and cell != "lstm":
        raise ValueError("input_forget: an attribute of the LSTM operator only")
    acts = attributes.get("activations")
    if acts is not None:
        acts = [a.decode() if isinstance(a, bytes) else a for a in acts]
        default = ONNX_DEFAULT_ACTIVATIONS[cell]
        if [a.lower() for a in acts] not in ([d.lower() for d in default], [d.lower() for d in default * 2]):
            raise ValueError(f"activations = {acts}: not supported; lstmparity computes {default} "
                             "(per direction), the operator's default")
    for k in ("activation_alpha", "activation_beta"):
        if attributes.get(k):
            raise ValueError(f"{k} = {attributes[k]}: not supported; lstmparity's activations have no parameters")
    if attributes.get("direction", "forward") not in ("forward", "reverse", "bidirectional"):
        raise ValueError(f"direction = {attributes['direction']!r}: expected forward, reverse or bidirectional")
    if attributes.get("layout", 0) not in (0, 1):
        raise ValueError(f"layout = {attributes['layout']}: expected 0 (time-major) or 1 (batch-first)")


def from_onnx(W: Any, R: Any, B: Any | None = None, P: Any | None = None, *, cell: str = "lstm",
              index: int = 0, **attributes: Any) -> dict[str, Any]:
    """W, U, b (GRU: and b_hn, reset_after) of direction ``index`` (0 forward, 1 the reverse of a
    bidirectional operator) from ONNX inputs, after checking the operator's attributes."""
    G = _gates(cell)
    check_onnx_attributes(cell, attributes)
    if P is not None and np.any(_numpy(P) != 0):
        raise ValueError("P: peephole weights are not supported; lstmparity computes the LSTM without "
                         "peepholes (P = 0)")
    W = _numpy(W)
    if W.ndim != 3 or W.shape[1] % G:
        raise ValueError(f"W: expected shape (num_directions, {G}H, D), got {W.shape}")
    dirs, GH, D = W.shape
    H = GH // G
    if attributes.get("hidden_size") not in (None, H):
        raise ValueError(f"hidden_size = {attributes['hidden_size']}: W has H = {H}")
    R = _check("R", R, (dirs, GH, H))
    Bv = np.zeros((dirs, 2 * GH)) if B is None else _check("B", B, (dirs, 2 * GH))
    inv = _inverse(ORDER["onnx"][cell])
    out: dict[str, Any] = {"W": reorder_blocks(W[index], inv, axis=0).T.copy(),
                           "U": reorder_blocks(R[index], inv, axis=0).T.copy()}
    b_in, b_rec = reorder_blocks(Bv[index, :GH], inv), reorder_blocks(Bv[index, GH:], inv)
    if cell == "gru":
        reset_after = bool(attributes.get("linear_before_reset", 0))
        out["b"] = b_in + np.concatenate([b_rec[: 2 * H], np.zeros(H) if reset_after else b_rec[2 * H :]])
        out["b_hn"] = b_rec[2 * H :].copy() if reset_after else np.zeros(H)
        out["reset_after"] = reset_after
    else:
        out["b"] = b_in + b_rec
    return out


def onnx_forward(cell: str, X: Any, W: Any, R: Any, B: Any | None = None, sequence_lens: Any | None = None,
                 initial_h: Any | None = None, initial_c: Any | None = None, P: Any | None = None,
                 **attributes: Any) -> tuple[np.ndarray, ...]:
    """The ONNX operator's outputs (Y, Y_h[, Y_c] for the LSTM) computed by lstmparity's layers.

    Every direction runs through :func:`from_onnx` and the layer forward (reverse: on the
    time-reversed input, outputs flipped back); ``layout = 1`` transposes in and out.
    """
    from lstmparity.core.gru import gru_forward
    from lstmparity.core.layer import lstm_forward
    from lstmparity.core.rnn import rnn_forward

    check_onnx_attributes(cell, attributes)
    X = _numpy(X)
    layout = attributes.get("layout", 0)
    if layout == 1:  # (B, T, D) -> (T, B, D); states (B, dirs, H) -> (dirs, B, H)
        X = X.transpose(1, 0, 2)
        initial_h = None if initial_h is None else _numpy(initial_h).transpose(1, 0, 2)
        initial_c = None if initial_c is None else _numpy(initial_c).transpose(1, 0, 2)
    T = X.shape[0]
    if sequence_lens is not None and np.any(np.asarray(sequence_lens) != T):
        raise ValueError(f"sequence_lens = {list(np.asarray(sequence_lens))}: only full-length sequences "
                         f"(all {T}) are supported; lstmparity's masks carry the state, where ONNX zeroes Y")
    direction = attributes.get("direction", "forward")
    dirs = 2 if direction == "bidirectional" else 1
    ys, hs, cs = [], [], []
    for k in range(dirs):
        p = from_onnx(W, R, B, P, cell=cell, index=k, **attributes)
        backwards = direction == "reverse" or k == 1
        x = X[::-1] if backwards else X
        h0 = None if initial_h is None else _numpy(initial_h)[k]
        if cell == "lstm":
            c0 = None if initial_c is None else _numpy(initial_c)[k]
            out = lstm_forward(x, p["W"], p["U"], p["b"], h0, c0)[0]
            cs.append(out["c"][-1])
        elif cell == "gru":
            out = gru_forward(x, **p, h0=h0)[0]
        else:
            out = rnn_forward(x, **p, h0=h0)[0]
        ys.append(out["h"][::-1] if backwards else out["h"])
        hs.append(out["h"][-1])
    Y, Y_h = np.stack(ys, axis=1), np.stack(hs)  # (T, dirs, B, H), (dirs, B, H)
    results = [Y, Y_h] + ([np.stack(cs)] if cell == "lstm" else [])
    if layout == 1:
        results = [results[0].transpose(2, 0, 1, 3)] + [r.transpose(1, 0, 2) for r in results[1:]]
    return tuple(results)
