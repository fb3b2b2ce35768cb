"""Adapters written outside the project, misbehaving in every way we know: each gets its status and message,
the references next to them still agree, the run never exits 0 and --report is always written."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from lstmparity.cli import main
from lstmparity.conformance.report import SCHEMA_PATH

from .adapters.corpus import CORPUS, markdown
from .conftest import EXAMPLES, r_unavailable

pytestmark = pytest.mark.skipif(r_unavailable() is not None, reason="the corpus has R adapters: needs R")


def conform(capsys, tmp_path, group: str, timeout: str) -> tuple[int, dict, str]:
    """One run of the group's adapters; the references run next to the "run" group (next to the hangs, on a
    loaded 2-core machine, 2 s could be too short for them: the hanging adapters use the CPU meanwhile)."""
    specs = [m.impl() for m in CORPUS if m.group == group]
    references = ["python", "r"] if group == "run" else []
    argv = ["conform", "--case", "tiny_random", "--timeout", timeout, "--report", str(tmp_path / "r.json"),
            "--junit", str(tmp_path / "r.xml")]
    for spec in [*specs, *references]:
        argv += ["--impl", spec]
    code = main(argv)
    out = capsys.readouterr().out
    doc = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text()))
    suites = ET.parse(tmp_path / "r.xml").getroot().findall("testsuite")
    assert len(suites) == len(specs) + len(references)
    return code, {r["implementation"]: r for r in doc["results"]}, out


@pytest.mark.parametrize(("group", "timeout"), [("run", "20"), ("hang", "2")])
def test_every_misbehaviour_is_reported_and_the_references_still_agree(capsys, tmp_path, group, timeout):
    code, results, out = conform(capsys, tmp_path, group, timeout)
    assert code == 1
    for m in (m for m in CORPUS if m.group == group):
        got = results[m.impl()]
        assert (got["status"], m.message in (got["message"] or "")) == (m.status, True), (m.spec, got["message"])
    if group == "run":  # the references still agree; a Python error shows the last frames in the user's file
        assert results["python"]["status"] == results["r"]["status"] == "agree"
        traceback = results[next(m.impl() for m in CORPUS if m.spec.endswith(":raises_in_helper"))]["message"]
        assert "misbehave.py:" in traceback and "in _helper: return x @ np.ones((7, 7))" in traceback
    assert "Tensors compared:" in out
    assert group != "run" or "python: 45 of 45 applicable tensors compared (45 in the fixtures)" in out


@pytest.mark.parametrize("m", [m for m in CORPUS if m.group == "load"], ids=lambda m: m.spec)
def test_an_adapter_that_cannot_be_loaded_exits_2_with_a_report(capsys, tmp_path, m):
    report = tmp_path / "r.json"
    code = main(["conform", "--case", "tiny_random", "--impl", "python", "--impl", m.impl(), "--report", str(report)])
    err = capsys.readouterr().err
    assert code == 2 and m.message in err and err.count("\n") == 1
    doc = json.loads(report.read_text())
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text()))
    assert doc["exit_code"] == 2 and m.message in doc["error"]


def test_only_everything_real_agreeing_exits_0(capsys, tmp_path):
    good = [m.impl() for m in CORPUS if m.status == "agree"]
    argv = ["conform", "--case", "tiny_random", "--impl", "python"]
    for spec in good:
        assert main([*argv, "--impl", spec]) == 0
    empty = next(m.impl() for m in CORPUS if m.status == "nothing_compared")
    assert main([*argv, "--impl", empty]) == 1
    partial = f"py:{EXAMPLES / 'adapter_example.py'}:adapter"  # forward only on this fixture: still a pass
    assert main(["conform", "--case", "char_lm_many_to_many", "--impl", partial]) == 0
    capsys.readouterr()


def test_docs_table_is_the_corpus():
    doc = (EXAMPLES.parents[1] / "docs" / "conformance.md").read_text()
    assert markdown() in doc, "regenerate with: python -m lstmparity.conformance.tests.adapters.corpus"
    assert len(CORPUS) >= 25 and {m.spec[:2] for m in CORPUS} == {"py", "r:"}
