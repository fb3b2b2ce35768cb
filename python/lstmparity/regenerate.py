"""`lstmparity fixtures`: regenerate the conformance cases, or check that they are current.

Each case is rebuilt from its seeded definition in :mod:`lstmparity.cases`,
verified by finite differences, validated against the schema and written
atomically. ``--check`` writes nothing and lists stale or missing files.
"""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from . import jsonio
from .cases import CASES, build
from .fixtures import REGENERATE_HINT, parse_case, schema

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


def write_fixtures(out: Path, progress: bool = True) -> list[str]:
    """Write every file (atomically); returns the names written."""
    files = expected_files(progress=progress)  # build and verify all before writing any
    for name, text in files.items():
        jsonio.write_atomic(out / name, text)
    return list(files)


ROUNDING = 1e-13  # relative to a number's magnitude: another BLAS kernel's summation order, not a change


def _same_up_to_rounding(a: object, b: object) -> bool:
    """Same structure, strings and integers; floats equal to within ROUNDING (relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_up_to_rounding(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_up_to_rounding(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            abs(a - b) <= ROUNDING * max(abs(a), abs(b), 1e-300)
    return a == b


def stale_fixtures(out: Path, progress: bool = True, notes: list[str] | None = None) -> list[str]:
    """Names of files that are missing or differ from what the code produces; also unknown extra cases.

    A file whose bytes differ only by rounding-level float differences (a machine
    whose BLAS sums in another order) is current, and is listed in ``notes``.
    """
    files = expected_files(check_gradients=False, progress=progress)
    stale = []
    for name, text in files.items():
        path = out / name
        if not path.is_file():
            stale.append(name)
            continue
        committed = path.read_text(encoding="utf-8")
        if committed == text:
            continue
        try:
            rounding_only = _same_up_to_rounding(jsonio.loads(committed), jsonio.loads(text))
        except ValueError:
            rounding_only = False
        if rounding_only and notes is not None:
            notes.append(f"{name}: differs from this machine's output only by rounding (< {ROUNDING:g} relative)")
        elif not rounding_only:
            stale.append(name)
    extra = [p.name for p in sorted(out.glob("*.json")) if p.name not in files]
    return stale + [f"{n} (not produced by the code)" for n in extra]


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
    names = write_fixtures(out)
    print(f"wrote {len(names)} files to {out}/")
    return 0
