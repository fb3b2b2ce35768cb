"""The recurrent cells by name: ``"lstm"``, ``"gru"``, ``"rnn"``.

The gate names (and so the gate count) come from the spec (spec/tensors.json, ``cells``),
which R reads too. Each entry says what a caller needs to run a cell without knowing which it is: its gate
names (the column blocks of W, U, b, in order), its parameter names, the names of the state tensors
(their initial values h0, c0 are inputs), the config options its layer takes, the four blocks a
run can swap (:class:`lstmparity.core.model.Ops`) and the layer's forward and backward, which take
those blocks as arguments. The model (:mod:`lstmparity.core.model`) runs every cell through this.
``layer_forward(cell, x, params, ...)`` returns ``(out, cache)`` with ``out["h"]`` (T, B, H);
``layer_backward(cell, dh_head, cache)`` returns ``(trace, grads)`` with ``trace["dh"]`` (T, B, H),
``trace["dx"]``, ``trace["dh0"]`` and grads ``"d" + name`` for every parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmparity.core.cell import lstm_local_grads, lstm_step_backward, lstm_step_forward
from lstmparity.core.gru import (
    gru_backward,
    gru_forward,
    gru_local_grads,
    gru_param_grads,
    gru_step_backward,
    gru_step_forward,
)
from lstmparity.core.layer import lstm_backward, lstm_forward, lstm_param_grads
from lstmparity.core.rnn import (
    rnn_backward,
    rnn_forward,
    rnn_local_grads,
    rnn_param_grads,
    rnn_step_backward,
    rnn_step_forward,
)
from lstmparity.core.spec import DEFAULT_CELL, spec

BLOCKS = ("step_forward", "local_grads", "step_backward", "param_grads")  # what a run can swap (model.Ops)


@dataclass(frozen=True)
class Cell:
    name: str
    gates: tuple[str, ...]  # column blocks of W, U and b, in order
    params: tuple[str, ...]  # the layer's parameters (beside a head's or an embedding's)
    states: tuple[str, ...]  # the carried state: h (and c for the LSTM); initial values h0 (, c0) in the inputs
    options: tuple[str, ...]  # config fields the layer takes (the GRU's reset_after)
    blocks: dict[str, Callable]  # the reference blocks of BLOCKS, by name
    forward: Callable[..., tuple[dict, Any]]  # (x, *params, h0, [c0], mask, [options], step_forward)
    backward: Callable[..., tuple[dict, dict]]  # (dh_head, cache, step_backward, local_grads, param_grads)

    @property
    def gate_count(self) -> int:
        return len(self.gates)


def _lstm_forward(x, W, U, b, h0=None, c0=None, mask=None, step_forward=lstm_step_forward):
    return lstm_forward(x, W, U, b, h0, c0, mask, step_forward)


def _gru_forward(x, W, U, b, b_hn, h0=None, mask=None, reset_after=True, step_forward=gru_step_forward):
    return gru_forward(x, W, U, b, b_hn, h0, mask, reset_after, step_forward)


def _rnn_forward(x, W, U, b, h0=None, mask=None, step_forward=rnn_step_forward):
    return rnn_forward(x, W, U, b, h0, mask, step_forward)


def _gates(name: str) -> tuple[str, ...]:
    return tuple(spec()["cells"][name]["gates"])


CELLS: dict[str, Cell] = {
    "lstm": Cell("lstm", _gates("lstm"), ("W", "U", "b"), ("h", "c"), (),
                 dict(zip(BLOCKS, (lstm_step_forward, lstm_local_grads, lstm_step_backward, lstm_param_grads),
                          strict=True)), _lstm_forward, lstm_backward),
    "gru": Cell("gru", _gates("gru"), ("W", "U", "b", "b_hn"), ("h",), ("reset_after",),
                dict(zip(BLOCKS, (gru_step_forward, gru_local_grads, gru_step_backward, gru_param_grads),
                         strict=True)), _gru_forward, gru_backward),
    "rnn": Cell("rnn", _gates("rnn"), ("W", "U", "b"), ("h",), (),
                dict(zip(BLOCKS, (rnn_step_forward, rnn_local_grads, rnn_step_backward, rnn_param_grads),
                         strict=True)), _rnn_forward, rnn_backward),
}


def cell_of(config: dict) -> str:
    """The cell of a config (or a case's config): ``config["cell"]``, "lstm" when absent."""
    return config.get("cell") or DEFAULT_CELL


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
    extra = set(params) - set(cell.params) - set(cell.options)
    if extra:
        raise ValueError(f"params: {sorted(extra)} are not parameters of the {name} cell ({cell.params})")
    return cell.forward(x, **params, h0=h0, mask=mask, **options)


def layer_backward(name: str, dh_head: np.ndarray, cache: Any) -> tuple[dict, dict]:
    return get_cell(name).backward(dh_head, cache)
