"""Weights carried to PyTorch, Keras and ONNX layouts give the same LSTM."""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.convert import from_keras, from_onnx, from_torch, to_keras, to_onnx, to_torch
from lstmparity.core.layer import lstm_forward
from lstmparity.core.model import init_params

CONFIG = {"T": 5, "B": 2, "D": 3, "H": 4, "V": None, "K": None, "head": "none"}


@pytest.fixture
def params():
    return {k: v for k, v in init_params(CONFIG, seed=3).items() if k in ("W", "U", "b")}


@pytest.fixture
def x():
    return np.random.default_rng(1).standard_normal((5, 2, 3))


def test_round_trips_are_exact(params):
    for back in (from_torch(to_torch(params)), from_keras(*to_keras(params)), from_onnx(**to_onnx(params))):
        for k in params:
            assert np.array_equal(back[k], params[k]), k


def test_torch_nn_lstm_computes_the_same_h(params, x):
    torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra)")
    lstm = torch.nn.LSTM(3, 4).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(params).items()})
    ref = lstm(torch.from_numpy(x))[0].detach().numpy()
    np.testing.assert_allclose(lstm_forward(x, **params)[0]["h"], ref, rtol=1e-13, atol=1e-15)
    back = from_torch(lstm.state_dict())
    np.testing.assert_allclose(back["b"], params["b"], rtol=0, atol=0)


def _onnx_lstm(x, W, R, B):
    """The ONNX LSTM operator's equations (gate order i, o, f, c), written from its specification."""
    H = R.shape[-1]
    Wi, Wo, Wf, Wc = np.split(W[0], 4)
    Ri, Ro, Rf, Rc = np.split(R[0], 4)
    Wbi, Wbo, Wbf, Wbc, Rbi, Rbo, Rbf, Rbc = np.split(B[0], 8)
    h, c, hs = np.zeros((x.shape[1], H)), np.zeros((x.shape[1], H)), []
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for xt in x:
        it = sig(xt @ Wi.T + h @ Ri.T + Wbi + Rbi)
        ft = sig(xt @ Wf.T + h @ Rf.T + Wbf + Rbf)
        ct = np.tanh(xt @ Wc.T + h @ Rc.T + Wbc + Rbc)
        c = ft * c + it * ct
        ot = sig(xt @ Wo.T + h @ Ro.T + Wbo + Rbo)
        h = ot * np.tanh(c)
        hs.append(h)
    return np.stack(hs)


def test_onnx_equations_compute_the_same_h(params, x):
    np.testing.assert_allclose(_onnx_lstm(x, **to_onnx(params)), lstm_forward(x, **params)[0]["h"],
                               rtol=1e-13, atol=1e-15)


def test_wrong_shapes_name_the_field(params):
    onnx = to_onnx(params)
    with pytest.raises(ValueError, match=r"R: expected shape \(1, 16, 4\)"):
        from_onnx(onnx["W"], onnx["R"][:, :, :3], onnx["B"])
    with pytest.raises(ValueError, match="missing"):
        from_torch({"weight_ih_l0": np.zeros((16, 3))})
