"""Reading, checking and writing conformance cases (fixtures/*.json).

A case is a dict: name, description, config, tolerance, params, inputs,
optional optimizer / clip, and expected. Reading validates it against the JSON
Schema and then every array against the shape the config implies; any problem
raises :class:`FixtureError` naming the file, the JSON path and what was expected.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lstmparity.core import spec

FORMAT_VERSION = 1
REGENERATE_HINT = "regenerate with `lstmparity fixtures` (or `make fixtures`)"


class FixtureError(ValueError):
    """A case file that cannot be used; the message names file, field and expectation."""


def schema() -> dict:
    """The case schema (JSON Schema draft 2020-12), shipped inside the package."""
    return json.loads(resources.files(__package__).joinpath("case.schema.json").read_text("utf-8"))


def shapes(config: dict) -> dict[str, tuple[int, ...]]:
    """Expected shape of every array a case with this config holds, by JSON path (from spec/tensors.json)."""
    return spec.shapes(config)


INT_FIELDS = spec.int_fields()
ARRAY_SECTIONS = ("params", "inputs", "layer_inputs")


def _array(path: str, field: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    try:
        a = np.array(value)
    except ValueError:
        raise FixtureError(f"{path}: {field}: expected a numeric array of shape {shape}, got a ragged array") from None
    if a.dtype.kind not in "fiu":
        raise FixtureError(f"{path}: {field}: expected a numeric array of shape {shape}, "
                           "got an array holding non-numbers (strings, booleans, nulls or nested objects)")
    if a.shape != shape:
        raise FixtureError(f"{path}: {field}: expected an array of shape {shape}, got shape {a.shape}")
    a = a.astype(np.float64)
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        where = "".join(f"[{i}]" for i in bad[0])
        raise FixtureError(f"{path}: {field}{where}: expected a finite number, got {a[tuple(bad[0])]}")
    return a


def _ints(path: str, field: str, a: np.ndarray, upper: int) -> np.ndarray:
    if not np.all(a == np.round(a)):
        raise FixtureError(f"{path}: {field}: expected integers")
    if a.size and (a.min() < 0 or a.max() >= upper):
        raise FixtureError(f"{path}: {field}: expected ids in 0..{upper - 1}, "
                           f"got values from {a.min():g} to {a.max():g}")
    return a.astype(np.int64)


class _Duplicates(dict):
    """A JSON object that held a key twice (``key`` is the first such key); refused by :func:`_skeleton`."""

    key = ""


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict:
    """object_pairs_hook: a dict, marked when a key occurs twice (json keeps the last value, jsonlite
    both, R's ``$`` the first: readers would disagree, so such a file is refused)."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    marked = _Duplicates(obj)
    marked.key = next(k for k, _ in pairs if k in seen or seen.add(k))
    return marked


def _skeleton(value: Any, path: str, where: str = "") -> Any:
    """The case with every numeric array emptied (so schema validation stays fast on a large case),
    refusing non-finite scalars (NaN/Infinity tokens, or 1e999, which overflows to inf) and
    objects with a duplicate key."""
    if isinstance(value, _Duplicates):
        field = f"{where}.{value.key}" if where else value.key
        raise FixtureError(f"{path}: {field}: duplicate key: the object holds {value.key!r} more than once "
                           "(expected each key once; readers would disagree on which value counts)")
    if isinstance(value, dict):
        return {k: _skeleton(v, path, f"{where}.{k}" if where else k) for k, v in value.items()}
    if isinstance(value, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return []  # a row of numbers: checked by _array, element by element
        children = [_skeleton(v, path, f"{where}.{i}") for i, v in enumerate(value)]
        return [] if all(c == [] for c in children) else children  # a nested array of numbers: collapse
    if isinstance(value, float) and not np.isfinite(value):
        raise FixtureError(f"{path}: {where}: expected a finite number, got {value} "
                           "(JSON has no NaN/Infinity, and 1e999 overflows)")
    return value


def _validate(raw: dict, path: str) -> None:
    import jsonschema  # validation only; the numeric core does not need it

    if raw.get("format_version") not in (None, FORMAT_VERSION):
        raise FixtureError(f"{path}: format_version: expected {FORMAT_VERSION}, got {raw['format_version']!r}; "
                           f"{REGENERATE_HINT}")
    skeleton = _skeleton(raw, path)
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(skeleton))
    if errors:
        e = jsonschema.exceptions.best_match(errors)
        parts = [str(p) for p in e.absolute_path]
        if e.validator == "required":  # name the missing key in the path, as R's reader does
            parts.append(next(k for k in e.validator_value if k not in e.instance))
        elif e.validator == "additionalProperties":
            parts.append(next(k for k in e.instance if k not in e.schema.get("properties", {})))
        where = ".".join(parts) or "(top level)"
        why = e.schema.get("description") if e.validator in ("maximum", "pattern") else None
        raise FixtureError(f"{path}: {where}: {e.message}" + (f" ({why})" if why else ""))
    arrays = [(f"{section}.{k}", v) for section in ARRAY_SECTIONS for k, v in raw.get(section, {}).items()]
    for field, value in arrays:
        if not isinstance(value, list):
            raise FixtureError(f"{path}: {field}: expected an array, got {type(value).__name__}")


def parse_case(raw: dict, path: str = "<case>") -> dict:
    """Validate a decoded case and convert its arrays to numpy. Raises FixtureError."""
    _validate(raw, path)
    config = {k: (int(v) if isinstance(v, float) else v) for k, v in raw["config"].items()}
    if "reset_after" in config and config.get("cell") != "gru":
        raise FixtureError(f"{path}: config.reset_after: expected only with config.cell 'gru', "
                           f"got cell {config.get('cell') or spec.DEFAULT_CELL!r}")
    if (config["head"] == "none") != (config.get("K") is None):
        raise FixtureError(f"{path}: config.K: expected null exactly when config.head is 'none'")
    if config["head"] == "many_to_one_sigmoid" and config["K"] != 1:
        raise FixtureError(f"{path}: config.K: expected 1 for head 'many_to_one_sigmoid', got {config['K']}")
    expect = shapes(config)
    case = {k: v for k, v in raw.items() if k not in (*ARRAY_SECTIONS, "expected")}
    case["config"] = config
    for section in ARRAY_SECTIONS:
        if section not in raw:
            continue  # layer_inputs is optional (every committed case has it)
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
    missing = [f for f in spec.required(config) if f.split(".")[1] not in case[f.split(".")[0]]]
    if missing:
        raise FixtureError(f"{path}: {missing[0]}: required by config but missing")
    mask = case["inputs"].get("mask")
    if mask is not None and not np.all(np.isin(mask, (0.0, 1.0))):
        raise FixtureError(f"{path}: inputs.mask: expected only 0 and 1")
    if mask is not None and not mask.any():
        raise FixtureError(f"{path}: inputs.mask: expected at least one valid step (all entries are 0)")
    if "expected" in raw:
        case["expected"] = _parse_expected(raw["expected"], expect, path)
    return case


def _loss(path: str, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FixtureError(f"{path}: {field}: expected a number, got {type(value).__name__}")
    return float(value)


def _parse_expected(raw: dict, expect: dict, path: str) -> dict:
    out: dict[str, Any] = {}
    for phase in ("forward", "backward", "grads"):
        out[phase] = {}
        for name, value in raw[phase].items():
            field = f"expected.{phase}.{name}"
            if phase == "forward" and name == "loss":
                out[phase][name] = _loss(path, field, value)
            elif field not in expect:
                raise FixtureError(f"{path}: {field}: not expected for this config")
            else:
                out[phase][name] = _array(path, field, value, expect[field])
    steps = []
    for k, s in enumerate(raw.get("optimizer_steps", [])):
        where = f"expected.optimizer_steps.{k}"
        params = {}
        for n, v in s["params"].items():
            if f"params.{n}" not in expect:
                raise FixtureError(f"{path}: {where}.params.{n}: not expected for this config")
            params[n] = _array(path, f"{where}.params.{n}", v, expect[f"params.{n}"])
        steps.append({"loss": _loss(path, f"{where}.loss", s["loss"]), "params": params})
    if "optimizer_steps" in raw:
        out["optimizer_steps"] = steps
    return out


def check_case_size(path: str) -> None:
    """Refuse, before parsing, a file over LSTMPARITY_MAX_CASE_MB (default 32; committed cases are < 0.3 MB)."""
    try:
        limit = float(os.environ.get("LSTMPARITY_MAX_CASE_MB", "32"))
    except ValueError:
        limit = 32.0
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # reported when the file is read
    if size > limit * 1e6:
        raise FixtureError(f"{path}: (file size): expected a case of at most {limit:g} MB, got {size / 1e6:.1f} MB; "
                           "set LSTMPARITY_MAX_CASE_MB to read larger cases")


def read_case(path: str | Path) -> dict:
    """Read and validate one case file. Raises FixtureError on any problem."""
    path = str(path)
    check_case_size(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a UTF-8 byte-order mark is skipped (as in R)
    except (OSError, UnicodeDecodeError) as e:
        raise FixtureError(f"{path}: cannot read the file: {e}") from None
    try:
        # NaN/Infinity tokens and duplicate keys: refused with their path below
        raw = json.loads(text, parse_constant=float, object_pairs_hook=_object_pairs)
    except (ValueError, RecursionError) as e:
        raise FixtureError(f"{path}: not valid JSON: {str(e)[:200]}") from None
    if not isinstance(raw, dict):
        raise FixtureError(f"{path}: (top level): expected a JSON object, got {type(raw).__name__}")
    return parse_case(raw, path)


def case_paths(folder: str | Path) -> list[Path]:
    """The case files in a folder, sorted by name."""
    return sorted(Path(folder).glob("*.json"))
