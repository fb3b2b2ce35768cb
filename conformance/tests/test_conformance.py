"""Every fixture through every implementation, as ordinary tests: a divergence fails like any other test.

Ids are the implementation, the fixture's file name and its description, so CI
output says which behaviour broke.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lstmparity.conformance.impls import PythonImpl
from lstmparity.conformance.rbridge import RImpl
from lstmparity.conformance.runner import load_fixture, run_one
from lstmparity.conformance.text import describe

from .conftest import FIXTURES

TIMEOUT = 60.0


def _description(path: Path) -> str:
    try:
        return " ".join(str(json.loads(path.read_text("utf-8")).get("description", "")).split())[:100]
    except (OSError, ValueError, AttributeError):
        return "(unreadable)"


CASES = sorted(FIXTURES.glob("*.json"))
PAIRS = [pytest.param(impl, path, id=f"{impl}: {path.stem}: {_description(path)}")
         for path in CASES for impl in ("python", "r")]


@pytest.mark.parametrize(("impl_name", "path"), PAIRS)
def test_fixture(impl_name: str, path: Path, request: pytest.FixtureRequest) -> None:
    fx = load_fixture(path)
    assert fx.case is not None, f"bad fixture: {fx.error}"
    impl = PythonImpl() if impl_name == "python" else RImpl(request.getfixturevalue("rsession"))
    outcome = run_one(impl, fx, TIMEOUT)
    assert outcome.status == "agree", "\n".join(describe(outcome))
