"""Adapters run in this process, as the runner's worker runs them: for the diagnosis tests and the docs generator.

(The runner runs users' adapters in worker processes; starting one per test case
would cost seconds each, and these test adapters are our own code.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lstmparity.conformance.declare import default_declares
from lstmparity.conformance.impls import without_expected


@dataclass
class PyAdapter:
    """A Python adapter function(case), run in this process as the runner's worker runs one."""

    name: str
    fn: Any
    declares: dict = field(default_factory=default_declares)

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        return self.fn(without_expected(case))


@dataclass
class RFunction:
    """An R adapter function(case) from scratch_lstm.R, run in this process as the runner's worker runs one."""

    session: Any
    fn: Any
    name: str
    declares: dict = field(default_factory=lambda: default_declares("r"))

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        return self.session.call(self.fn, self.session.strip(self.session.case(path)), timeout)
