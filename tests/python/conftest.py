"""Shared pytest fixtures: the repository's folders and the conformance cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lstmparity.suite.fixtures import case_paths, read_case

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CASE_PATHS = case_paths(FIXTURES)


def case_id(path: Path) -> str:
    return path.stem


@pytest.fixture(params=CASE_PATHS, ids=[case_id(p) for p in CASE_PATHS])
def case(request: pytest.FixtureRequest) -> dict:
    """Every committed conformance case, parsed."""
    return read_case(request.param)


def head_inputs(rng: np.random.Generator, head: str, T: int, B: int, H: int, K: int | None) -> dict:
    """What a head needs beside x: proj (T, B, H) for "none", else random targets (0-based ids)."""
    if head == "none":
        return {"proj": rng.standard_normal((T, B, H))}
    if head == "many_to_many_softmax":
        return {"targets": rng.integers(0, K, (T, B))}
    return {"targets": rng.integers(0, 2 if head == "many_to_one_sigmoid" else K, B)}
