"""The committed fixtures: valid, current, self-consistent, and verified independently of our backward pass."""

from __future__ import annotations

import copy
import json

import jsonschema
import numpy as np
import pytest
from conftest import CASE_PATHS, FIXTURES
from lstmparity.core import jsonio
from lstmparity.core.model import run_case
from lstmparity.core.trace import agree, lookup, trace_order
from lstmparity.suite.cases import CASES, FD_LIMIT, build, verify_gradients
from lstmparity.suite.fixtures import schema
from lstmparity.suite.regenerate import stale_fixtures


def disagreements(result: dict, expected: dict, rtol: float, atol: float) -> list:
    return [e for e in trace_order(expected) if not agree(lookup(result, e), lookup(expected, e), rtol, atol).ok]


def test_at_least_sixteen_cases_and_schema_copy_is_current():
    assert len(CASE_PATHS) >= 16 + 8 + 6  # LSTM, GRU, RNN
    assert json.loads((FIXTURES / "schema" / "case.schema.json").read_text()) == schema()


@pytest.mark.parametrize("path", CASE_PATHS, ids=[p.stem for p in CASE_PATHS])
def test_validates_against_schema(path):
    jsonschema.Draft202012Validator(schema()).validate(json.loads(path.read_text()))


def test_reference_reproduces_every_value(case):
    """Every tensor in trace order, within the case's own tolerance (1e-12 of the slice's max)."""
    assert disagreements(run_case(case), case["expected"], **case["tolerance"]) == []


def test_gradients_match_finite_differences(case):
    """Central differences (Richardson-extrapolated) on every parameter and on h0, c0: error < 1e-6."""
    errors = verify_gradients(case, run_case(case))
    assert max(errors.values()) < FD_LIMIT


def test_a_perturbed_expected_value_is_caught(case):
    """The comparison can fail: change one expected number by 1e-9 relative and it must."""
    bad = copy.deepcopy(case["expected"])
    h = bad["forward"]["h"]
    h[-1].flat[-1] *= 1 + 1e-9
    found = disagreements(run_case(case), bad, **case["tolerance"])
    assert [(e.phase, e.name) for e in found] == [("forward", "h")]


def test_one_unit_worked_example_matches_the_hand_computed_numbers():
    fwd = run_case(build(CASES[0], check=False))["forward"]
    hand = {"f": 0.9974009322376768, "i": 0.9862110114938586, "g": 0.9660869289795985,
            "o": 0.9916739069015661, "c": 2.947567431895319, "h": 0.9862291254174954}
    for name, value in hand.items():
        assert fwd[name].item() == pytest.approx(value, rel=1e-15, abs=0), name
    assert np.tanh(fwd["c"].item()) == pytest.approx(0.9945095041362109, rel=1e-15)


def test_committed_fixtures_are_what_the_code_produces():
    assert stale_fixtures(FIXTURES, progress=False) == []


def test_regeneration_is_byte_identical_and_check_detects_staleness(tmp_path):
    from lstmparity.suite.regenerate import expected_files

    first = expected_files(check_gradients=False, progress=False)
    second = expected_files(check_gradients=False, progress=False)
    assert first == second
    for name, text in first.items():
        jsonio.write_atomic(tmp_path / name, text)
    assert stale_fixtures(tmp_path, progress=False) == []
    victim = tmp_path / "tiny_random.json"
    victim.write_text(victim.read_text().replace("0.", "0.0", 1))
    (tmp_path / "square_b_h_d.json").unlink()
    assert stale_fixtures(tmp_path, progress=False) == ["tiny_random.json", "square_b_h_d.json"]


def test_floats_round_trip_exactly():
    rng = np.random.default_rng(0)
    values = rng.standard_normal(1000) * 10.0 ** rng.uniform(-300, 300, 1000)
    assert np.array_equal(np.array(jsonio.loads(jsonio.dumps(values.tolist()))), values)


def test_check_accepts_rounding_level_differences_only(tmp_path):
    """Another BLAS may round the last digit differently: that is not staleness; a real change is."""
    from lstmparity.suite.regenerate import expected_files

    files = expected_files(check_gradients=False, progress=False)
    for name, text in files.items():
        jsonio.write_atomic(tmp_path / name, text)
    victim = tmp_path / "tiny_random.json"
    raw = json.loads(victim.read_text())
    h = raw["expected"]["forward"]["h"]
    h[0][0][0] = float(np.nextafter(h[0][0][0], 2.0))  # one ulp: rounding
    victim.write_text(jsonio.dumps(raw))
    notes: list[str] = []
    assert stale_fixtures(tmp_path, progress=False, notes=notes) == []
    assert [n.split(":")[0] for n in notes] == ["tiny_random.json"]
    h[0][0][0] *= 1 + 1e-9  # a real change
    victim.write_text(jsonio.dumps(raw))
    assert stale_fixtures(tmp_path, progress=False) == ["tiny_random.json"]


def test_regeneration_rewrites_only_files_changed_beyond_rounding_and_removes_stray_temp_files(tmp_path):
    """`lstmparity fixtures` on a machine that rounds differently leaves current files byte-identical."""
    from lstmparity.suite.regenerate import expected_files, write_fixtures

    files = expected_files(check_gradients=False, progress=False)
    for name, text in files.items():
        jsonio.write_atomic(tmp_path / name, text)
    rounded, moved = tmp_path / "tiny_random.json", tmp_path / "initial_state.json"
    for victim, factor in ((rounded, None), (moved, 1 + 1e-9)):
        raw = json.loads(victim.read_text())
        dW = raw["expected"]["grads"]["dW"]
        dW[0][0] = float(np.nextafter(dW[0][0], np.inf)) if factor is None else dW[0][0] * factor
        victim.write_text(jsonio.dumps(raw))
    before = rounded.read_bytes()
    stray = tmp_path / ".square_b_h_d.json.abc123.tmp"  # what a killed write leaves behind
    stray.write_text("{ half a case")
    assert stale_fixtures(tmp_path, progress=False) == [
        "initial_state.json", ".square_b_h_d.json.abc123.tmp (temporary file left by an interrupted run)"]
    notes: list[str] = []
    assert write_fixtures(tmp_path, progress=False, notes=notes) == ["initial_state.json"]
    assert "expected.grads.dW moved by" in notes[0]
    assert rounded.read_bytes() == before  # rounding only: not rewritten
    assert moved.read_text() == files["initial_state.json"]
    assert not stray.exists()
    assert stale_fixtures(tmp_path, progress=False) == []


def test_regenerated_names_what_changed_and_keeps_rounding_only_values():
    """The one rule of regeneration and --check, on each kind of difference."""
    from lstmparity.suite.regenerate import expected_files, regenerated

    text = expected_files(check_gradients=False, progress=False)["tiny_random.json"]
    raw = json.loads(text)
    assert regenerated(text, text) == (text, None)
    assert regenerated(None, text) == (text, "missing")
    assert regenerated(json.dumps(raw), text)[1].startswith("not in the canonical layout")
    assert regenerated("{", text)[1] == "not valid JSON"
    edited = copy.deepcopy(raw)
    edited["inputs"]["x"][0][0][0] = float(np.nextafter(edited["inputs"]["x"][0][0][0], np.inf))
    assert regenerated(jsonio.dumps(edited), text)[1].startswith("differs outside")  # inputs are exact
    edited = copy.deepcopy(raw)
    del edited["layer_inputs"]["dh_head"]
    assert regenerated(jsonio.dumps(edited), text) == (text, "layer_inputs.dh_head is new")
    edited = copy.deepcopy(raw)
    edited["expected"]["forward"]["h"][2][0][1] *= 1 + 1e-12  # 1e-12 relative: beyond 1% of rtol 1e-12
    assert regenerated(jsonio.dumps(edited), text)[1].startswith("expected.forward.h moved by")
    assert "at step 2" in regenerated(jsonio.dumps(edited), text)[1]
    rounded = copy.deepcopy(raw)  # one ulp on one number: the committed text stays, as it is
    rounded["expected"]["grads"]["dU"][1][3] = float(np.nextafter(rounded["expected"]["grads"]["dU"][1][3], 0))
    assert regenerated(jsonio.dumps(rounded), text) == (jsonio.dumps(rounded), None)
    rounded["description"] = "another description"  # a real change elsewhere: the rounding-only value is kept
    new_text, why = regenerated(jsonio.dumps(rounded), text)
    assert why.startswith("differs outside")
    assert json.loads(new_text)["expected"]["grads"]["dU"] == rounded["expected"]["grads"]["dU"]
    assert json.loads(new_text)["description"] == raw["description"]


def test_layer_inputs_reproduce_the_layer_tensors(case):
    """layer_inputs.x and .dh_head alone (with h0, c0, mask) give every layer tensor of expected:
    what a layer-only implementation is checked on (any cell, through the registry)."""
    from lstmparity.core.cells import cell_of, get_cell, layer_backward, layer_forward
    from lstmparity.core.spec import per_step_names

    layer, inputs, config = case["layer_inputs"], case["inputs"], case["config"]
    cell = get_cell(cell_of(config))
    params = {k: case["params"][k] for k in cell.params}
    options = {k: config[k] for k in cell.options if k in config}
    states = {f"{s}0": inputs.get(f"{s}0") for s in cell.states if s != "h"}  # c0
    out, cache = layer_forward(cell.name, layer["x"], params, inputs.get("h0"), inputs.get("mask"), **states, **options)
    trace, grads = layer_backward(cell.name, layer["dh_head"], cache)
    expected, tol = case["expected"], case["tolerance"]
    if "x" in expected["forward"]:
        assert np.array_equal(layer["x"], expected["forward"]["x"])
    compared = 0
    for phase, got in (("forward", out), ("backward", trace), ("grads", grads)):
        for name, value in got.items():
            e = expected[phase][name]
            slices = zip(value, e, strict=True) if np.ndim(e) == 3 and phase != "grads" else [(value, e)]
            for a, b in slices:
                assert agree(a, b, **tol).ok, (phase, name)
                compared += 1
    per_step = len(per_step_names("forward", cell.name)) - 1 + len(per_step_names("backward", cell.name))  # not x
    whole = len(cell.states) + len(cell.params)  # dh0 (, dc0); dW, dU, db (, db_hn)
    assert compared == per_step * case["config"]["T"] + whole  # LSTM: i..h, dh..dx per step; dh0, dc0, dW, dU, db


def test_the_long_sequence_cases_show_the_plain_rnns_gradient_vanishing():
    """dL/dh_t with the loss at the last step only: per step, max |dh_t| shrinks by 0.47 in the RNN, 0.97 in the
    GRU (the same inputs and initial weights, update gates biased to keep the state) and 0.89 in the LSTM of
    long_sequence_vanishing (forget gates biased alike, T = 100); 13 steps back, the RNN's is 1e4 times smaller
    than the GRU's and 4x smaller than the LSTM's."""
    from lstmparity.suite.fixtures import read_case

    def decay(name: str) -> tuple[float, float]:
        dh = np.abs(read_case(FIXTURES / f"{name}.json")["expected"]["backward"]["dh"])
        top = dh.reshape(dh.shape[0], -1).max(axis=1)  # max |dh_t| for every t
        return (top[0] / top[-1]) ** (1 / (len(top) - 1)), top[-14] / top[-1]

    (rnn, rnn13), (gru, gru13), (lstm, lstm13) = (decay(n) for n in (
        "rnn_long_sequence_vanishing", "gru_long_sequence_vanishing", "long_sequence_vanishing"))
    assert rnn < 0.5 < 0.85 < lstm < 0.9 < 0.95 < gru
    assert rnn13 < 1e-4 < 4 * rnn13 < lstm13 < 1e-3 < 0.5 < gru13
