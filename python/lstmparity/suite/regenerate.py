"""`lstmparity fixtures`: regenerate the conformance cases, or check that they are current.

Each case is rebuilt from its seeded definition in :mod:`lstmparity.suite.cases`,
verified by finite differences and validated against the schema; a file is
(atomically) rewritten only when :func:`regenerated` says its content moved
beyond rounding. ``--check`` applies the same rule, writes nothing and lists stale or
missing files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from lstmparity.core import jsonio, spec
from lstmparity.core.trace import agree
from lstmparity.suite.cases import CASES, build
from lstmparity.suite.fixtures import REGENERATE_HINT, parse_case, schema

SCHEMA_NAME = "schema/case.schema.json"


def expected_files(check_gradients: bool = True, progress: bool = True) -> dict[str, str]:
    """Relative file name -> the exact text the code produces now."""
    files = {SCHEMA_NAME: jsonio.dumps(schema())}
    for make in tqdm(CASES, desc="building cases", unit="case", disable=not progress):
        case = build(make, check=check_gradients)
        text = jsonio.dumps(case)
        parse_case(jsonio.loads(text), f"{case['name']}.json")  # the written text must validate
        files[f"{case['name']}.json"] = text
    return files


def write_fixtures(out: Path, progress: bool = True, notes: list[str] | None = None) -> list[str]:
    """Write (atomically) every file that changed beyond rounding; returns the names written.

    What is written is :func:`regenerated`: the new file, with every computed tensor that moved
    by rounding only kept as committed, so regenerating on a machine whose BLAS rounds
    differently leaves unchanged cases byte-identical in git. Temporary files left by an
    interrupted earlier run are removed first.
    """
    files = expected_files(progress=progress)  # build and verify all before writing any
    for stray in stray_temp_files(out):
        stray.unlink(missing_ok=True)
    written = []
    for name, text in files.items():
        path = out / name
        committed = path.read_text(encoding="utf-8") if path.is_file() else None
        new, reason = regenerated(committed, text)
        if reason is None:
            continue
        if notes is not None:
            notes.append(f"{name}: {reason}")
        jsonio.write_atomic(path, new)
        written.append(name)
    return written


ROUNDING_SHARE = 1e-2
"""How much of a case's own tolerance a regenerated value may move and still count as rounding.

Each computed tensor (each step slice of a per-step one) is compared by the rule implementations
are judged by, ``max|new - old| <= ROUNDING_SHARE * (atol + rtol * max|old|)`` with the case's
``tolerance``. Another BLAS or NumPy sums in another order: measured between two machines
(OpenBLAS builds), every committed case moved by at most 6e-4 of its tolerance (a few ulps of the
slice's scale, compounded over the 100 steps of long_sequence_vanishing), so 1e-2 leaves a
margin of 17. A real change in the code moves values by far more than a tolerance, and a value
that moved by less than 1% of the tolerance judges every implementation the same way.
"""


def _computed(case: dict) -> list[tuple[tuple, bool]]:
    """(path, per_step) of every computed tensor of a case: expected.*, optimizer steps, layer_inputs."""
    out = []
    for phase in ("forward", "backward", "grads"):
        steps = set(spec.per_step_names(phase))
        out += [(("expected", phase, n), n in steps) for n in case["expected"].get(phase, {})]
    for k, step in enumerate(case["expected"].get("optimizer_steps", [])):
        out.append((("expected", "optimizer_steps", k, "loss"), False))
        out += [(("expected", "optimizer_steps", k, "params", n), False) for n in step.get("params", {})]
    out += [(("layer_inputs", n), True) for n in case.get("layer_inputs", {})]
    return out


def _get(obj: Any, path: tuple) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def _moved(old: Any, new: Any, per_step: bool, tol: dict) -> str | None:
    """How far ``new`` moved from ``old`` beyond rounding (first step slice), or None."""
    a, e = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    if a.shape != e.shape:
        return f"shape {e.shape} -> {a.shape}"
    slices = [(t, a[t], e[t]) for t in range(a.shape[0])] if per_step and a.ndim else [(None, a, e)]
    for t, x, y in slices:
        r = agree(x, y, ROUNDING_SHARE * tol["rtol"], ROUNDING_SHARE * tol["atol"])
        if not r.ok:
            at = "" if t is None else f" at step {t}"
            return (f"moved by {r.max_abs:.3g}{at}, more than rounding "
                    f"({ROUNDING_SHARE:g} of the case's tolerance: {r.bound:.3g})")
    return None


def regenerated(committed: str | None, text: str) -> tuple[str, str | None]:
    """The text to write in place of ``committed`` given what the code produces now (``text``),
    and why it differs from ``committed`` (None: the committed file is current).

    The one rule of both ``lstmparity fixtures`` and ``--check``: every computed tensor
    (``expected``, ``layer_inputs``) that moved by rounding only keeps its committed value;
    everything else (name, description, config, tolerance, params, inputs: seeded, exact) is
    the new text's; the result is written in the canonical layout.
    """
    if committed is None:
        return text, "missing"
    if committed == text:
        return text, None
    try:
        old = jsonio.loads(committed)
    except ValueError:
        return text, "not valid JSON"
    new = jsonio.loads(text)
    moved = []
    if not (isinstance(old, dict) and isinstance(new, dict) and "expected" in new):
        return text, "differs"  # the schema: exact
    tol = new["tolerance"]
    for path, per_step in _computed(new):
        try:
            why = _moved(_get(old, path), _get(new, path), per_step, tol)
        except (KeyError, IndexError, TypeError, ValueError):
            why = "is new"
        if why is None:
            holder = _get(new, path[:-1])
            holder[path[-1]] = _get(old, path[:-1])[path[-1]]
        else:
            moved.append(f"{'.'.join(map(str, path))} {why}")
    text = jsonio.dumps(new)
    if text == committed:
        return text, None
    if moved:
        return text, "; ".join(moved[:3]) + (f" (and {len(moved) - 3} more)" if len(moved) > 3 else "")
    if jsonio.dumps(old) == text:
        return text, "not in the canonical layout that `lstmparity fixtures` writes"
    return text, "differs outside the computed tensors (name, description, config, tolerance, inputs or params)"


def stray_temp_files(out: Path) -> list[Path]:
    """Temporary files an interrupted write left in ``out`` (``.NAME.json.XXXX.tmp``, see jsonio.write_atomic)."""
    return sorted(p for p in out.rglob(".*.json.*.tmp") if p.is_file())


def stale_fixtures(out: Path, progress: bool = True, notes: list[str] | None = None) -> list[str]:
    """Names of files that :func:`regenerated` says must be rewritten; also unknown extra cases and leftover temp files.

    A file whose values differ only by rounding (a machine whose BLAS sums in another
    order) is current, and is listed in ``notes``.
    """
    files = expected_files(check_gradients=False, progress=progress)
    stale = []
    for name, text in files.items():
        path = out / name
        committed = path.read_text(encoding="utf-8") if path.is_file() else None
        _, reason = regenerated(committed, text)
        if reason is not None:
            stale.append(name)
        elif committed != text and notes is not None:
            notes.append(f"{name}: differs from this machine's output only by rounding "
                         f"(< {ROUNDING_SHARE:g} of the case's tolerance)")
    extra = [p.name for p in sorted(out.glob("*.json")) if p.name not in files]
    strays = [str(p.relative_to(out)) for p in stray_temp_files(out)]
    return stale + [f"{n} (not produced by the code)" for n in extra] + \
        [f"{n} (temporary file left by an interrupted run)" for n in strays]


def main(out: Path, check: bool) -> int:
    if check:
        notes: list[str] = []
        stale = stale_fixtures(out, notes=notes)
        for note in notes:
            print(f"note: {note}")
        if stale:
            print(f"stale or missing fixtures in {out}/:")
            for n in stale:
                print(f"  {n}")
            print(f"-> {REGENERATE_HINT}")
            return 1
        print(f"{out}/: all fixtures are current")
        return 0
    notes = []
    names = write_fixtures(out, notes=notes)
    for note in notes:
        print(f"rewrote {note}")
    print(f"wrote {len(names)} changed files to {out}/ (the others are current up to rounding, left as they are)")
    return 0
