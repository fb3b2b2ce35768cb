"""Shared pytest fixtures: the repository's folders and the conformance cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from lstmparity.fixtures import case_paths, read_case

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CASE_PATHS = case_paths(FIXTURES)


def case_id(path: Path) -> str:
    return path.stem


@pytest.fixture(params=CASE_PATHS, ids=[case_id(p) for p in CASE_PATHS])
def case(request: pytest.FixtureRequest) -> dict:
    """Every committed conformance case, parsed."""
    return read_case(request.param)
