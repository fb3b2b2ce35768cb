"""Every fixture against PyTorch autograd: forward and every backward intermediate to <= 1e-10 relative.

Two oracles (tests/python/torch_oracle.py): the recurrence of each cell written out in torch (every
tensor, gates included; the only oracle for the reset-before GRU, which torch has no module for),
and torch's own nn.GRUCell / nn.RNNCell (the cells of nn.GRU / nn.RNN) for every GRU (reset after)
and RNN fixture: every tensor a module exposes.

Skipped with a reason when torch is not installed (it is an optional extra:
`pip install -e '.[torch]'`, torch==2.13.0).
"""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.trace import agree, lookup, trace_order

torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra: pip install -e '.[torch]')")
from conftest import CASE_PATHS  # noqa: E402
from lstmparity.suite.fixtures import read_case  # noqa: E402
from torch_oracle import run_case_torch, run_case_torch_modules  # noqa: E402

RTOL = 1e-10  # float64 autograd vs our closed form: rounding differs, a wrong factor is >= 1e-3


def test_fixture_matches_torch_autograd(case):
    got = run_case_torch(case)
    bad = []
    for entry in trace_order(case["expected"]):
        a = agree(lookup(got, entry), lookup(case["expected"], entry), RTOL, 1e-300)
        if not a.ok:
            bad.append((entry, a.max_abs, a.bound))
    assert bad == []


def test_oracle_itself_agrees_with_nn_lstm():
    """The oracle's recurrence equals torch.nn.LSTM's (same gate order i, f, g, o)."""
    rng = np.random.default_rng(0)
    T, B, D, H = 5, 3, 4, 2
    lstm = torch.nn.LSTM(D, H).double()
    x = rng.standard_normal((T, B, D))
    case = {"config": {"T": T, "B": B, "D": D, "H": H, "V": None, "K": None, "head": "none"},
            "params": {"W": lstm.weight_ih_l0.detach().numpy().T, "U": lstm.weight_hh_l0.detach().numpy().T,
                       "b": (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()},
            "inputs": {"x": x, "proj": np.ones((T, B, H))}}
    ours = run_case_torch(case)["forward"]["h"]
    ref = lstm(torch.tensor(x))[0].detach().numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-15)


MODULE_CASES = [p for p in CASE_PATHS if read_case(p)["config"].get("cell") in ("gru", "rnn")
                and read_case(p)["config"].get("reset_after", True)]


def test_every_gru_and_rnn_form_is_covered_by_a_fixture():
    """Both reset placements and the RNN have fixtures; the modules check every reset-after GRU and RNN one."""
    configs = [read_case(p)["config"] for p in CASE_PATHS]
    forms = {(c.get("cell", "lstm"), c.get("reset_after")) for c in configs}
    assert {("gru", None), ("gru", False), ("rnn", None)} <= forms
    assert len(MODULE_CASES) >= 12


@pytest.mark.parametrize("path", MODULE_CASES, ids=[p.stem for p in MODULE_CASES])
def test_fixture_matches_torch_nn_gru_and_nn_rnn(path):
    """Every tensor torch's own GRU / RNN cell exposes (h, logits, loss, their gradients, dx, dh0, every
    parameter gradient) agrees with the fixture to 1e-10 of each slice's largest value."""
    case = read_case(path)
    got = run_case_torch_modules(case)
    compared, bad = 0, []
    for entry in trace_order(case["expected"]):
        if entry.phase == "optimizer" or entry.name not in got.get(entry.phase, {}):
            continue
        compared += 1
        a = agree(lookup(got, entry), lookup(case["expected"], entry), RTOL, 1e-300)
        if not a.ok:
            bad.append((entry, a.max_abs, a.bound))
    assert bad == []
    T, params = case["config"]["T"], case["params"]
    head = 2 if "logits" in got["forward"] else 0  # logits, dlogits
    assert compared == 3 * T + 2 + len(params) + head  # h, dh, dx per step; loss, dh0; every parameter


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_oracle_itself_agrees_with_nn_gru_and_nn_rnn(cell):
    """The written-out recurrence equals torch.nn.GRU's (gate order r, z, n, reset after) and nn.RNN's (tanh)."""
    rng = np.random.default_rng(1)
    T, B, D, H = 5, 3, 4, 2
    module = (torch.nn.GRU(D, H) if cell == "gru" else torch.nn.RNN(D, H)).double()
    x = rng.standard_normal((T, B, D))
    bias_hh = module.bias_hh_l0.detach().numpy()
    b = module.bias_ih_l0.detach().numpy() + (np.concatenate([bias_hh[:2 * H], 0 * bias_hh[2 * H:]])
                                              if cell == "gru" else bias_hh)
    params = {"W": module.weight_ih_l0.detach().numpy().T, "U": module.weight_hh_l0.detach().numpy().T, "b": b}
    if cell == "gru":
        params["b_hn"] = bias_hh[2 * H:]
    case = {"config": {"T": T, "B": B, "D": D, "H": H, "V": None, "K": None, "head": "none", "cell": cell},
            "params": params, "inputs": {"x": x, "proj": np.ones((T, B, H))}}
    ours = run_case_torch(case)["forward"]["h"]
    ref = module(torch.tensor(x))[0].detach().numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-15)


def test_reset_before_oracle_agrees_with_the_onnx_gru_operator():
    """The written-out reset-before GRU equals ONNX's GRU operator with linear_before_reset = 0 (its default),
    run by onnx's reference evaluator: an implementation of that form independent of ours and of the oracle."""
    onnx = pytest.importorskip("onnx", reason="onnx not installed (optional extra: pip install -e '.[onnx]')")
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    rng = np.random.default_rng(2)
    T, B, D, H = 4, 3, 5, 2
    W, U = rng.uniform(-0.7, 0.7, (D, 3 * H)), rng.uniform(-0.7, 0.7, (H, 3 * H))
    b, b_hn, x, h0 = rng.uniform(-0.5, 0.5, 3 * H), rng.uniform(-0.5, 0.5, H), rng.standard_normal((T, B, D)), \
        rng.uniform(-1, 1, (B, H))
    case = {"config": {"T": T, "B": B, "D": D, "H": H, "V": None, "K": None, "head": "none", "cell": "gru",
                       "reset_after": False},
            "params": {"W": W, "U": U, "b": b, "b_hn": b_hn}, "inputs": {"x": x, "h0": h0, "proj": np.ones((T, B, H))}}
    ours = run_case_torch(case)["forward"]["h"]

    def zrh(a: np.ndarray) -> np.ndarray:  # ONNX stacks the gates z, r, h along the first axis
        return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])

    Wo, Ro = zrh(W.T)[None], zrh(U.T)[None]  # (1, 3H, D), (1, 3H, H)
    Bo = np.concatenate([zrh(b), np.zeros(2 * H), b_hn])[None]  # Wb then Rb, each z, r, h
    node = helper.make_node("GRU", ["X", "W", "R", "B", "", "initial_h"], ["Y"], hidden_size=H, linear_before_reset=0)
    graph = helper.make_graph([node], "gru", [helper.make_tensor_value_info(n, onnx.TensorProto.DOUBLE, None)
                                              for n in ("X", "W", "R", "B", "initial_h")],
                              [helper.make_tensor_value_info("Y", onnx.TensorProto.DOUBLE, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    Y = ReferenceEvaluator(model).run(None, {"X": x, "W": Wo, "R": Ro, "B": Bo, "initial_h": h0[None]})[0]
    np.testing.assert_allclose(ours, Y[:, 0], rtol=1e-13, atol=1e-15)
