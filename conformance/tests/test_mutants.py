"""Every catalogued backprop bug, in both languages, is caught where the catalogue says and diagnosed by name."""

from __future__ import annotations

import re

import pytest
from lstmparity.conformance import docs_gen, mutants
from lstmparity.conformance.diagnose import diagnosis_of, load_diagnosis_table
from lstmparity.conformance.impls import PythonImpl
from lstmparity.conformance.mutants import catalogue, resolve
from lstmparity.conformance.rbridge import HERE, RImpl
from lstmparity.conformance.runner import load_fixture, run_one
from lstmparity.conformance.score import expected_where
from lstmparity.conformance.text import describe

from .conftest import FIXTURES

CATALOGUE = catalogue()
PAIRS = [pytest.param(name, lang, id=f"{lang}: {name}: {m.description[:70]}")
         for name, m in CATALOGUE.items() for lang in ("python", "r")]
R_SOURCES = "".join(p.read_text() for p in sorted((HERE / "mutants").glob("*.R")))


def _run(name: str, lang: str, request: pytest.FixtureRequest):
    m = CATALOGUE[name]
    fx = load_fixture(FIXTURES / f"{m.fixture}.json")
    if lang == "python":
        impl = PythonImpl(f"python+{name}", mutants.python_ops_factory(name))
    else:
        impl = RImpl(request.getfixturevalue("rsession"), mutant=name)
    return run_one(impl, fx, 60)


@pytest.mark.parametrize(("name", "lang"), PAIRS)
def test_mutant_is_localised_and_diagnosed_by_name(name: str, lang: str, request: pytest.FixtureRequest) -> None:
    m = CATALOGUE[name]
    outcome = _run(name, lang, request)
    assert outcome.status == "diverge", f"{name} not detected: {outcome.status} {outcome.message}"
    first = outcome.comparison.first
    found = (first.entry.phase, first.entry.name, first.entry.step)
    story = "\n".join(describe(outcome))
    assert found == (m.phase, m.tensor, m.step), f"must first show at {expected_where(m)}; runner says:\n{story}"
    d = diagnosis_of(outcome)
    assert d.best is not None and (d.best.name, d.best.source) == (name, "catalogue"), story
    assert story.splitlines()[0].endswith(f": {name}: {d.best.what}")
    assert d.best.residual < 1e-12  # reproduced to rounding, not approximately


def test_catalogue_has_at_least_twenty_five_mutants_with_every_field() -> None:
    assert len(CATALOGUE) >= 25
    table = {r["name"]: r for r in load_diagnosis_table()}
    for m in CATALOGUE.values():
        assert m.description and m.where_seen and (FIXTURES / f"{m.fixture}.json").is_file()
        row = table[m.name]
        assert row["hypotheses"] and row["what"] and row["wrong"] and row["right"]
        assert row["fix"]["python"] and row["fix"]["r"]


def test_every_mutant_names_its_blocks_in_both_languages() -> None:
    for m in CATALOGUE.values():
        assert set(m.ops["python"]) == set(m.ops["r"]), m.name  # the same blocks swapped in both
        for reference in m.ops["python"].values():
            assert callable(resolve(reference)), reference
        for reference in m.ops["r"].values():
            fn = reference.removesuffix("(case)")
            assert re.search(rf"^{re.escape(fn)} <- function\(", R_SOURCES, re.M), f"{m.name}: no R function {fn}"


def test_every_buggy_copy_marks_its_bug() -> None:
    py = "".join(p.read_text() for p in sorted((HERE / "mutants").glob("*.py")))
    for source in (py, R_SOURCES):
        assert source.count("# BUG") >= len(CATALOGUE)


def test_accumulation_bugs_are_not_blamed_on_a_step() -> None:
    name = "weight_grads_from_h_t"
    m = CATALOGUE[name]
    out = run_one(PythonImpl(name, mutants.python_ops_factory(name)), load_fixture(FIXTURES / f"{m.fixture}.json"), 60)
    assert out.comparison.kind == "accumulation" and "every per-step tensor agrees" in out.comparison.agreeing


def test_docs_table_and_examples_are_generated_from_the_code(rsession) -> None:
    stale = "docs/conformance.md is stale: run `python -m lstmparity.conformance.docs_gen`"
    assert docs_gen.main(["--check"]) == 0, stale


def test_docs_check_fails_when_the_table_is_stale(monkeypatch) -> None:
    doc = docs_gen.DOC.read_text("utf-8")
    for marker, fn in (("diagnosis examples", "example_outputs"), ("outside the catalogue", "outside_catalogue")):
        monkeypatch.setattr(docs_gen, fn, lambda marker=marker: docs_gen.section(doc, marker))  # as they are
    assert docs_gen.normalise(docs_gen.generate(doc)) == docs_gen.normalise(doc)
    stale = doc.replace(f"| `{next(iter(CATALOGUE))}` |", "| `renamed_mutant` |", 1)
    assert stale != doc and docs_gen.normalise(docs_gen.generate(stale)) != docs_gen.normalise(stale)
