"""The comparison: first divergence, its classification, what still agrees, missing and misshapen tensors.

Results are the fixture's own expected values with one perturbation, so these
tests do not depend on any implementation.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from lstmparity.conformance.compare import compare
from lstmparity.suite.fixtures import read_case

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def char_lm() -> dict:
    return read_case(FIXTURES / "char_lm_many_to_many.json")  # T = 12, B = 2, H = 6, embedding, mask


def _result(case: dict) -> dict:
    return copy.deepcopy(case["expected"])


def test_expected_agrees_with_itself(char_lm):
    c = compare(_result(char_lm), char_lm["expected"], char_lm["tolerance"])
    assert c.ok and not c.not_provided


def test_first_divergence_names_phase_step_tensor_and_worst_element(char_lm):
    r = _result(char_lm)
    r["backward"]["dc"][7, 1, 2] += 1e-3
    r["backward"]["dx"][3, 0, 0] += 1.0  # later in trace order: not the first
    c = compare(r, char_lm["expected"], char_lm["tolerance"])
    f = c.first
    assert (f.entry.phase, f.entry.step, f.entry.name, f.worst) == ("backward", 7, "dc", (1, 2))
    assert f.actual - f.expected == pytest.approx(1e-3)
    assert c.kind == "step"
    assert c.agreeing == "forward all agree; dlogits agree; backward t=11..8 agree; at t=7: dh, do agree"


def test_parameter_gradient_with_agreeing_steps_is_an_accumulation_error(char_lm):
    r = _result(char_lm)
    r["grads"]["dU"][0, 0] *= 1.5
    c = compare(r, char_lm["expected"], char_lm["tolerance"])
    assert (c.first.entry.name, c.kind) == ("dU", "accumulation")
    assert "every per-step tensor agrees" in c.agreeing


def test_missing_tensors_are_not_provided_not_failures(char_lm):
    r = _result(char_lm)
    del r["backward"]["dx"], r["grads"]
    c = compare(r, char_lm["expected"], char_lm["tolerance"])
    assert c.ok
    assert c.not_provided == ["backward.dx", "grads.dWy", "grads.dby", "grads.dW", "grads.dU", "grads.db",
                              "grads.dE"]


def test_nan_never_agrees(char_lm):
    r = _result(char_lm)
    r["forward"]["h"][0, 0, 0] = np.nan
    c = compare(r, char_lm["expected"], char_lm["tolerance"])
    assert (c.first.entry.step, c.first.entry.name, c.first.note) == (0, "h", "NaN in the result")


def test_wrong_shape_is_reported_at_the_tensor(char_lm):
    r = _result(char_lm)
    r["forward"]["c"] = r["forward"]["c"].transpose(1, 0, 2)  # (B, T, H): a layout mix-up
    c = compare(r, char_lm["expected"], char_lm["tolerance"])
    assert (c.first.status, c.first.entry.step, c.first.entry.name) == ("shape", 0, "c")
    assert "(2, 12, 6) where (12, 2, 6)" in c.first.note


def test_scalar_loss_may_come_as_a_length_one_vector(char_lm):
    r = _result(char_lm)
    r["forward"]["loss"] = np.array([r["forward"]["loss"]])  # what R returns
    assert compare(r, char_lm["expected"], char_lm["tolerance"]).ok


def test_optimizer_divergence_names_the_update(tmp_path):
    case = read_case(FIXTURES / "adam_trajectory.json")
    r = _result(case)
    r["optimizer_steps"][2]["params"]["U"][1, 1] += 1e-6
    c = compare(r, case["expected"], case["tolerance"])
    assert (c.first.entry.phase, c.first.entry.step, c.first.entry.name, c.kind) == ("optimizer", 3, "U", "optimizer")
    assert "update=1..2 agree; at update=3: loss, E, W agree" in c.agreeing
