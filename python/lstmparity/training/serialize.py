"""Saved models and checkpoints: one JSON format that Python and R both read and write.

Model file (``save_model`` / ``load_model``; R: ``save_model()`` / ``load_model()``)::

    {"format": "lstmparity-model", "format_version": 1,
     "config": {"D", "H", "V", "K", "head"},      V, K null when absent
     "vocab":  ["a", "b", ...] or null,           token id k (0-based) is vocab[k]
     "meta":   {...},                              free-form: task, tokeniser settings, ...
     "params": {"E", "W", "U", "b", "Wy", "by"}}   row-major nested lists

Checkpoint file (``save_checkpoint`` / ``load_checkpoint``): the same ``config`` plus
``options`` (TrainOptions) and ``state`` (TrainState: params, optimiser state,
generator state, counters, running sums, history).

Floats are written with ``repr`` (lstmparity.core.jsonio) and read back bit-exactly;
files are written to a temporary file and renamed (atomic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lstmparity.core import convert
from lstmparity.core.jsonio import dumps, loads, write_atomic
from lstmparity.core.model import ordered
from lstmparity.training.state import TrainState, options_dict
from lstmparity.training.validate import DataError

MODEL_FORMAT, CHECKPOINT_FORMAT, FORMAT_VERSION = "lstmparity-model", "lstmparity-checkpoint", 1
CONFIG_KEYS = ("D", "H", "V", "K", "head")
CELL_KEYS = ("cell", "reset_after")  # kept when set: an LSTM's file does not name its cell


def _arrays(d: dict | None) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=float) for k, v in (d or {}).items()}


def _read(path: str | Path, fmt: str) -> dict:
    """The parsed file, or DataError (one line) when it is not a complete file of this format."""
    try:
        obj = loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataError(f"{path}: cannot read a complete JSON file (truncated?): {str(e).splitlines()[0]}") from None
    if not isinstance(obj, dict) or obj.get("format") != fmt or obj.get("format_version") != FORMAT_VERSION:
        obj = obj if isinstance(obj, dict) else {}
        raise DataError(f"{path}: expected format {fmt!r} version {FORMAT_VERSION}, got "
                         f"{obj.get('format')!r} version {obj.get('format_version')!r}")
    return obj


def model_config(config: dict) -> dict:
    """The size/head part of a config, and its cell when it names one (T and B belong to a batch, not to the
    model)."""
    return {**{k: config.get(k) for k in CONFIG_KEYS}, **{k: config[k] for k in CELL_KEYS if k in config}}


def save_model(path: str | Path, params: dict, config: dict, vocab: list[str] | None = None,
               meta: dict | None = None) -> None:
    """Write weights + vocabulary + config as one JSON file (atomically)."""
    obj = {"format": MODEL_FORMAT, "format_version": FORMAT_VERSION, "config": model_config(config),
           "vocab": vocab, "meta": meta or {}, "params": ordered(params)}
    write_atomic(path, dumps(obj))


def load_model(path: str | Path) -> tuple[dict[str, np.ndarray], dict, list[str] | None, dict]:
    """(params, config, vocab, meta) from a model file written by either language."""
    obj = _read(path, MODEL_FORMAT)
    return ordered(_arrays(obj["params"])), obj["config"], obj["vocab"], obj["meta"]


# --- checkpoints ---------------------------------------------------------------------------


def _opt_state_to_json(s: dict) -> dict:
    return {k: (v if k == "k" else ordered(v)) for k, v in s.items()}


def _opt_state_from_json(s: dict) -> dict:
    return {k: (int(v) if k == "k" else _arrays(v)) for k, v in s.items()}


def save_checkpoint(path: str | Path, state: Any, config: dict, opts: Any) -> None:
    """Write a TrainState (and the config / options it belongs to) atomically."""
    best = state.best and {"epoch": state.best["epoch"], "valid_loss": state.best["valid_loss"],
                           "params": ordered(state.best["params"])}
    st = {"params": ordered(state.params), "opt_state": _opt_state_to_json(state.opt_state),
          "rng_state": state.rng_state, "epoch": state.epoch, "batch": state.batch, "step": state.step,
          "sums": list(state.sums), "history": list(state.history), "step_losses": list(state.step_losses),
          "best": best, "stopped": state.stopped}
    obj = {"format": CHECKPOINT_FORMAT, "format_version": FORMAT_VERSION, "config": model_config(config),
           "options": options_dict(opts), "state": st}
    write_atomic(path, dumps(obj))


def load_checkpoint(path: str | Path) -> tuple[Any, dict, dict]:
    """(TrainState, config, options dict) from a checkpoint file."""
    obj = _read(path, CHECKPOINT_FORMAT)
    try:
        st = obj["state"]
        best = st["best"] and {**st["best"], "params": ordered(_arrays(st["best"]["params"]))}
        state = TrainState(params=ordered(_arrays(st["params"])), opt_state=_opt_state_from_json(st["opt_state"]),
                           rng_state=int(st["rng_state"]), epoch=st["epoch"], batch=st["batch"], step=st["step"],
                           sums=tuple(st["sums"]), history=tuple(st["history"]),
                           step_losses=tuple(st["step_losses"]), best=best, stopped=st["stopped"])
        return state, obj["config"], obj["options"]
    except (KeyError, TypeError, ValueError) as e:
        raise DataError(f"{path}: not a complete checkpoint (missing or bad field {e})") from None


# --- PyTorch ----------------------------------------------------------------------------


def to_torch_state_dict(params: dict) -> dict[str, np.ndarray]:
    """The whole model as the state_dict of ``embedding`` (nn.Embedding), ``lstm`` (nn.LSTM,
    one layer, batch_first=False) and ``head`` (nn.Linear): embedding.weight = E,
    lstm.weight_ih_l0 = W^T, lstm.weight_hh_l0 = U^T, lstm.bias_ih_l0 + lstm.bias_hh_l0 = b,
    head.weight = Wy^T, head.bias = by. The LSTM layout is lstmparity.core.convert's."""
    sd = {}
    if "E" in params:
        sd["embedding.weight"] = np.array(params["E"])
    sd.update({f"lstm.{k}": v for k, v in convert.to_torch(params).items()})
    if "Wy" in params:
        sd["head.weight"], sd["head.bias"] = params["Wy"].T.copy(), np.array(params["by"])
    return sd


def from_torch_state_dict(state_dict: dict) -> dict[str, np.ndarray]:
    """The inverse of :func:`to_torch_state_dict` (tensors or arrays); the two LSTM biases are added."""
    a = {k: convert._numpy(v) for k, v in state_dict.items()}
    params = {}
    if "embedding.weight" in a:
        params["E"] = a["embedding.weight"]
    params.update(convert.from_torch({k[len("lstm."):]: v for k, v in a.items() if k.startswith("lstm.")}))
    if "head.weight" in a:
        params["Wy"], params["by"] = a["head.weight"].T.copy(), a["head.bias"]
    return ordered(params)
