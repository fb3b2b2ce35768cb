"""Declarations, layouts, record(), validation and the worker's limits, as units and through the runner."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from lstmparity.conformance import isolation
from lstmparity.conformance.declare import validate_declares
from lstmparity.conformance.errors import BadInput
from lstmparity.conformance.impls import make_impls
from lstmparity.conformance.isolation import PlainUnpickler, WorkerImpl
from lstmparity.conformance.rbridge import to_py
from lstmparity.conformance.runner import load_fixture, run_one
from lstmparity.conformance.validate import result_problems
from lstmparity.core import layouts
from lstmparity.core.record import new_recording, record, recording_result

from .conftest import FIXTURES

DECLARED = Path(__file__).parent / "adapters" / "declared.py"
RNG = np.random.default_rng(0)
P = {"W": RNG.standard_normal((3, 8)), "U": RNG.standard_normal((2, 8)), "b": RNG.standard_normal(8)}


@pytest.mark.parametrize("layout", layouts.LAYOUTS)
@pytest.mark.parametrize("order", ["ifgo", "fico"])
def test_every_layout_goes_there_and_back(layout, order):
    back = layouts.params_from_layout(layouts.params_to_layout(P, layout, order), layout, order, D=3)
    for k in P:
        assert np.array_equal(back[k], P[k]), (layout, order, k)


def test_per_gate_on_x_h_computes_our_preactivations():
    x, h = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 2))
    z = x @ P["W"] + h @ P["U"] + P["b"]
    pg = layouts.params_to_layout(P, "per_gate_xh")
    np.testing.assert_allclose(np.hstack([x, h]) @ pg["W_g"] + pg["b_g"], z[:, 4:6], rtol=1e-14)  # rounding only


def test_r_layouts_agree_with_python(rsession):
    """The same fixture's weights, converted by R and by Python, give the same numbers."""
    fx = load_fixture(FIXTURES / "batch_all_dims_differ.json")
    r_params = rsession.case(fx.path).rx2("params")
    for layout in layouts.LAYOUTS:
        got = to_py(rsession.impl_fn("params_to_layout")(r_params, layout, "fico"))
        want = layouts.params_to_layout(fx.case["params"], layout, "fico")
        for k, v in want.items():
            np.testing.assert_allclose(np.asarray(got[k]).reshape(v.shape), v, rtol=0, atol=0, err_msg=f"{layout}.{k}")


def test_record_stacks_and_refuses_misuse():
    rec = new_recording()
    for t in (2, 0, 1):
        record(rec, "h", t, np.full((2, 3), t))
    record(rec, "dc0", None, np.zeros((2, 3)))
    out = recording_result(rec)
    assert out["forward"]["h"].shape == (3, 2, 3) and out["forward"]["h"][1, 0, 0] == 1
    with pytest.raises(ValueError, match="unknown tensor 'hh'; did you mean 'h'"):
        record(rec, "hh", 0, 1)
    with pytest.raises(ValueError, match="recorded twice"):
        record(rec, "h", 1, 1)
    record(rec, "c", 1, 1)
    with pytest.raises(ValueError, match="before the first step 0|t = 0 missing"):
        recording_result(rec)
    with pytest.raises(ValueError, match="before the first step 1"):
        recording_result(new_recording_with("i", 0), step_base=1)


def new_recording_with(name, t):
    rec = new_recording()
    record(rec, name, t, 1.0)
    return rec


@pytest.mark.parametrize(("raw", "message"), [
    ({"suports": ["mask"]}, 'unknown key "suports"; did you mean "supports"?'),
    ({"supports": ["head:sigmoid"]}, 'unknown feature "head:sigmoid"'),
    ({"layout": "torch"}, "layout 'torch': expected one of"),
    ({"gate_order": "ifog2"}, "permutation of 'ifgo'"),
    ({"gate_grads": "activation"}, "expected 'pre'"),
    ({"step_base": 2}, "expected 0 or 1"),
    ([1], "expected a dict"),
    ({"supports": ["cell:lstm2"]}, 'unknown feature "cell:lstm2"; did you mean "cell:lstm"'),
    ({"supports": ["cell:gru"], "layout": "pytorch"}, "layouts and gate orders are the LSTM's"),
    ({"supports": ["cell:*"], "gate_order": "fico"}, "an adapter that runs cell:gru, cell:rnn takes lstmparity's"),
])
def test_invalid_declarations_are_bad_input(raw, message):
    with pytest.raises(BadInput, match=None) as err:
        validate_declares(raw, "python", "py:x.py:f")
    assert message in str(err.value)


def test_r_style_declaration_values_are_read():
    got = validate_declares({"layer_only": np.array([1.0]), "layout": ["keras"], "step_base": np.array([0.0]),
                             "supports": ["mask"]}, "r", "r:a.R")
    assert (got["layer_only"], got["layout"], got["step_base"], got["supports"]) == (True, "keras", 0, ["mask"])


def test_validation_names_problems():
    ok = validate_declares(None, "python", "p")
    assert result_problems({"forward": {"i": np.zeros(3)}}, ok) == []
    assert result_problems({"grads": {"W_i": np.zeros(3)}}, ok) == ['grads: "W_i": unknown tensor; expected one of '
                                                                   "dW, dU, db, db_hn, dWy, dby, dE"]
    per_gate = validate_declares({"layout": "per_gate_xh"}, "python", "p")
    assert result_problems({"grads": {"W_i": np.zeros(3)}}, per_gate) == []
    steps = result_problems({"optimizer_steps": [{"loss": 1.0, "parms": {}}]}, ok)
    assert steps == ['optimizer_steps[0]: "parms": unknown; did you mean "params"?']


@pytest.mark.parametrize("func", ["pytorch_fico", "per_gate_hx_bias_row", "post_gate_grads"])
def test_declared_layouts_and_conventions_agree_through_the_runner(func):
    [impl] = make_impls([f"py:{DECLARED}:{func}"])
    for name in ("sgd_momentum_clip_value", "initial_state"):
        out = run_one(impl, load_fixture(FIXTURES / f"{name}.json"), 60)
        assert out.status == "agree" and out.compared == out.total, (func, name, out.message,
                                                                      out.comparison and out.comparison.first)
    impl.close()


def test_an_adapter_runs_the_cells_it_names_and_the_lstm_when_it_names_none():
    from lstmparity.conformance.declare import declared_cells, needs

    gru = load_fixture(FIXTURES / "gru_many_to_one_softmax_masked.json").case
    lstm = load_fixture(FIXTURES / "many_to_one_softmax_masked.json").case
    nothing = validate_declares(None, "python", "p")
    assert (declared_cells(nothing), needs(gru, nothing), needs(lstm, nothing)) == (["cell:lstm"], ["cell:gru"], [])
    masks_only = validate_declares({"supports": ["mask", "head:*"]}, "python", "p")
    assert needs(gru, masks_only) == ["cell:gru"] and needs(lstm, masks_only) == []
    gru_only = validate_declares({"supports": ["cell:gru"]}, "python", "p")
    assert needs(gru, gru_only) == ["mask", "head:many_to_one_softmax"] and needs(lstm, gru_only)[0] == "cell:lstm"
    every = validate_declares({"supports": ["cell:*", "mask", "head:*"]}, "python", "p")
    assert needs(gru, every) == needs(lstm, every) == []
    layer = validate_declares({"layer_only": True, "supports": ["mask"]}, "python", "p")
    assert needs(gru, layer) == ["cell:gru"]


def test_an_lstm_adapter_is_skipped_on_the_gru_and_rnn_cases_not_failed():
    [impl] = make_impls([f"py:{DECLARED}:no_masks"])
    out = {name: run_one(impl, load_fixture(FIXTURES / f"{name}.json"), 60)
           for name in ("gru_tiny_random", "rnn_tiny_random", "tiny_random")}
    impl.close()
    assert [(o.status, o.message) for o in out.values()] == [
        ("skipped", "needs cell:gru"), ("skipped", "needs cell:rnn"), ("agree", "")]


def test_undeclared_feature_is_skipped_not_diverged():
    [impl] = make_impls([f"py:{DECLARED}:no_masks"])
    masked = run_one(impl, load_fixture(FIXTURES / "many_to_one_softmax_masked.json"), 60)
    plain = run_one(impl, load_fixture(FIXTURES / "initial_state.json"), 60)
    impl.close()
    assert (masked.status, masked.message) == ("skipped", "needs mask")
    assert plain.status == "agree"


def test_an_answer_over_the_limit_ends_the_worker(monkeypatch):
    monkeypatch.setattr(isolation, "MAX_RESULT_BYTES", 1 << 20)  # 1 MB; the answer is 2.4 MB
    [impl] = make_impls([f"py:{DECLARED}:big_answer"])
    out = run_one(impl, load_fixture(FIXTURES / "tiny_random.json"), 60)
    assert out.status == "error" and "larger than 1 MB and was refused" in out.message
    assert impl.proc is None  # ended; the next case starts a fresh worker
    impl.close()


def test_the_runner_unpickles_only_plain_data_and_arrays():
    assert PlainUnpickler(io.BytesIO(pickle.dumps({"a": [np.zeros(2), "x", None]}))).load()["a"][1] == "x"
    with pytest.raises(pickle.UnpicklingError, match="does not load"):
        PlainUnpickler(io.BytesIO(pickle.dumps(Path("/")))).load()


def test_a_fifo_named_like_a_fixture_is_refused_not_opened(tmp_path, capsys):
    os.mkfifo(tmp_path / "x.json")
    fx = load_fixture(tmp_path / "x.json")
    assert fx.case is None and "not a regular file (a FIFO); refused, not opened" in fx.error
    from lstmparity.cli import main

    assert main(["conform", "--impl", "python", "--fixtures", str(tmp_path)]) == 2
    assert "a FIFO" in capsys.readouterr().err


def test_an_r_worker_reads_the_cases_ahead_but_never_opens_a_fifo(tmp_path, rsession):
    import shutil

    shutil.copy(FIXTURES / "tiny_random.json", tmp_path / "good.json")
    shutil.copy(FIXTURES.parent / "tests" / "broken" / "W_transposed.json", tmp_path / "bad.json")
    os.mkfifo(tmp_path / "x.json")
    paths = sorted(tmp_path.glob("*.json"))
    fx = load_fixture(tmp_path / "good.json")
    impl = WorkerImpl("r", read_ahead=paths).start()
    impl.ready(60)  # would block for ever on the FIFO if it were opened
    impl.declares = validate_declares(None, "r", "r")
    (tmp_path / "good.json").write_text("{}")  # R read it while starting: it does not read it again
    good = run_one(impl, fx, 60)
    with pytest.raises(isolation.AdapterError, match=r"R's read_case\(\) failed: .*bad.json: params.W"):
        impl.run(tmp_path / "bad.json", None, 60)
    impl.close()
    assert good.status == "agree", good.message


def test_worker_restarts_after_a_crash(tmp_path):
    mod = tmp_path / "crash_once.py"
    mod.write_text("import os\nfrom lstmparity.core.model import run_case\n"
                   "def adapter(case):\n    if case['name'] == 'tiny_random':\n        os._exit(3)\n"
                   "    return run_case(case)\n")
    impl = WorkerImpl(f"py:{mod}:adapter").start()
    impl.ready(60)
    impl.declares = validate_declares(None, "python", "p")
    first = run_one(impl, load_fixture(FIXTURES / "tiny_random.json"), 60)
    second = run_one(impl, load_fixture(FIXTURES / "initial_state.json"), 60)
    impl.close()
    assert first.status == "error" and "exited with status 3" in first.message and "case tiny_random" in first.message
    assert second.status == "agree"


def test_post_activation_gate_grads_undeclared_get_a_hint(capsys):
    from lstmparity.cli import main

    code = main(["conform", "--case", "tiny_random", "--impl", f"py:{DECLARED}:post_gate_grads_undeclared"])
    out = capsys.readouterr().out
    assert code == 1 and "first divergence at backward t=2 do" in out
    assert "hint: do looks like the gradient w.r.t. the activation o (dL/do)" in out and "gate_grads = 'post'" in out


def test_layer_only_with_masks_is_checked_on_every_committed_fixture(capsys):
    [impl] = make_impls([f"py:{DECLARED}:layer_only_with_mask"])
    lines = []
    for path in sorted(FIXTURES.glob("*.json")):
        out = run_one(impl, load_fixture(path), 60)
        assert out.status == "agree" and out.compared == out.total > 0, (path.stem, out.message)
        lines.append(f"  {path.stem:38s} {out.compared:5d} of {out.total:5d}")
    impl.close()
    with capsys.disabled():
        print("\nlayer-only adapter (masks supported) on every committed fixture: tensors compared", *lines, sep="\n")


DATACLASS_ADAPTER = '''from dataclasses import dataclass

from lstmparity.core.model import run_case


@dataclass
class Settings:
    scale: float = 1.0


def adapter(case):
    assert Settings().scale == 1.0
    return run_case(case)
'''


def test_an_adapter_file_defining_a_dataclass_loads_and_runs(tmp_path):
    import sys

    from lstmparity.conformance.impls import adapter_module_name, load_py_function

    file = tmp_path / "with_dataclass.py"
    file.write_text(DATACLASS_ADAPTER)
    fn = load_py_function(f"py:{file}:adapter")  # @dataclass looks its module up in sys.modules
    assert sys.modules[adapter_module_name(file.resolve())].Settings().scale == 1.0
    assert fn.__module__ != "with_dataclass"  # not under a name the user's own modules may have
    [impl] = make_impls([f"py:{file}:adapter"])
    out = run_one(impl, load_fixture(FIXTURES / "tiny_random.json"), 60)
    impl.close()
    assert out.status == "agree", out.message


def test_an_adapter_file_that_fails_to_import_leaves_no_module_behind(tmp_path):
    import sys

    from lstmparity.conformance.impls import adapter_module_name, load_py_function

    file = tmp_path / "broken.py"
    file.write_text("raise ValueError('no weights here')\n")
    with pytest.raises(BadInput, match="cannot import .*broken.py: ValueError: no weights here"):
        load_py_function(f"py:{file}:adapter")
    assert adapter_module_name(file.resolve()) not in sys.modules
