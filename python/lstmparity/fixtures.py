"""Reading, checking and writing conformance cases (fixtures/*.json).

A case is a dict: name, description, config, tolerance, params, inputs,
optional optimizer / clip, and expected. Reading validates it against the JSON
Schema and then every array against the shape the config implies; any problem
raises :class:`FixtureError` naming the file, the JSON path and what was expected.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from . import jsonio

FORMAT_VERSION = 1
REGENERATE_HINT = "regenerate with `lstmparity fixtures` (or `make fixtures`)"


class FixtureError(ValueError):
    """A case file that cannot be used; the message names file, field and expectation."""


def schema() -> dict:
    """The case schema (JSON Schema draft 2020-12), shipped inside the package."""
    return json.loads(resources.files(__package__).joinpath("case.schema.json").read_text("utf-8"))


def shapes(config: dict) -> dict[str, tuple[int, ...]]:
    """Expected shape of every array a case with this config holds, by JSON path."""
    T, B, D, H = config["T"], config["B"], config["D"], config["H"]
    V, K, head = config.get("V"), config.get("K"), config["head"]
    s: dict[str, tuple[int, ...]] = {"params.W": (D, 4 * H), "params.U": (H, 4 * H), "params.b": (4 * H,)}
    if V:
        s["params.E"] = (V, D)
        s["inputs.tokens"] = (T, B)
    else:
        s["inputs.x"] = (T, B, D)
    if head != "none":
        s["params.Wy"], s["params.by"] = (H, K), (K,)
    s.update({"inputs.h0": (B, H), "inputs.c0": (B, H), "inputs.mask": (T, B)})
    if head == "none":
        s["inputs.proj"] = (T, B, H)
    else:
        s["inputs.targets"] = (T, B) if head == "many_to_many_softmax" else (B,)
    for n in ("i", "f", "g", "o", "c", "h"):
        s[f"expected.forward.{n}"] = (T, B, H)
    if V:
        s["expected.forward.x"] = (T, B, D)
    if head != "none":
        logits = (T, B, K) if head == "many_to_many_softmax" else (B, K)
        s["expected.forward.logits"] = s["expected.backward.dlogits"] = logits
        s["expected.grads.dWy"], s["expected.grads.dby"] = (H, K), (K,)
    for n in ("dh", "do", "dc", "di", "df", "dg"):
        s[f"expected.backward.{n}"] = (T, B, H)
    s["expected.backward.dx"] = (T, B, D)
    s["expected.backward.dh0"] = s["expected.backward.dc0"] = (B, H)
    for p in ("E", "W", "U", "b"):
        if f"params.{p}" in s:
            s[f"expected.grads.d{p}"] = s[f"params.{p}"]
    return s


INT_FIELDS = {"inputs.tokens", "inputs.targets"}


def _array(path: str, field: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise FixtureError(f"{path}: {field}: expected a numeric array of shape {shape}, "
                           "got a ragged or non-numeric array") from None
    if a.shape != shape:
        raise FixtureError(f"{path}: {field}: expected shape {shape}, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise FixtureError(f"{path}: {field}: expected finite numbers")
    return a


def _ints(path: str, field: str, a: np.ndarray, upper: int | None) -> np.ndarray:
    if not np.all(a == np.round(a)):
        raise FixtureError(f"{path}: {field}: expected integers")
    ids = a.astype(np.int64)
    if upper is not None and ids.size and (ids.min() < 0 or ids.max() >= upper):
        raise FixtureError(f"{path}: {field}: expected ids in 0..{upper - 1}, "
                           f"got values from {ids.min()} to {ids.max()}")
    return ids


def parse_case(raw: dict, path: str = "<case>") -> dict:
    """Validate a decoded case and convert its arrays to numpy. Raises FixtureError."""
    import jsonschema  # validation only; the numeric core does not need it

    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
        raise FixtureError(f"{path}: {where}: {e.message}")
    config = raw["config"]
    if (config["head"] == "none") != (config.get("K") is None):
        raise FixtureError(f"{path}: config.K: expected null exactly when config.head is 'none'")
    expect = shapes(config)
    case = {k: v for k, v in raw.items() if k not in ("params", "inputs", "expected")}
    for section in ("params", "inputs"):
        case[section] = {}
        for name, value in raw[section].items():
            field = f"{section}.{name}"
            if field not in expect:
                raise FixtureError(f"{path}: {field}: not expected for this config")
            a = _array(path, field, value, expect[field])
            if field in INT_FIELDS:
                binary = config["head"] == "many_to_one_sigmoid"
                upper = config["V"] if name == "tokens" else (2 if binary else config["K"])
                a = _ints(path, field, a, upper)
            case[section][name] = a
    missing = [f for f in expect if f.startswith("params.") and f.split(".")[1] not in case["params"]]
    missing += [f for f in ("inputs.x", "inputs.tokens", "inputs.proj", "inputs.targets")
                if f in expect and f.split(".")[1] not in case["inputs"]]
    if missing:
        raise FixtureError(f"{path}: {missing[0]}: required by config but missing")
    if "mask" in case["inputs"] and not np.all(np.isin(case["inputs"]["mask"], (0.0, 1.0))):
        raise FixtureError(f"{path}: inputs.mask: expected only 0 and 1")
    if "expected" in raw:
        case["expected"] = _parse_expected(raw["expected"], expect, path)
    return case


def _parse_expected(raw: dict, expect: dict, path: str) -> dict:
    out: dict[str, Any] = {}
    for phase in ("forward", "backward", "grads"):
        out[phase] = {}
        for name, value in raw.get(phase, {}).items():
            field = f"expected.{phase}.{name}"
            if name == "loss":
                out[phase][name] = float(value)
            elif field not in expect:
                raise FixtureError(f"{path}: {field}: not expected for this config")
            else:
                out[phase][name] = _array(path, field, value, expect[field])
    if "optimizer_steps" in raw:
        out["optimizer_steps"] = [
            {"loss": float(s["loss"]),
             "params": {n: _array(path, f"expected.optimizer_steps.{k}.params.{n}", v, expect[f"params.{n}"])
                        for n, v in s["params"].items()}}
            for k, s in enumerate(raw["optimizer_steps"])
        ]
    return out


def read_case(path: str | Path) -> dict:
    """Read and validate one case file. Raises FixtureError on any problem."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise FixtureError(f"{path}: cannot read the file: {e}") from None
    try:
        raw = jsonio.loads(text)
    except ValueError as e:
        raise FixtureError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise FixtureError(f"{path}: (top level): expected a JSON object, got {type(raw).__name__}")
    return parse_case(raw, path)


def case_paths(folder: str | Path) -> list[Path]:
    """The case files in a folder, sorted by name."""
    return sorted(Path(folder).glob("*.json"))
