"""`lstmparity fixtures`: regenerate the conformance cases, or check that they are current.

Each case is rebuilt from its seeded definition in :mod:`lstmparity.cases`,
verified by finite differences and validated against the schema; a file is
(atomically) rewritten only when :func:`changed` says its content moved beyond
rounding. ``--check`` applies the same rule, writes nothing and lists stale or
missing files.
"""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from . import jsonio
from .cases import CASES, build
from .fixtures import REGENERATE_HINT, parse_case, schema
from .trace import agree, lookup, trace_order

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
    """Write (atomically) every file whose content changed beyond rounding; returns the names written.

    A file that :func:`changed` calls current is left alone, byte for byte, so regenerating
    on a machine whose BLAS rounds differently leaves unchanged cases unchanged in git.
    Temporary files left by an interrupted earlier run are removed first.
    """
    files = expected_files(progress=progress)  # build and verify all before writing any
    for stray in stray_temp_files(out):
        stray.unlink(missing_ok=True)
    written = []
    for name, text in files.items():
        path = out / name
        reason = changed(path.read_text(encoding="utf-8") if path.is_file() else None, text)
        if reason is None:
            continue
        if notes is not None:
            notes.append(f"{name}: {reason}")
        jsonio.write_atomic(path, text)
        written.append(name)
    return written


ROUNDING_SHARE = 1e-2
"""How much of a case's own tolerance a regenerated value may move and still count as rounding.

Each expected tensor (each step slice of a per-step one) is compared by the rule implementations
are judged by, ``max|new - old| <= ROUNDING_SHARE * (atol + rtol * max|old|)`` with the case's
``tolerance``. Another BLAS or NumPy sums in another order: measured between two machines
(OpenBLAS builds), every committed case moved by at most 6e-4 of its tolerance (a few ulps of the
slice's scale, compounded over the 100 steps of long_sequence_vanishing), so 1e-2 leaves a
margin of 17. A real change in the code moves values by far more than a tolerance, and a value
that moved by less than 1% of the tolerance judges every implementation the same way.
"""


def changed(committed: str | None, text: str) -> str | None:
    """Why the committed text must be replaced by ``text`` (what the code produces now), or None.

    The one rule of both ``lstmparity fixtures`` (which rewrites only changed files) and ``--check``:
    a missing file, text that is not in the canonical layout, any difference outside ``expected``
    (configuration, inputs, parameters and names are exact: they come from seeded generators, not
    from sums), a different set or shape of expected tensors, or a computed value that moved
    beyond ``ROUNDING_SHARE`` of the case's tolerance.
    """
    if committed is None:
        return "missing"
    if committed == text:
        return None
    try:
        old = jsonio.loads(committed)
    except ValueError:
        return "not valid JSON"
    if jsonio.dumps(old) != committed:
        return "not in the canonical layout that `lstmparity fixtures` writes"
    new = jsonio.loads(text)
    if not (isinstance(old, dict) and "expected" in old and "expected" in new):
        return "differs"  # the schema file (and anything that is not a case) must match exactly
    if {k: v for k, v in old.items() if k != "expected"} != {k: v for k, v in new.items() if k != "expected"}:
        return "differs outside `expected` (name, description, config, tolerance, inputs or params)"
    entries = trace_order(new["expected"])
    try:
        if trace_order(old["expected"]) != entries:
            return "holds another set of expected tensors"
        tol = old["tolerance"]
        for entry in entries:
            a = agree(lookup(old["expected"], entry), lookup(new["expected"], entry),
                      ROUNDING_SHARE * tol["rtol"], ROUNDING_SHARE * tol["atol"])
            if not a.ok:
                step = "" if entry.step is None else f" at step {entry.step}"
                return (f"expected.{entry.phase}.{entry.name}{step} moved by {a.max_abs:.3g}, more than "
                        f"rounding ({ROUNDING_SHARE:g} of the case's tolerance: {a.bound:.3g})")
    except (KeyError, IndexError, TypeError, ValueError):
        return "holds another set or shape of expected tensors"
    return None


def stray_temp_files(out: Path) -> list[Path]:
    """Temporary files an interrupted write left in ``out`` (``.NAME.json.XXXX.tmp``, see jsonio.write_atomic)."""
    return sorted(p for p in out.rglob(".*.json.*.tmp") if p.is_file())


def stale_fixtures(out: Path, progress: bool = True, notes: list[str] | None = None) -> list[str]:
    """Names of files that :func:`changed` says must be rewritten; also unknown extra cases and leftover temp files.

    A file whose values differ only by rounding (a machine whose BLAS sums in another
    order) is current, and is listed in ``notes``.
    """
    files = expected_files(check_gradients=False, progress=progress)
    stale = []
    for name, text in files.items():
        path = out / name
        committed = path.read_text(encoding="utf-8") if path.is_file() else None
        reason = changed(committed, text)
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
