"""Run every fixture through every implementation and collect one :class:`Outcome` per pair.

Failures are records, not exceptions: a fixture that cannot be read, an
implementation that raises, hangs or returns rubbish is reported against that
(implementation, fixture) pair and the run carries on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lstmparity.fixtures import FixtureError, case_paths, read_case

from .compare import Comparison, compare
from .impls import AdapterError, BadInput, Impl

STATUSES = ("agree", "diverge", "error", "bad_fixture")


@dataclass
class Fixture:
    path: Path
    name: str
    description: str = ""
    case: dict | None = None
    error: str = ""  # why the file cannot be used (then case is None)


@dataclass
class Outcome:
    """One (implementation, fixture) pair. status: agree | diverge | error | bad_fixture."""

    impl: str
    fixture: Fixture
    status: str
    comparison: Comparison | None = None
    message: str = ""
    seconds: float = 0.0


def load_fixture(path: Path) -> Fixture:
    """Read one case; a FixtureError becomes ``Fixture.error`` (the message says what to fix)."""
    try:
        case = read_case(path)
    except FixtureError as err:
        return Fixture(path, path.stem, error=str(err))
    if "expected" not in case:
        return Fixture(path, path.stem, error=f"{path}: expected: missing, nothing to compare with")
    return Fixture(path, case.get("name", path.stem), case.get("description", ""), case)


def select_paths(folder: Path, names: list[str] | None) -> list[Path]:
    """The fixture files to run (all, or those whose file name or stem is in ``names``). BadInput if none."""
    if not folder.is_dir():
        raise BadInput(f"no fixture folder {folder}; pass --fixtures DIR (default: fixtures)")
    paths = case_paths(folder)
    if not paths:
        raise BadInput(f"no *.json cases in {folder}; regenerate with `lstmparity fixtures`")
    if names:
        unknown = [n for n in names if not any(n in (p.stem, p.name) for p in paths)]
        if unknown:
            known = ", ".join(p.stem for p in paths)
            raise BadInput(f"--case {unknown[0]}: no such fixture in {folder}; known: {known}")
        paths = [p for p in paths if p.stem in names or p.name in names]
    return paths


def run_one(impl: Impl, fx: Fixture, timeout: float) -> Outcome:
    """Run one implementation on one fixture and compare, never raising for the implementation's faults."""
    if fx.case is None:
        return Outcome(impl.name, fx, "bad_fixture", message=fx.error)
    start = time.perf_counter()
    try:
        result = impl.run(fx.path, fx.case, timeout)
        comparison = compare(result, fx.case["expected"], fx.case["tolerance"])
    except AdapterError as err:
        return Outcome(impl.name, fx, "error", message=str(err), seconds=time.perf_counter() - start)
    except BadInput:
        raise
    except Exception as err:  # noqa: BLE001 - unusable result: report it against the implementation
        msg = f"result could not be compared: {type(err).__name__}: {err}"
        return Outcome(impl.name, fx, "error", message=msg, seconds=time.perf_counter() - start)
    status = "agree" if comparison.ok else "diverge"
    return Outcome(impl.name, fx, status, comparison, seconds=time.perf_counter() - start)


def run_suite(
    fixtures: list[Fixture], impls: list[Impl], timeout: float,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every implementation on every fixture, fixture by fixture."""
    outcomes = []
    for fx in fixtures:
        for impl in impls:
            outcome = run_one(impl, fx, timeout)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def exit_code(outcomes: list[Outcome]) -> int:
    """0 all agree, 1 a divergence or failing implementation, 2 a bad fixture."""
    statuses = {o.status for o in outcomes}
    if "bad_fixture" in statuses:
        return 2
    return 1 if statuses & {"diverge", "error"} else 0
