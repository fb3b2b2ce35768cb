"""The whole picture at the first divergence, and its diagnosis.

Bugs here are NOT in the mutation catalogue: independent from-scratch LSTMs
(scratch_lstm.py, batch-first with per-gate weights; scratch_lstm.R, units as
rows) each with one mistake, which the runner must name through the generic
grammar; plus results made from the fixture's own expected values.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from lstmparity.conformance import report
from lstmparity.conformance.compare import compare
from lstmparity.conformance.diagnose import NO_EXPLANATION, diagnose, diagnosis_of
from lstmparity.conformance.impls import make_impls, without_expected
from lstmparity.conformance.runner import load_fixture, run_one
from lstmparity.conformance.text import describe, render
from lstmparity.suite.fixtures import read_case

from . import scratch_lstm
from .conftest import FIXTURES
from .inprocess import PyAdapter, RFunction

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def dims_differ() -> dict:
    return read_case(FIXTURES / "batch_all_dims_differ.json")  # T = 6, B = 3, D = 5, H = 4, head none


def _diagnosed(case: dict, result: dict):
    c = compare(result, case["expected"], case["tolerance"])
    assert not c.ok
    return c, diagnose(case, result, c)


# --- the whole picture ---------------------------------------------------------------------------------------

def test_gate_and_unit_of_the_worst_element_of_a_parameter_gradient(dims_differ):
    r = copy.deepcopy(dims_differ["expected"])
    r["grads"]["dW"][2, 6] += 1e-3  # column 6 with H = 4: gate f, unit 2
    c = compare(r, dims_differ["expected"], dims_differ["tolerance"])
    assert (c.first.entry.name, c.first.worst, c.first.gate, c.first.blocks) == ("dW", (2, 6), "gate f, unit 2", ("f",))
    assert c.kind == "accumulation"


def test_every_tensor_diverging_at_the_first_step_and_whether_the_next_step_agrees(dims_differ):
    r = copy.deepcopy(dims_differ["expected"])
    r["backward"]["dc"][3] *= 1.01
    r["backward"]["dg"][3] *= 1.01
    c = compare(r, dims_differ["expected"], dims_differ["tolerance"])
    assert [k.entry.name for k in c.same_step] == ["dc", "dg"]
    assert c.next_step.startswith("the next step in the trace, t=2, agrees: only t=3 is wrong")


def test_an_error_that_propagates_says_so(dims_differ):
    o = run_one(PyAdapter("scratch", scratch_lstm.adapter("do_tanh_derivative")),
                load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)
    assert "diverges too" in o.comparison.next_step and "the error propagates" in o.comparison.next_step
    assert [k.entry.name for k in o.comparison.same_step] == ["do", "dx"]


# --- from-scratch implementations with bugs the catalogue does not contain ----------------------------------

@pytest.fixture(scope="module")
def r_scratch(rsession):
    return rsession.source([HERE / "scratch_lstm.R"], parent=rsession._ro.globalenv)


def _check(outcome, hypothesis: str) -> None:
    text = "\n".join(describe(outcome))
    assert outcome.status == "diverge", outcome.message
    d = diagnosis_of(outcome)
    assert d.best is not None, text
    assert (d.best.hypothesis, d.best.source) == (hypothesis, "grammar"), text
    assert text.splitlines()[0].endswith(f"[{hypothesis}]")


def test_the_scratch_implementations_agree_without_a_bug(r_scratch, rsession):
    for name in ("batch_all_dims_differ", "initial_state", "tiny_random", "saturated_gates"):
        fx = load_fixture(FIXTURES / f"{name}.json")
        assert run_one(PyAdapter("py", scratch_lstm.adapter(None)), fx, 60).status == "agree"
        assert run_one(RFunction(rsession, r_scratch["scratch_adapter"]("none"), "r"), fx, 60).status == "agree"


@pytest.mark.parametrize(("lang", "bug", "fixture", "hypothesis"), scratch_lstm.CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in scratch_lstm.CASES])
def test_bug_outside_the_catalogue_is_diagnosed_by_the_grammar(lang: str, bug: str, fixture: str, hypothesis: str,
                                                               request: pytest.FixtureRequest) -> None:
    if lang == "python":
        impl = PyAdapter(f"scratch+{bug}", scratch_lstm.adapter(bug))
    else:
        rsession, r_scratch = request.getfixturevalue("rsession"), request.getfixturevalue("r_scratch")
        impl = RFunction(rsession, r_scratch["scratch_adapter"](bug), f"r-scratch+{bug}")
    _check(run_one(impl, load_fixture(FIXTURES / f"{fixture}.json"), 60), hypothesis)


def test_a_wrong_value_no_hypothesis_explains_is_said_so() -> None:
    outcome = run_one(PyAdapter("scratch+noise", scratch_lstm.adapter("noise")),
                      load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)
    d = diagnosis_of(outcome)
    assert d.best is None and d.tested > 10
    head = f"scratch+noise / batch_all_dims_differ: {NO_EXPLANATION} ({d.tested} hypotheses tested)"
    assert describe(outcome)[0] == head


@pytest.fixture(scope="module")
def thesis(rsession) -> Any:
    """The thesis's backward as the runner runs `--impl r:conformance/tests/scratch_lstm.R` (a worker process)."""
    [impl] = make_impls([f"r:{HERE / 'scratch_lstm.R'}"])
    yield impl
    impl.close()


def test_the_thesis_backward_is_diagnosed_on_a_square_case(thesis) -> None:
    outcome = run_one(thesis, load_fixture(FIXTURES / "square_b_h_d.json"), 60)  # B = H = D = 3
    d = diagnosis_of(outcome)
    assert (d.best.name, d.best.source) == ("matmul_for_elementwise", "catalogue")
    assert d.best.wrong == "do = (dh * tanh(c)) %*% (o * (1 - o))"  # the thesis's `eo %*% oa`
    # every other `%*%` line of that step is named too, so its author fixes all four at once
    assert [name for name, _ in d.also] == ["di", "df", "dg"]
    assert all(why.startswith("matmul_for_elementwise: ") and "%*%" in why for _, why in d.also)


def test_the_thesis_backward_fails_in_r_where_b_differs_from_h_and_the_error_names_the_call(thesis) -> None:
    outcome = run_one(thesis, load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)  # B = 3, H = 4
    assert outcome.status == "error"
    assert "eo %*% (a$oa * (1 - a$oa)): non-conformable arguments" in outcome.message


# --- generic hypotheses on results made from the expected values --------------------------------------------

def test_one_constant_factor_on_a_gradient_is_named_with_its_value(dims_differ):
    r = copy.deepcopy(dims_differ["expected"])
    for k in r["grads"]:
        r["grads"][k] = r["grads"][k] / dims_differ["config"]["B"]  # a loss averaged over the batch
    _, d = _diagnosed(dims_differ, r)
    assert d.best.hypothesis == "dW:scale:1/B"


def test_float32_arithmetic_is_recognised(dims_differ):
    r = copy.deepcopy(dims_differ["expected"])
    r["forward"] = {k: np.float32(v).astype(float) for k, v in r["forward"].items()}
    _, d = _diagnosed(dims_differ, r)
    assert d.best.hypothesis == "float32"


def test_a_fit_needs_more_values_than_parameters():
    case = read_case(FIXTURES / "one_unit_worked_example.json")  # one element per tensor: any scalar is a scale
    r = copy.deepcopy(case["expected"])
    r["backward"]["dc"] = r["backward"]["dc"] * 1.37
    _, d = _diagnosed(case, r)
    assert all(":scale:" not in f.hypothesis for f in d.findings)


# --- text and report --------------------------------------------------------------------------------------------

def test_findings_repeated_over_fixtures_are_summarised_once():
    adapter = PyAdapter("scratch+hard_sigmoid", scratch_lstm.adapter("hard_sigmoid"))
    outcomes = [run_one(adapter, load_fixture(FIXTURES / f"{n}.json"), 60)
                for n in ("batch_all_dims_differ", "initial_state", "tiny_random")]
    text = render(outcomes)
    assert "scratch+hard_sigmoid: on 3 fixtures: hard_sigmoid where sigmoid belongs (i:act:hard_sigmoid)" in text


def test_report_carries_the_diagnosis_and_validates(tmp_path):
    outcome = run_one(PyAdapter("scratch+c_prev_wraps", scratch_lstm.adapter("c_prev_wraps")),
                      load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)
    doc = report.report_json([outcome], {"fixtures_dir": "fixtures", "implementations": ["x"], "mutant": None,
                                         "exit_code": 1, "seconds": 0.1})
    jsonschema.validate(doc, json.loads(report.SCHEMA_PATH.read_text()))
    d = doc["results"][0]["diagnosis"]
    assert (d["explained"], d["hypothesis"], d["source"]) == (True, "df:swap:c_prev>c_wrap", "grammar")
    assert d["wrong"] == "df = dc * C[t-1] (c_{T-1} at t = 0) * f * (1 - f)" and d["fix"]["r"].startswith("df <- ")
    assert doc["results"][0]["first_divergence"]["same_step"] == ["df", "dx"]
    why = "follows from df (the right equation reproduces it from them)"
    assert d["also"] == [{"tensor": "dx", "explanation": why}]


def test_heatmap_outlines_every_tensor_diverging_at_the_first_step_and_titles_the_diagnosis(tmp_path, monkeypatch):
    from lstmparity.conformance import plot

    outcome = run_one(PyAdapter("scratch+c_prev_wraps", scratch_lstm.adapter("c_prev_wraps")),
                      load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)
    assert [(c.entry.step, c.entry.name) for c in plot.marked(outcome)] == [(0, "df"), (0, "dx")]
    titles = []
    monkeypatch.setattr("matplotlib.axes.Axes.set_title", lambda self, t, **kw: titles.append(t))
    plot.heatmap(outcome, tmp_path / "h.png")
    assert (tmp_path / "h.png").stat().st_size > 0 and titles[0].endswith("[df:swap:c_prev>c_wrap]")


def test_an_adapter_returning_only_parameter_gradients_gets_the_gate_blocks_and_the_bug(dims_differ):
    from lstmparity.conformance import mutants
    from lstmparity.core.model import run_case

    ops = mutants.python_ops_factory("forget_sigmoid_grad_dropped")(dims_differ)
    result = {"grads": run_case(without_expected(dims_differ), ops)["grads"]}  # what a grads-only adapter returns
    c, d = _diagnosed(dims_differ, result)
    assert (c.first.entry.name, c.kind) == ("dW", "gradient")
    assert "f" in c.first.blocks and "cannot tell a step error from an accumulation error" in c.agreeing
    assert (d.best.name, d.best.hypothesis) == ("forget_sigmoid_grad_dropped", "mutant:forget_sigmoid_grad_dropped")


def test_nothing_is_claimed_for_nan_and_a_failing_diagnosis_never_costs_the_report(dims_differ, monkeypatch):
    r = copy.deepcopy(dims_differ["expected"])
    r["backward"]["dc"][2, 0, 0] = np.nan
    _, d = _diagnosed(dims_differ, r)
    assert d.headline == "not diagnosed: the result holds NaN or inf" and d.tested == 0

    import lstmparity.conformance.diagnose as diagnose_module

    def broken(*args):
        raise ValueError("boom")

    monkeypatch.setattr(diagnose_module, "diagnose", broken)
    outcome = run_one(PyAdapter("scratch+noise", scratch_lstm.adapter("noise")),
                      load_fixture(FIXTURES / "batch_all_dims_differ.json"), 60)
    assert describe(outcome)[0].endswith(": not diagnosed: ValueError: boom")
