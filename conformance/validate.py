"""Check the shape of an adapter's result before any number is compared.

A misspelled key must not pass as "not provided": ``{"foward": ...}`` is an
error naming the key and the closest valid names. Values must be float64
numbers: a string, a torch tensor left as an object, or float32 (whose
rounding, ~1e-7, would look like a bug) is an error naming the tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lstmparity.core import layouts
from lstmparity.core.trace import PARAMS

from .declare import suggest, valid_names
from .errors import AdapterError

TOP = ("forward", "backward", "grads", "optimizer_steps")
MAX_PROBLEMS = 3


def check_result(result: Any, declares: dict) -> None:
    """AdapterError listing (up to 3) problems of ``result``: unknown names, wrong types, float32."""
    problems = result_problems(result, declares)
    if problems:
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        raise AdapterError("unusable result: " + "; ".join(problems[:MAX_PROBLEMS]) + more)


def result_problems(result: Any, declares: dict) -> list[str]:
    if isinstance(result, dict) and "__unsupported__" in result:
        return [f"returned a {result['__unsupported__']}; expected a dict (R: a named list) with keys "
                + ", ".join(TOP)]
    if not isinstance(result, dict):
        return [f"returned {_kind(result)}; expected a dict (R: a named list) with keys " + ", ".join(TOP)]
    names = valid_names(declares)
    problems = []
    for key, value in result.items():
        if key not in TOP:
            problems.append(f'"{key}": unknown{suggest(key, TOP)}')
        elif key == "optimizer_steps":
            problems += _steps(value, declares)
        elif not isinstance(value, dict):
            if value is not None:
                problems.append(f"{key}: {_kind(value)}, expected a dict of tensors (R: a named list)")
        else:
            problems += _phase(key, value, names)
    return problems


def _phase(phase: str, tensors: dict, names: dict[str, tuple[str, ...]]) -> list[str]:
    problems = []
    for name, value in tensors.items():
        if name not in names[phase]:
            home = [p for p, valid in names.items() if name in valid]
            hint = f"; {name} belongs in {home[0]}" if home else suggest(name, names[phase])
            problems.append(f'{phase}: "{name}": unknown tensor{hint}')
        else:
            problems += _value(f"{phase}.{name}", value)
    return problems


def _steps(steps: Any, declares: dict) -> list[str]:
    if steps is None:
        return []
    if not isinstance(steps, list):
        return [f"optimizer_steps: {_kind(steps)}, expected a list of {{loss, params}} (one per update)"]
    valid = tuple(dict.fromkeys((*PARAMS, *layouts.LAYOUT_KEYS[declares["layout"]])))
    problems = []
    for k, s in enumerate(steps):
        where = f"optimizer_steps[{k}]"
        if not isinstance(s, dict):
            problems.append(f"{where}: {_kind(s)}, expected {{loss, params}}")
            continue
        for key in s:
            if key not in ("loss", "params"):
                problems.append(f'{where}: "{key}": unknown{suggest(key, ("loss", "params"))}')
        problems += _value(f"{where}.loss", s.get("loss"))
        params = s.get("params")
        if isinstance(params, dict):
            for name, value in params.items():
                if name not in valid:
                    problems.append(f'{where}.params: "{name}": unknown parameter{suggest(name, valid)}')
                else:
                    problems += _value(f"{where}.params.{name}", value)
        elif params is not None:
            problems.append(f"{where}.params: {_kind(params)}, expected a dict of parameters")
    return problems


def _value(where: str, value: Any) -> list[str]:
    """Problems of one tensor: not numeric, or not float64."""
    if value is None:
        return []
    if isinstance(value, dict):
        what = value.get("__unsupported__", "dict")
        return [f"{where}: a {what}, expected a float64 array"]
    if isinstance(value, str) or (isinstance(value, list) and any(isinstance(v, str) for v in value)):
        return [f"{where}: text, expected a float64 array"]
    try:
        a = np.asarray(value)
    except ValueError as err:
        return [f"{where}: not an array ({err})"]
    if a.dtype.kind == "f" and a.dtype != np.float64:
        return [f"{where}: {a.dtype}, expected float64 ({a.dtype} rounding, ~1e-7 relative, would look "
                "like a bug; compute in float64)"]
    if a.dtype.kind not in "biuf":
        return [f"{where}: an array of {a.dtype}, expected float64 numbers"]
    return []


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "a number" if value.ndim == 0 else f"an array of shape {value.shape}"
    if isinstance(value, list):
        return "a list (R: an unnamed list)"
    return f"a {type(value).__name__}"
