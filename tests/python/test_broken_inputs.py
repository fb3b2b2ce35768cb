"""Broken fixtures are refused with a message that names the file, the field and what was expected.

The corpus is tests/broken/*.json, written by tests/broken/make_broken.py; its
manifest expected_errors.json says, for each file, which JSON path the message
must name and what it must say was expected (see tests/broken/README.md).
Reading runs with every warning turned into an error: a RuntimeWarning on the
way to the message is a defect too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from lstmparity.suite.fixtures import FixtureError, case_paths, read_case

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "broken"
sys.path.insert(0, str(BROKEN))
import make_broken  # noqa: E402

MANIFEST = json.loads((BROKEN / make_broken.MANIFEST).read_text("utf-8"))

# Inputs that read_case once let through or reported without a field; all are fixed now.
# A file listed here is expected to FAIL the clear-error check (strict xfail).
KNOWN_ISSUES: dict[str, str] = {}


def refusal(path: Path) -> str:
    """The message of the FixtureError read_case raises on path (warnings are errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FixtureError) as info:
            read_case(path)
    return str(info.value)


def check_message(message: str, entry: dict) -> None:
    problem = make_broken.message_problem(message, entry)
    assert problem is None, problem


def _param(entry: dict):
    issue = KNOWN_ISSUES.get(entry["file"])
    marks = [pytest.mark.xfail(strict=True, reason=issue)] if issue else []
    return pytest.param(entry, id=entry["file"], marks=marks)


@pytest.mark.parametrize("entry", [_param(e) for e in MANIFEST])
def test_read_case_refuses_with_a_clear_message(entry: dict) -> None:
    check_message(refusal(BROKEN / entry["file"]), entry)


def test_corpus_is_what_make_broken_writes() -> None:
    for name, data in make_broken.expected_outputs().items():
        assert (BROKEN / name).read_bytes() == data, f"tests/broken/{name} is stale: run make_broken.py"
    assert {e["file"] for e in MANIFEST} == {p.name for p in BROKEN.glob("*.json")} - {make_broken.MANIFEST}


@pytest.mark.parametrize("name", sorted({s["base"] for s in make_broken.CORPUS}))
def test_the_corpus_bases_are_valid(name: str) -> None:
    """Every broken file is a good fixture with one change: the good one must read."""
    read_case(ROOT / "fixtures" / f"{name}.json")


def test_the_checks_can_fail() -> None:
    """The message checks are not vacuous: a wrong field or expectation is caught."""
    names_field, says_expected = make_broken.names_field, make_broken.says_expected
    msg = "x/W_missing_column.json: params.W: expected shape (5, 16), got (5, 15)"
    assert names_field(msg, "params.W") and not names_field(msg, "params.Wy") and not names_field(msg, "params.U")
    assert names_field("f.json: params: 'W' is a required property", "params.W")
    assert not names_field("f.json: inputs: 'W' is a required property", "params.W")
    assert says_expected(msg, make_broken.dims(5, 16)) and not says_expected(msg, make_broken.dims(16, 5))
    entry = {"file": "non_integer_K.json", "field": "config.K", "expect": ["integer"]}
    assert make_broken.message_problem("non_integer_K.json: config.K: 2.5 is not valid", entry)


def test_case_paths_ignores_everything_but_json(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "ragged_x.json", tmp_path / "a.json")
    (tmp_path / ".a.json.x1y2.tmp").write_text("{")
    (tmp_path / "notes.txt").write_text("")
    assert [p.name for p in case_paths(tmp_path)] == ["a.json"]


@pytest.mark.skipif(bool(os.environ.get("LSTMPARITY_SKIP_BIG")), reason="LSTMPARITY_SKIP_BIG is set")
def test_a_50_mb_case_errors_cleanly(tmp_path: Path) -> None:
    """No wall-time assertion: the time is printed (run with -s) and by tests/broken/measure.py."""
    path = make_broken.write_big_case(tmp_path)
    start = time.perf_counter()
    message = refusal(path)
    print(f"\n50 MB case: {path.stat().st_size / 1e6:.1f} MB refused in {time.perf_counter() - start:.1f} s")
    check_message(message, make_broken.BIG_CASE)


@pytest.mark.skipif(bool(os.environ.get("LSTMPARITY_SKIP_BIG")), reason="LSTMPARITY_SKIP_BIG is set")
def test_a_50_mb_case_is_parsed_and_refused_for_its_content_when_allowed(tmp_path: Path, monkeypatch) -> None:
    path = make_broken.write_big_case(tmp_path)
    monkeypatch.setenv("LSTMPARITY_MAX_CASE_MB", "100")
    check_message(refusal(path), make_broken.BIG_CASE_PARSED)


# --- the conformance runner -------------------------------------------------------------
RUNNER_READY = (ROOT / "conformance" / "cli.py").is_file()
GOOD = ["tiny_random", "batch_all_dims_differ"]
BAD = ["ragged_x.json", "token_out_of_range.json", "truncated_half.json"]


@pytest.mark.xfail(not RUNNER_READY, strict=True, reason="conformance/cli.py (`lstmparity conform`) not written yet")
def test_conform_exits_2_and_still_checks_the_good_cases(tmp_path: Path) -> None:
    for name in GOOD:
        shutil.copy(ROOT / "fixtures" / f"{name}.json", tmp_path)
    for name in BAD:
        shutil.copy(BROKEN / name, tmp_path)
    exe = Path(sys.executable).with_name("lstmparity")
    proc = subprocess.run([str(exe), "conform", "--fixtures", str(tmp_path)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, f"exit {proc.returncode}, expected 2 (bad input)\n{out}"
    assert "Traceback" not in out, out
    for name in BAD:
        entry = next(e for e in MANIFEST if e["file"] == name)
        line = next((ln for ln in out.splitlines() if name in ln), None)
        assert line is not None, f"{name} is not reported\n{out}"
        if entry["field"]:
            assert entry["field"] in out, f"{name}: {entry['field']} is not named\n{out}"
    for name in GOOD:
        assert name in out, f"the good case {name} was not checked\n{out}"


def test_conform_refuses_the_whole_corpus_and_still_checks_the_good_cases(tmp_path: Path) -> None:
    for name in GOOD:
        shutil.copy(ROOT / "fixtures" / f"{name}.json", tmp_path)
    for entry in MANIFEST:
        shutil.copy(BROKEN / entry["file"], tmp_path)
    exe = Path(sys.executable).with_name("lstmparity")
    proc = subprocess.run([str(exe), "conform", "--fixtures", str(tmp_path), "--impl", "python"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "Traceback" not in out, f"exit {proc.returncode}\n{out[-3000:]}"
    missing = [e["file"] for e in MANIFEST if e["file"] not in proc.stderr]
    assert not missing, f"not reported as bad input: {missing}"
    for name in GOOD:
        assert name in out, f"the good case {name} was not checked\n{out}"


def _keywords(node: object) -> set[str]:
    """Every validation keyword the case schema uses (annotations left out)."""
    if isinstance(node, list):
        return set().union(set(), *(_keywords(v) for v in node))
    if not isinstance(node, dict):
        return set()
    found = {k for k in node if k not in ("$schema", "$id", "$defs", "title", "description")}
    for k, v in node.items():
        if k in ("properties", "$defs"):  # maps of names to schemas
            found |= set().union(set(), *(_keywords(s) for s in v.values()))
        elif isinstance(v, (dict, list)) and k not in ("enum", "const", "required"):
            found |= _keywords(v)
    return found


def test_every_schema_keyword_has_a_broken_file() -> None:
    """The corpus refuses at least one file through each keyword the schema uses, so both readers'
    handling of every keyword is exercised (R/schema.R walks the same keywords)."""
    from lstmparity.suite.fixtures import schema

    used = _keywords(schema())
    covered = {e["keyword"] for e in json.loads((BROKEN / "expected_errors.json").read_text()) if e["keyword"]}
    assert used - covered == set()


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    """A UTF-8 BOM (some Windows editors write one) reads as the same case, as in R."""
    src = ROOT / "fixtures" / "tiny_random.json"
    bom = tmp_path / "tiny_random.json"
    bom.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    a, b = read_case(src), read_case(bom)
    assert np.array_equal(a["expected"]["forward"]["h"], b["expected"]["forward"]["h"])
