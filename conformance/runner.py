"""Run every fixture through every implementation and collect one :class:`Outcome` per pair.

Failures are records, not exceptions: a fixture that cannot be read, an
implementation that raises, crashes, hangs or returns rubbish is reported
against that (implementation, fixture) pair and the run carries on.

Statuses:

* ``agree`` — every tensor the implementation provided agrees (and it provided at least one);
* ``diverge`` — a tensor does not agree (the first one in trace order is named);
* ``nothing_compared`` — it returned no tensor the fixture holds: a failure, never a pass;
* ``skipped`` — the case needs a feature the implementation declared it does not support;
* ``error`` — it raised, crashed, exited, timed out or returned something unusable;
* ``bad_fixture`` — the case file is unreadable or invalid.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmparity.suite.fixtures import FixtureError, case_paths, read_case

from .compare import Comparison, compare, gate_names
from .declare import applicable, convention_hint, map_back, needs
from .errors import AdapterError, BadInput
from .impls import Impl
from .validate import check_result

STATUSES = ("agree", "diverge", "nothing_compared", "skipped", "error", "bad_fixture")
PASSING = ("agree", "skipped")


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
    compared: int = 0  # tensors (trace entries) compared
    total: int = 0  # trace entries the fixture holds

    @property
    def passed(self) -> bool:
        return self.status in PASSING


def load_fixture(path: Path) -> Fixture:
    """Read one case; a FixtureError becomes ``Fixture.error`` (the message says what to fix).

    Only regular files are opened: a FIFO or device named ``*.json`` is refused (reading it could block forever).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return Fixture(path, path.stem, error=f"{path}: cannot be read: {err.strerror}")
    if not stat.S_ISREG(mode):
        return Fixture(path, path.stem, error=f"{path}: not a regular file ({_file_kind(mode)}); refused, not opened")
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


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a directory"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def skip_reason(impl: Impl, fx: Fixture) -> str:
    """'needs mask, head:many_to_one_sigmoid' when the implementation declared it cannot run the case, else ''."""
    missing = needs(fx.case, impl.declares)
    return f"needs {', '.join(missing)}" if missing else ""


def judge(impl: Impl, fx: Fixture, result: Any, seconds: float) -> Outcome:
    """Validate, map back to our layout and conventions, compare: the outcome of one result."""
    try:
        check_result(result, impl.declares)
        result = map_back(result, impl.declares, fx.case["config"]["D"])
        comparison = compare(result, applicable(fx.case["expected"], impl.declares), fx.case["tolerance"],
                             gate_names(fx.case["config"].get("cell")))
    except AdapterError as err:
        return Outcome(impl.name, fx, "error", message=str(err), seconds=seconds)
    except Exception as err:  # noqa: BLE001 - unusable result: report it against the implementation
        msg = f"result could not be compared: {type(err).__name__}: {err}"
        return Outcome(impl.name, fx, "error", message=msg, seconds=seconds)
    total = len(comparison.checks)
    compared = sum(c.status != "missing" for c in comparison.checks)
    if not comparison.ok:
        status = "diverge"
    elif compared == 0:
        status = "nothing_compared"
    else:
        status = "agree"
    message = f"no tensor of the {total} the fixture holds was returned" if status == "nothing_compared" else ""
    if status == "diverge":
        message = convention_hint(result, fx.case["expected"], *comparison.first.entry, impl.declares)
    return Outcome(impl.name, fx, status, comparison, message, seconds, compared, total)


def run_one(impl: Impl, fx: Fixture, timeout: float) -> Outcome:
    """Run one implementation on one fixture and compare, never raising for the implementation's faults."""
    if fx.case is None:
        return Outcome(impl.name, fx, "bad_fixture", message=fx.error)
    reason = skip_reason(impl, fx)
    if reason:
        return Outcome(impl.name, fx, "skipped", message=reason)
    start = time.perf_counter()
    try:
        result = impl.run(fx.path, _sent_case(fx), timeout)
    except AdapterError as err:
        return Outcome(impl.name, fx, "error", message=str(err), seconds=time.perf_counter() - start)
    except BadInput:
        raise
    except Exception as err:  # noqa: BLE001 - an in-process implementation raised something else
        msg = f"raised {type(err).__name__}: {err}"
        return Outcome(impl.name, fx, "error", message=msg, seconds=time.perf_counter() - start)
    return judge(impl, fx, result, time.perf_counter() - start)


def _sent_case(fx: Fixture) -> dict:
    """The case as sent to an implementation: without its answers."""
    return {k: v for k, v in fx.case.items() if k != "expected"}


def run_suite(
    fixtures: list[Fixture], impls: list[Impl], timeout: float,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every implementation on every fixture, fixture by fixture.

    Implementations in worker processes (with ``submit``/``collect``) run each
    fixture at the same time; the others one after the other.
    """
    outcomes = []
    for fx in fixtures:
        pending: dict[int, float] = {}
        row: dict[int, Outcome] = {}
        for k, impl in enumerate(impls):
            if fx.case is not None and hasattr(impl, "submit") and not skip_reason(impl, fx):
                try:
                    impl.submit(fx.path, _sent_case(fx), timeout)
                    pending[k] = time.perf_counter()
                except AdapterError as err:
                    row[k] = Outcome(impl.name, fx, "error", message=str(err))
        for k, impl in enumerate(impls):
            if k in pending:
                try:
                    result = impl.collect(timeout)
                except AdapterError as err:
                    row[k] = Outcome(impl.name, fx, "error", message=str(err),
                                     seconds=time.perf_counter() - pending[k])
                else:
                    row[k] = judge(impl, fx, result, time.perf_counter() - pending[k])
            elif k not in row:
                row[k] = run_one(impl, fx, timeout)
            outcomes.append(row[k])
            if progress:
                progress(row[k])
    return outcomes


def exit_code(outcomes: list[Outcome]) -> int:
    """0 every implementation compared something and agreed on every case it did not declare unsupported;
    2 a bad fixture; 1 anything else (a divergence, nothing compared, an error)."""
    if any(o.status == "bad_fixture" for o in outcomes):
        return 2
    return 0 if outcomes and all(o.passed for o in outcomes) else 1


def coverage(outcomes: list[Outcome]) -> list[str]:
    """Per implementation: tensors compared out of those applicable, and out of those the fixtures hold.

    e.g. 'py:layer.py:adapter: 1022 of 1022 applicable tensors compared (1480 in the fixtures); 1 skipped'.
    """
    from lstmparity.core.trace import trace_order

    lines = []
    for impl in dict.fromkeys(o.impl for o in outcomes):
        mine = [o for o in outcomes if o.impl == impl]
        held = sum(len(trace_order(o.fixture.case["expected"])) for o in mine if o.fixture.case is not None)
        compared, total = sum(o.compared for o in mine), sum(o.total for o in mine)
        skipped = sum(o.status == "skipped" for o in mine)
        unjudged = sum(o.status in ("error", "bad_fixture") for o in mine)
        line = f"{impl}: {compared} of {total} applicable tensors compared ({held} in the fixtures)"
        if skipped:
            line += f"; {skipped} case{'s' * (skipped > 1)} skipped"
        if unjudged:
            line += f"; {unjudged} case{'s' * (unjudged > 1)} not judged (error)"
        lines.append(line)
    return lines
