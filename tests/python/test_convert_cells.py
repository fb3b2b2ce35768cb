"""lstmparity.core.convert for the LSTM, GRU and RNN: round trips, the ONNX reference evaluator for every
direction and layout, torch modules for every layout, Keras' equations, and refusals.

Weights are random normal: every gate block differs, so a gate-order mistake cannot pass.
"""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.convert import (
    from_keras,
    from_onnx,
    from_torch,
    onnx_attributes,
    onnx_forward,
    to_keras,
    to_onnx,
    to_torch,
)
from lstmparity.core.gru import gru_forward
from lstmparity.core.layer import lstm_forward
from lstmparity.core.rnn import rnn_forward
from lstmparity.suite.gradcheck import rel_error

T, B, D, H = 5, 3, 4, 2
G = {"lstm": 4, "gru": 3, "rnn": 1}
# Other libraries run the same float64 operations in another order: a few ulp per step.
TOL = 1e-12


def params_for(cell: str, seed: int = 0, reset_after: bool = True) -> dict:
    rng = np.random.default_rng(seed)
    p = {"W": rng.standard_normal((D, G[cell] * H)), "U": rng.standard_normal((H, G[cell] * H)),
         "b": rng.standard_normal(G[cell] * H)}
    if cell == "gru":
        p["b_hn"] = rng.standard_normal(H)
        p["reset_after"] = reset_after
    return p


def forward(cell: str, x: np.ndarray, p: dict, h0=None) -> np.ndarray:
    if cell == "lstm":
        return lstm_forward(x, p["W"], p["U"], p["b"], h0)[0]["h"]
    return (gru_forward if cell == "gru" else rnn_forward)(x, **p, h0=h0)[0]["h"]


CELLS = [("lstm", True), ("gru", True), ("gru", False), ("rnn", True)]
IDS = ["lstm", "gru", "gru_reset_before", "rnn"]


def same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for k in a:
        assert np.array_equal(a[k], b[k]), k


@pytest.mark.parametrize(("cell", "reset_after"), CELLS, ids=IDS)
def test_round_trips_are_exact(cell, reset_after):
    p = params_for(cell, reset_after=reset_after)
    kw = {"reset_after": reset_after} if cell == "gru" else {}
    canonical = dict(p)
    if cell == "gru" and not reset_after:  # reset before, b_hn is only added: it comes back inside b
        canonical["b"] = p["b"] + np.concatenate([np.zeros(2 * H), p["b_hn"]])
        canonical["b_hn"] = np.zeros(H)
    same(from_keras(*to_keras(p, cell), cell, **kw), canonical)
    same(from_onnx(**to_onnx(p, cell), cell=cell, **onnx_attributes(p, cell)), canonical)
    if reset_after:
        back = from_torch(to_torch(p, cell), cell)
        same({**back, **({"reset_after": True} if cell == "gru" else {})}, p)


# --- ONNX reference evaluator -----------------------------------------------------------------
onnx = pytest.importorskip("onnx", reason="onnx not installed (optional test extra)")
from onnx import TensorProto, helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402


def onnx_reference(cell: str, inputs: dict, **attrs) -> list[np.ndarray]:
    """Run the ONNX operator (LSTM / GRU / RNN) in onnx's reference evaluator."""
    names = ["X", "W", "R", "B", "sequence_lens", "initial_h"] + (["initial_c", "P"] if cell == "lstm" else [])
    used = [n if n in inputs else "" for n in names]
    while used and not used[-1]:
        used.pop()
    outs = ["Y", "Y_h"] + (["Y_c"] if cell == "lstm" else [])
    node = helper.make_node(cell.upper(), used, outs, **attrs)
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(n, TensorProto.DOUBLE, None) for n in used if n],
        [helper.make_tensor_value_info(n, TensorProto.DOUBLE, None) for n in outs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    return ReferenceEvaluator(model).run(None, {n: inputs[n] for n in used if n})


@pytest.mark.parametrize("layout", [0, 1])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize(("cell", "reset_after"), CELLS, ids=IDS)
def test_onnx_reference_evaluator_agrees(cell, reset_after, direction, layout):
    rng = np.random.default_rng(7)
    dirs = 2 if direction == "bidirectional" else 1
    per_dir = [to_onnx(params_for(cell, seed=s, reset_after=reset_after), cell) for s in range(dirs)]
    inputs = {k: np.concatenate([d[k] for d in per_dir]) for k in ("W", "R", "B")}
    state = (B, dirs, H) if layout else (dirs, B, H)
    inputs["X"] = rng.standard_normal((B, T, D) if layout else (T, B, D))
    inputs["initial_h"] = rng.standard_normal(state)
    if cell == "lstm":
        inputs["initial_c"] = rng.standard_normal(state)
    attrs = {"direction": direction, "layout": layout, "hidden_size": H}
    if cell == "gru":
        attrs["linear_before_reset"] = int(reset_after)
    ref = onnx_reference(cell, inputs, **attrs)
    ours = onnx_forward(cell, **inputs, **attrs)
    assert len(ours) == len(ref)
    for a, r in zip(ours, ref, strict=True):
        assert a.shape == r.shape
        assert rel_error(a, r) < TOL


def test_reverse_is_not_the_forward_run():
    """The reverse direction differs from the forward one here, so the test above can tell them apart."""
    p = to_onnx(params_for("lstm"), "lstm")
    x = np.random.default_rng(1).standard_normal((T, B, D))
    fwd, rev = onnx_forward("lstm", x, **p), onnx_forward("lstm", x, **p, direction="reverse")
    assert rel_error(fwd[1], rev[1]) > 1e-3


REFUSED = [
    ("lstm", {"clip": 3.0}, "clip"),
    ("gru", {"clip": 3.0}, "clip"),
    ("lstm", {"input_forget": 1}, "input_forget"),
    ("lstm", {"activations": ["Sigmoid", "Tanh", "Relu"]}, "activations"),
    ("gru", {"activations": ["HardSigmoid", "Tanh"]}, "activations"),
    ("rnn", {"activations": ["Relu"]}, "activations"),
    ("rnn", {"activation_alpha": [0.5]}, "activation_alpha"),
    ("rnn", {"activation_beta": [0.5]}, "activation_beta"),
    ("rnn", {"linear_before_reset": 1}, "linear_before_reset"),
    ("lstm", {"layout": 2}, "layout"),
    ("lstm", {"direction": "sideways"}, "direction"),
    ("gru", {"hidden_size": 5}, "hidden_size"),
    ("rnn", {"peephole": 1}, "peephole"),
]


@pytest.mark.parametrize(("cell", "attrs", "name"), REFUSED, ids=[f"{c}-{n}" for c, _, n in REFUSED])
def test_unsupported_attributes_are_refused(cell, attrs, name):
    p = to_onnx(params_for(cell), cell)
    with pytest.raises(ValueError, match=name):
        from_onnx(**p, cell=cell, **attrs)
    with pytest.raises(ValueError, match=name):
        onnx_forward(cell, np.zeros((T, B, D)), **p, **attrs)


def test_peepholes_change_the_reference_output():
    """Peepholes change the operator's output: ignoring P would be silently wrong. (onnx 1.23's
    reference evaluator itself ignores clip and activations, so those are refused on the spec's word.)"""
    rng = np.random.default_rng(3)
    p = to_onnx(params_for("lstm"), "lstm")
    x = rng.standard_normal((T, B, D)) * 3
    plain = onnx_reference("lstm", {"X": x, **p})[1]
    P = rng.standard_normal((1, 3 * H))
    assert rel_error(onnx_reference("lstm", {"X": x, **p, "P": P})[1], plain) > 1e-3


def test_peepholes_and_uneven_sequence_lens_are_refused():
    p = to_onnx(params_for("lstm"), "lstm")
    with pytest.raises(ValueError, match="P: peephole"):
        from_onnx(**p, P=np.ones((1, 3 * H)))
    from_onnx(**p, P=np.zeros((1, 3 * H)))  # zero peepholes are the model we compute
    with pytest.raises(ValueError, match="sequence_lens"):
        onnx_forward("lstm", np.zeros((T, B, D)), **p, sequence_lens=np.array([T, T - 1, T]))


def test_gru_reset_placement_comes_from_the_operator():
    p = to_onnx(params_for("gru"), "gru")
    assert from_onnx(**p, cell="gru", linear_before_reset=1)["reset_after"] is True
    assert from_onnx(**p, cell="gru")["reset_after"] is False  # the operator's default is 0


# --- torch, every layout ----------------------------------------------------------------------
torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra)")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_torch_module_agrees_for_every_layout(cell, bidirectional, batch_first):
    module = getattr(torch.nn, cell.upper())(D, H, batch_first=batch_first, bidirectional=bidirectional).double()
    torch.manual_seed(0)
    with torch.no_grad():
        for v in module.parameters():
            v.normal_()
    x = np.random.default_rng(2).standard_normal((T, B, D))
    xt = torch.from_numpy(x.transpose(1, 0, 2).copy() if batch_first else x)
    y = module(xt)[0].detach().numpy()
    if batch_first:
        y = y.transpose(1, 0, 2)
    sd = module.state_dict()
    ours = [forward(cell, x, from_torch(sd, cell))]
    if bidirectional:
        ours.append(forward(cell, x[::-1], from_torch(sd, cell, reverse=True))[::-1])
    assert rel_error(np.concatenate(ours, axis=-1), y) < TOL
    if cell != "lstm":
        back = to_torch(from_torch(sd, cell), cell)
        module1 = getattr(torch.nn, cell.upper())(D, H).double()
        module1.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
        y1 = module1(torch.from_numpy(x))[0].detach().numpy()
        assert rel_error(y1, y[..., :H]) < TOL


def test_torch_refusals():
    with pytest.raises(ValueError, match="reset_after"):
        to_torch(params_for("gru", reset_after=False), "gru")
    two = torch.nn.GRU(D, H, num_layers=2).state_dict()
    with pytest.raises(ValueError, match="more layers"):
        from_torch(two, "gru")
    proj = torch.nn.LSTM(D, 3, proj_size=2).state_dict()
    with pytest.raises(ValueError, match="proj_size"):
        from_torch(proj, "lstm")


# --- Keras (not installed here: its equations, written from keras' GRUCell / LSTMCell) -----------
def keras_gru(x, kernel, recurrent_kernel, bias, reset_after):
    """keras.layers.GRU (recurrent_activation sigmoid): gate order z, r, h."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    h = np.zeros((x.shape[1], recurrent_kernel.shape[0]))
    Hh = h.shape[1]
    hs = []
    for xt in x:
        xz, xr, xh = np.split(xt @ kernel + b_in, 3, axis=-1)
        if reset_after:
            inner = h @ recurrent_kernel + b_rec
            rz, rr, rh = np.split(inner, 3, axis=-1)
            z, r = sig(xz + rz), sig(xr + rr)
            hh = np.tanh(xh + r * rh)
        else:
            z = sig(xz + h @ recurrent_kernel[:, :Hh])
            r = sig(xr + h @ recurrent_kernel[:, Hh : 2 * Hh])
            hh = np.tanh(xh + (r * h) @ recurrent_kernel[:, 2 * Hh :])
        h = z * h + (1 - z) * hh
        hs.append(h)
    return np.stack(hs)


@pytest.mark.parametrize("reset_after", [True, False])
def test_keras_gru_equations_agree(reset_after):
    p = params_for("gru", reset_after=reset_after)
    x = np.random.default_rng(4).standard_normal((T, B, D))
    assert rel_error(keras_gru(x, *to_keras(p, "gru"), reset_after), forward("gru", x, p)) < TOL


def test_keras_refusals():
    k = to_keras(params_for("lstm"), "lstm")
    with pytest.raises(ValueError, match="recurrent_activation: 'hard_sigmoid'"):
        from_keras(*k, "lstm", recurrent_activation="hard_sigmoid")
    with pytest.raises(ValueError, match="activation: 'relu'"):
        from_keras(*to_keras(params_for("rnn"), "rnn"), "rnn", activation="relu")
    with pytest.raises(ValueError, match=r"bias: expected shape \(2, 6\)"):
        from_keras(*to_keras(params_for("gru", reset_after=False), "gru"), "gru", reset_after=True)
