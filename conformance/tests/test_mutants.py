"""Every catalogued backprop bug, in both languages, is caught exactly where the catalogue says."""

from __future__ import annotations

import inspect
import re

import pytest

from conformance import mutants
from conformance.impls import PythonImpl
from conformance.mutants import catalogue
from conformance.rbridge import HERE, RImpl
from conformance.runner import load_fixture, run_one
from conformance.score import expected_where
from conformance.text import describe

from .conftest import FIXTURES

CATALOGUE = catalogue()
PAIRS = [pytest.param(name, lang, id=f"{lang}: {name}: {m.description[:70]}")
         for name, m in CATALOGUE.items() for lang in ("python", "r")]


@pytest.mark.parametrize(("name", "lang"), PAIRS)
def test_mutant_is_localised(name: str, lang: str, request: pytest.FixtureRequest) -> None:
    m = CATALOGUE[name]
    fx = load_fixture(FIXTURES / f"{m.fixture}.json")
    if lang == "python":
        impl = PythonImpl(f"python+{name}", mutants.python_ops_factory(name))
    else:
        impl = RImpl(request.getfixturevalue("rsession"), mutant=name)
    outcome = run_one(impl, fx, 60)
    assert outcome.status == "diverge", f"{name} not detected: {outcome.status} {outcome.message}"
    first = outcome.comparison.first
    found = (first.entry.phase, first.entry.name, first.entry.step)
    assert found == (m.phase, m.tensor, m.step), (
        f"must first show at {expected_where(m)}; runner says:\n" + "\n".join(describe(outcome)))


def test_catalogue_has_at_least_twelve_mutants_with_every_field() -> None:
    assert len(CATALOGUE) >= 12
    for m in CATALOGUE.values():
        assert m.description and m.where_seen and (FIXTURES / f"{m.fixture}.json").is_file()


def test_every_mutant_exists_in_both_languages() -> None:
    ops_r = (HERE / "mutants" / "ops.R").read_text()
    r_names = set(re.findall(r"^    (\w+) = (?:reference_ops|do\.call)", ops_r, re.M))
    assert set(CATALOGUE) == set(mutants.PYTHON) == r_names


def test_every_buggy_copy_marks_its_bug() -> None:
    py = "".join(inspect.getsource(mod) for mod in (mutants.backward, mutants.forward, mutants.blocks))
    r = "".join(p.read_text() for p in (HERE / "mutants").glob("*.R"))
    for source in (py, r):
        assert source.count("# BUG") >= len(CATALOGUE)


def test_accumulation_bugs_are_not_blamed_on_a_step() -> None:
    name = "weight_grads_from_h_t"
    m = CATALOGUE[name]
    out = run_one(PythonImpl(name, mutants.python_ops_factory(name)), load_fixture(FIXTURES / f"{m.fixture}.json"), 60)
    assert out.comparison.kind == "accumulation" and "every per-step tensor agrees" in out.comparison.agreeing
