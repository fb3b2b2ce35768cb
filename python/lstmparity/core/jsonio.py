"""Deterministic, exact, atomic JSON writing (shared by fixtures and saved models).

Floats are written with ``repr`` (the shortest string that reads back to the same
double), innermost lists on one line, keys in insertion order: the same data
always gives the same bytes. Files are written to a temporary file in the same
folder and renamed over the target, so an interrupted write leaves the old file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """numpy -> plain Python (lists, float, int)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _scalar(v: Any) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write non-finite number {v!r} to JSON")
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def _dump(v: Any, indent: int) -> str:
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_dump(x, indent + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (list, dict)) for x in v):
            return "[" + ", ".join(_scalar(x) for x in v) + "]"
        return "[\n" + ",\n".join(inner + _dump(x, indent + 1) for x in v) + "\n" + pad + "]"
    return _scalar(v)


def dumps(obj: Any) -> str:
    """The canonical text of obj (numpy arrays allowed), ending in a newline."""
    return _dump(_plain(obj), 0) + "\n"


def write_atomic(path: str | Path, text: str) -> None:
    """Write text to path atomically: temp file in the same folder, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON (numbers must be finite)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {key!r} in a JSON object")
    return obj


def loads(text: str) -> Any:
    """Parse JSON, rejecting NaN / Infinity (which Python's json would accept) and duplicate keys
    (which it would resolve silently, keeping the last)."""
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
