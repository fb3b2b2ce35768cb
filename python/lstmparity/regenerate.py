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


def stale_fixtures(out: Path, progress: bool = True) -> list[str]:
    """Names of files that are missing or differ from what the code produces; also unknown extra cases."""
    files = expected_files(check_gradients=False, progress=progress)
    stale = [n for n, text in files.items()
             if not (out / n).is_file() or (out / n).read_text(encoding="utf-8") != text]
    extra = [p.name for p in sorted(out.glob("*.json")) if p.name not in files]
    return stale + [f"{n} (not produced by the code)" for n in extra]


def main(out: Path, check: bool) -> int:
    if check:
        stale = stale_fixtures(out)
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
