"""The recurrent cells by name: ``"lstm"``, ``"gru"``, ``"rnn"``.

The gate names (and so the gate count) come from the spec (spec/tensors.json, ``cells``),
which R reads too. Each entry says what a caller needs to run a cell without knowing which it is: its gate
names (the column blocks of W, U, b, in order), its parameter names, the layer's forward
and backward, and the names of the state tensors. ``layer_forward(cell, x, params, ...)``
returns ``(out, cache)`` with ``out["h"]`` (T, B, H); ``layer_backward(cell, dh_head, cache)``
returns ``(trace, grads)`` with ``trace["dh"]`` (T, B, H), ``trace["dx"]``, ``trace["dh0"]``
and grads ``"d" + name`` for every parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmparity.core.gru import gru_backward, gru_forward
from lstmparity.core.layer import lstm_backward, lstm_forward
from lstmparity.core.rnn import rnn_backward, rnn_forward
from lstmparity.core.spec import spec


@dataclass(frozen=True)
class Cell:
    name: str
    gates: tuple[str, ...]  # column blocks of W, U and b, in order
    params: tuple[str, ...]  # the layer's parameters (beside a head's or an embedding's)
    states: tuple[str, ...]  # the carried state: h (and c for the LSTM)
    forward: Callable[..., tuple[dict, Any]]
    backward: Callable[..., tuple[dict, dict]]

    @property
    def gate_count(self) -> int:
        return len(self.gates)


def _lstm_forward(x, W, U, b, h0=None, c0=None, mask=None):
    return lstm_forward(x, W, U, b, h0, c0, mask)


def _gru_forward(x, W, U, b, b_hn, h0=None, mask=None, reset_after=True):
    return gru_forward(x, W, U, b, b_hn, h0, mask, reset_after)


def _rnn_forward(x, W, U, b, h0=None, mask=None):
    return rnn_forward(x, W, U, b, h0, mask)


def _gates(name: str) -> tuple[str, ...]:
    return tuple(spec()["cells"][name]["gates"])


CELLS: dict[str, Cell] = {
    "lstm": Cell("lstm", _gates("lstm"), ("W", "U", "b"), ("h", "c"), _lstm_forward, lstm_backward),
    "gru": Cell("gru", _gates("gru"), ("W", "U", "b", "b_hn"), ("h",), _gru_forward, gru_backward),
    "rnn": Cell("rnn", _gates("rnn"), ("W", "U", "b"), ("h",), _rnn_forward, rnn_backward),
}


def get_cell(name: str) -> Cell:
    if name not in CELLS:
        raise ValueError(f"cell: expected one of {sorted(CELLS)}, got {name!r}")
    return CELLS[name]


def init_cell_params(name: str, D: int, H: int, rng: np.random.Generator,
                     keep_bias: float = 1.0) -> dict[str, np.ndarray]:
    """PyTorch's default initialisation, U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias,
    except the bias of the gate that keeps the state: the LSTM's forget gate f and the GRU's
    update gate z (h = (1 - z) * n + z * h_prev) start at ``keep_bias`` (the usual 1)."""
    cell = get_cell(name)
    G, k = cell.gate_count, 1.0 / np.sqrt(H)
    p = {"W": rng.uniform(-k, k, (D, G * H)), "U": rng.uniform(-k, k, (H, G * H)), "b": rng.uniform(-k, k, G * H)}
    if "b_hn" in cell.params:
        p["b_hn"] = rng.uniform(-k, k, H)
    if name in ("lstm", "gru"):  # f is block 1 of i, f, g, o; z is block 1 of r, z, n
        p["b"][H : 2 * H] = keep_bias
    return p


def layer_forward(name: str, x: np.ndarray, params: dict, h0: np.ndarray | None = None,
                  mask: np.ndarray | None = None, **options: Any) -> tuple[dict, Any]:
    """The cell's layer forward. params: the cell's parameters (extra keys are an error)."""
    cell = get_cell(name)
    extra = set(params) - set(cell.params) - {"reset_after"}
    if extra:
        raise ValueError(f"params: {sorted(extra)} are not parameters of the {name} cell ({cell.params})")
    return cell.forward(x, **params, h0=h0, mask=mask, **options)


def layer_backward(name: str, dh_head: np.ndarray, cache: Any) -> tuple[dict, dict]:
    return get_cell(name).backward(dh_head, cache)
