"""Shared test fixtures: the fixture folder, and one embedded-R session for the whole test run."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
EXAMPLES = REPO / "conformance" / "examples"


def r_unavailable() -> str | None:
    """Why R cannot be used here (rpy2 or R missing), or None."""
    from lstmparity.conformance.impls import BadInput
    from lstmparity.conformance.rbridge import _robjects

    try:
        _robjects()
    except BadInput as err:
        return str(err)
    return None


@pytest.fixture(scope="session")
def rsession():
    """One RSession (R started, the R code sourced once) shared by every R test; skips without R."""
    why = r_unavailable()
    if why:
        pytest.skip(f"R implementation unavailable: {why}")
    from lstmparity.conformance.rbridge import RSession

    return RSession().start()
