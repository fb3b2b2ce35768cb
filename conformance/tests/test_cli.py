"""The command line: exit status, reports, plots, filters, and failures that must not stop the run."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from lstmparity.cli import main
from lstmparity.conformance.report import SCHEMA_PATH

from .conftest import EXAMPLES, FIXTURES


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["conform", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reference_agrees_exit_0(capsys):
    code, out, _ = run(capsys, "--impl", "python", "--case", "tiny_random", "--case", "initial_state")
    assert code == 0 and "2 runs: 2 agree" in out


def test_mutant_diverges_exit_1_with_location(capsys):
    code, out, _ = run(capsys, "--impl", "python", "--case", "tiny_random", "--mutant", "carry_without_forget_gate")
    assert code == 1
    assert "first divergence at backward t=1 dc (step)" in out
    assert "still agree: forward all agree; backward t=2 agree; at t=1: dh, do agree" in out


def test_bad_fixture_exit_2_and_the_others_still_run(tmp_path, capsys):
    for name in ("tiny_random", "initial_state"):
        shutil.copy(FIXTURES / f"{name}.json", tmp_path)
    raw = json.loads((tmp_path / "initial_state.json").read_text())
    raw["params"]["W"] = raw["params"]["W"][:-1]  # one row short
    (tmp_path / "initial_state.json").write_text(json.dumps(raw))
    (tmp_path / "broken.json").write_text("{ not json")
    code, out, err = run(capsys, "--impl", "python", "--fixtures", str(tmp_path))
    assert code == 2
    assert "tiny_random" in out and "agree" in out
    assert "params.W: expected an array of shape" in err and "not valid JSON" in err


def test_unknown_fixture_dir_or_case_or_impl_exit_2(tmp_path, capsys):
    assert run(capsys, "--impl", "python", "--fixtures", str(tmp_path / "nowhere"))[0] == 2
    code, _, err = run(capsys, "--impl", "python", "--case", "no_such_case")
    assert code == 2 and "no such fixture" in err and err.count("\n") == 1
    assert run(capsys, "--impl", "fortran")[0] == 2
    assert run(capsys, "--impl", "py:no_such_module:f")[0] == 2
    assert run(capsys, "--mutant", "no_such_bug", "--impl", "python")[0] == 2


def test_report_junit_and_plot(tmp_path, capsys):
    report, junit, png = tmp_path / "r.json", tmp_path / "r.xml", tmp_path / "r.png"
    code, _, _ = run(capsys, "--impl", "python", "--case", "tiny_random", "--case", "square_b_h_d",
                     "--mutant", "matmul_for_elementwise", "--report", str(report), "--junit", str(junit),
                     "--plot", str(png))
    assert code == 1
    doc = json.loads(report.read_text())
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text()))
    square = next(r for r in doc["results"] if r["fixture"] == "square_b_h_d")
    assert (square["first_divergence"]["tensor"], square["first_divergence"]["step"]) == ("do", 3)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_python_adapter_not_provided_and_failures(tmp_path, capsys):
    mod = tmp_path / "adapters.py"
    mod.write_text(
        "import time\nimport numpy as np\n"
        "def raises(case):\n    raise RuntimeError('no backward yet')\n"
        "def hangs(case):\n    time.sleep(30)\n"
        "def not_a_dict(case):\n    return 42\n"
        "def wrong_shape(case):\n    return {'forward': {'i': np.zeros((1, 2, 3))}}\n"
        "def nan(case):\n    T, B, H = (case['config'][k] for k in 'TBH')\n"
        "    return {'forward': {'i': np.full((T, B, H), np.nan)}}\n")
    funcs = ("raises", "hangs", "not_a_dict", "wrong_shape", "nan")
    specs = [arg for f in funcs for arg in ("--impl", f"py:{mod}:{f}")]
    code, out, _ = run(capsys, *specs, "--impl", f"py:{EXAMPLES / 'adapter_example.py'}:adapter",
                       "--case", "tiny_random", "--timeout", "0.5")
    assert code == 1
    assert "raised RuntimeError: no backward yet" in out
    assert "timed out after 0.5 s" in out
    assert "returned a number; expected a dict" in out
    assert "shape (1, 2, 3) where (3, 1, 3) was expected" in out
    assert "NaN in the result" in out
    assert f"py:{EXAMPLES / 'adapter_example.py'}:adapter / tiny_random" not in out.split("Divergences")[1]


@pytest.mark.parametrize("spec", [f"py:{EXAMPLES / 'adapter_example.py'}:adapter",
                                  "py:conformance.examples.adapter_example:adapter"])
def test_python_example_adapter_agrees(spec, capsys):
    code, out, _ = run(capsys, "--impl", spec, "--case", "batch_all_dims_differ", "--case", "char_lm_many_to_many")
    assert code == 0
    assert "char_lm_many_to_many: forward: logits, loss; backward: all; grads: all" in out
