"""What an adapter declares about itself: the features it supports, its weight layout, its conventions.

Python: an attribute of the adapter function, ``adapter.declares = {...}``;
R: a list ``lstmparity_declares <- list(...)`` in the adapter file. Every key is optional:

* ``supports`` — the features of :func:`lstmparity.suite.features.case_features` it can run:
  ``embedding``, ``mask``, ``initial_state``, ``head:<name>`` (or ``head:*``),
  ``optimizer:<name>`` (or ``optimizer:*``), ``clip``, and the cells ``cell:lstm``,
  ``cell:gru``, ``cell:rnn`` (or ``cell:*``). Default: everything, of the LSTM: an adapter
  that names no cell is an LSTM (``cell:lstm``), and is skipped on the GRU's and the RNN's
  cases ("needs cell:gru").
* ``layer_only`` — ``True``: the adapter gets ``inputs.x`` and ``inputs.dh_head``
  (the case's ``layer_inputs``) and W, U, b, and returns the layer's tensors;
  head, embedding and optimizer are not applicable. Default ``False``.
* ``layout`` — one of :data:`lstmparity.core.layouts.LAYOUTS`. Default ``lstmparity``.
* ``gate_order`` — a permutation of ``ifgo`` (``c`` may stand for ``g``). Default ``ifgo``.
  (Layouts and gate orders are the LSTM's: an adapter of another cell keeps the defaults.)
* ``gate_grads`` — ``pre`` (di = dL/dz_i, ours) or ``post`` (di = dL/di). Default ``pre``.
* ``step_base`` — 0 or 1: the first ``t`` given to ``record()``. Default 0 in Python, 1 in R.

A case that needs a feature the adapter does not support is **skipped** ("needs
mask"), not run. With ``layer_only``, the cell, ``mask`` and ``initial_state`` are the
only features that still matter.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np
from lstmparity.core import layouts
from lstmparity.core.heads import HEADS
from lstmparity.core.spec import DEFAULT_CELL, spec
from lstmparity.core.trace import BACKWARD_STEP, FORWARD_STEP
from lstmparity.suite.features import case_features

from .errors import AdapterError, BadInput

KEYS = ("supports", "layer_only", "layout", "gate_order", "gate_grads", "step_base")
CELL_FEATURES = tuple(f"cell:{c}" for c in spec()["cells"])  # cell:lstm, cell:gru, cell:rnn
FEATURES = ("embedding", "mask", "initial_state", "clip", "head:*", "optimizer:*", "cell:*",
            *(f"head:{h}" for h in HEADS), "optimizer:sgd", "optimizer:adam", *CELL_FEATURES)
LAYER_FEATURES = ("mask", "initial_state")
LAYER_FORWARD = tuple(n for n in FORWARD_STEP if n != "x")  # every cell's: i, f, g, o, c, r, z, n, h
LAYER_BACKWARD = (*BACKWARD_STEP, "dh0", "dc0")
LAYER_GRADS = ("dW", "dU", "db", "db_hn")
LAYER_PARAMS = ("W", "U", "b", "b_hn")


# What the built-in references (python, r) declare: every feature, every cell.
REFERENCE_SUPPORTS = ["embedding", "mask", "initial_state", "clip", "head:*", "optimizer:*", "cell:*"]


def default_declares(lang: str = "python") -> dict[str, Any]:
    """The declaration of an adapter that declares nothing: supports everything of the LSTM, our layout."""
    return {"supports": None, "layer_only": False, "layout": "lstmparity", "gate_order": "ifgo",
            "gate_grads": "pre", "step_base": 1 if lang == "r" else 0}


def reference_declares(lang: str = "python") -> dict[str, Any]:
    """The declaration of the built-in references: every feature of every cell, our layout."""
    return {**default_declares(lang), "supports": list(REFERENCE_SUPPORTS)}


def suggest(word: str, valid: tuple[str, ...] | list[str]) -> str:
    """' (did you mean "forward"?)' for the closest valid names, or a list of them."""
    close = difflib.get_close_matches(word, valid, n=2, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f'"{c}"' for c in close) + "?"
    return "; expected one of " + ", ".join(valid)


def _one(raw: Any) -> Any:
    """R gives length-1 vectors as one-element lists or arrays: their element."""
    if isinstance(raw, (list, np.ndarray)) and len(raw) == 1:
        return raw[0].item() if isinstance(raw, np.ndarray) else raw[0]
    return raw


def validate_declares(raw: Any, lang: str, spec: str) -> dict[str, Any]:
    """The declaration with defaults filled in; BadInput naming the key and what was expected."""
    out = default_declares(lang)
    if raw is None:
        return out
    where = f"--impl {spec}: " + ("adapter.declares" if lang == "python" else "lstmparity_declares")
    if not isinstance(raw, dict):
        raise BadInput(f"{where}: expected a {'dict' if lang == 'python' else 'named list'}, "
                       f"got {type(raw).__name__}")
    for key, value in raw.items():
        if key not in KEYS:
            raise BadInput(f'{where}: unknown key "{key}"{suggest(key, KEYS)}')
        out[key] = _declared(where, key, value)
    others = [c for c in declared_cells(out) if c not in (f"cell:{DEFAULT_CELL}",)]
    if others and (out["layout"], out["gate_order"]) != ("lstmparity", "ifgo"):
        raise BadInput(f"{where}: layout {out['layout']}, gate_order {out['gate_order']}: layouts and gate orders "
                       f"are the LSTM's; an adapter that runs {', '.join(others)} takes lstmparity's layout "
                       "(W (D, GH), U (H, GH), b (GH), column blocks in the cell's gate order)")
    return out


def declared_cells(declares: dict) -> list[str]:
    """The cells an adapter runs: those it names in ``supports`` (``cell:*``: every cell), else the LSTM."""
    named = [f for f in declares["supports"] or [] if f.startswith("cell:")]
    if "cell:*" in named:
        return list(CELL_FEATURES)
    return named or [f"cell:{DEFAULT_CELL}"]


def _declared(where: str, key: str, value: Any) -> Any:
    if key == "supports":
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, np.ndarray)) else None
        if items is None or not all(isinstance(v, str) for v in items):
            raise BadInput(f"{where}: supports: expected a list of feature names, got {value!r}")
        for v in items:
            if v not in FEATURES:
                raise BadInput(f'{where}: supports: unknown feature "{v}"{suggest(v, FEATURES)}')
        return items
    value = _one(value)
    try:
        if key == "layer_only":
            if not isinstance(value, (bool, np.bool_)) and value not in (0, 1):
                raise ValueError(f"expected TRUE/FALSE (True/False), got {value!r}")
            return bool(value)
        if key == "layout":
            return layouts.check_layout(value)
        if key == "gate_order":
            return layouts.check_gate_order(value)
        if key == "gate_grads":
            if value not in ("pre", "post"):
                raise ValueError(f"expected 'pre' (dL/dz, ours) or 'post' (dL/d activation), got {value!r}")
            return value
        if value not in (0, 1):  # step_base
            raise ValueError(f"expected 0 or 1, got {value!r}")
        return int(value)
    except ValueError as err:
        raise BadInput(f"{where}: {key}: {err}") from None


def needs(case: dict, declares: dict) -> list[str]:
    """The features ``case`` needs that the adapter does not support (empty: it can run). The cell is
    always one: an adapter that names no cell runs the LSTM only."""
    supports = declares["supports"]
    features = case_features(case)
    if declares["layer_only"]:
        features = [f for f in features if f in LAYER_FEATURES or f.startswith("cell:")]
    cells = declared_cells(declares)
    missing = [f for f in features if f.startswith("cell:") and f not in cells]
    if supports is None:
        return missing
    ok = set(supports)
    return missing + [f for f in features if not f.startswith("cell:") and f not in ok
                      and f"{f.split(':')[0]}:*" not in ok]


def layer_case(case: dict) -> dict:
    """What a layer-only adapter gets: x, dh_head (T, B, H), h0/c0/mask if present, and W, U, b (and the GRU's
    b_hn)."""
    li = case.get("layer_inputs")
    if li is None:
        raise AdapterError("the fixture has no layer_inputs (x and dh_head for a layer-only adapter); "
                           "regenerate the fixtures with `lstmparity fixtures`")
    inputs = {"x": li["x"], "dh_head": li["dh_head"]}
    inputs.update({k: case["inputs"][k] for k in ("h0", "c0", "mask") if k in case["inputs"]})
    params = {k: case["params"][k] for k in LAYER_PARAMS if k in case["params"]}
    return {"name": case.get("name"), "config": case["config"], "tolerance": case.get("tolerance"),
            "params": params, "inputs": inputs}


def adapter_case(case: dict, declares: dict) -> dict:
    """The case an adapter sees: without ``expected`` (and reduced to the layer's inputs when layer-only)."""
    if declares["layer_only"]:
        return layer_case(case)
    return {k: v for k, v in case.items() if k not in ("expected", "layer_inputs")}


def applicable(expected: dict, declares: dict) -> dict:
    """The part of ``expected`` the adapter is checked on: for a layer-only adapter, the layer's tensors."""
    if not declares["layer_only"]:
        return expected
    return {"forward": {k: v for k, v in expected["forward"].items() if k in LAYER_FORWARD},
            "backward": {k: v for k, v in expected["backward"].items() if k in LAYER_BACKWARD},
            "grads": {k: v for k, v in expected["grads"].items() if k in LAYER_GRADS}}


def map_back(result: dict, declares: dict, D: int) -> dict:
    """The result in our names and conventions: gradients out of the declared layout, gate gradients pre-activation."""
    out = dict(result)
    layout, order = declares["layout"], declares["gate_order"]
    if isinstance(out.get("grads"), dict) and (layout != "lstmparity" or order != "ifgo"):
        g = out["grads"]
        if layout == "lstmparity":  # our names dW, dU, db: only the gate order to undo
            g = {({"dW": "W", "dU": "U", "db": "b"}.get(k, k)): v for k, v in g.items()}
        out["grads"] = _convert(lambda d: layouts.grads_from_layout(d, layout, order, D), g, layout,
                                "grads")
    steps = out.get("optimizer_steps")
    if isinstance(steps, list) and (layout != "lstmparity" or order != "ifgo"):
        out["optimizer_steps"] = [
            {**s, "params": _convert(lambda d: layouts.params_from_layout(d, layout, order, D), s["params"],
                                     layout, f"optimizer_steps[{k}].params")}
            if isinstance(s, dict) and isinstance(s.get("params"), dict) else s
            for k, s in enumerate(steps)]
    if declares["gate_grads"] == "post" and isinstance(out.get("backward"), dict):
        fwd = out.get("forward") if isinstance(out.get("forward"), dict) else {}
        gates = [n for n in ("di", "df", "dg", "do") if n in out["backward"]]
        lacking = [n[1] for n in gates if n[1] not in fwd]
        if lacking:
            raise AdapterError(f"gate_grads = 'post' needs forward {', '.join(lacking)} to convert "
                               f"{', '.join(gates)} to pre-activation gradients; return them too")
        out["backward"] = layouts.gate_grads_from_post(out["backward"], fwd)
    return out


def _convert(fn: Any, d: dict, layout: str, where: str) -> dict:
    keys = layouts.LAYOUT_KEYS[layout]
    if not any(k in d for k in keys):
        return d
    if layout != "pytorch":
        missing = [k for k in keys if k not in d]
        if missing:
            raise AdapterError(f"{where}: layout {layout} needs {', '.join(keys)}; missing {', '.join(missing)}")
    try:
        return fn(d)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise AdapterError(f"{where}: could not be read in layout {layout}: {type(err).__name__}: {err}") from None


def valid_names(declares: dict) -> dict[str, tuple[str, ...]]:
    """Names a result may use, per phase (gradients in the declared layout's parameter names)."""
    head = ("dWy", "dby", "dE")
    layout = declares["layout"]
    grads = LAYER_GRADS if layout == "lstmparity" else layouts.LAYOUT_KEYS[layout]
    return {"forward": (*FORWARD_STEP, "logits", "loss"), "backward": ("dlogits", *LAYER_BACKWARD),
            "grads": (*grads, *head)}


def convention_hint(result: dict, expected: dict, phase: str, step: int | None, name: str, declares: dict) -> str:
    """A hint when a gate gradient diverges only because it is dL/di (post-activation) where ours is dL/dz_i."""
    if phase != "backward" or name not in ("di", "df", "dg", "do") or step is None or declares["gate_grads"] != "pre":
        return ""
    try:
        actual = np.asarray(result["backward"][name], dtype=np.float64)[step]
        gate = np.asarray(expected["forward"][name[1]], dtype=np.float64)[step]
        want = np.asarray(expected["backward"][name], dtype=np.float64)[step]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    deriv = 1 - gate**2 if name == "dg" else gate * (1 - gate)
    # Loose on purpose (1e-8 relative: rounding of the adapter's own forward included): a hint, not a verdict.
    if actual.shape == want.shape and np.allclose(actual * deriv, want, rtol=1e-8, atol=1e-12 * np.abs(want).max()):
        return (f"{name} looks like the gradient w.r.t. the activation {name[1]} (dL/d{name[1]}); ours is w.r.t. "
                "its pre-activation (dL/dz): declare gate_grads = 'post' (Python: adapter.declares, "
                "R: lstmparity_declares)")
    return ""
