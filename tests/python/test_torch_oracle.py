"""Every fixture against PyTorch autograd: forward and every backward intermediate to <= 1e-10 relative.

Skipped with a reason when torch is not installed (it is an optional extra:
`pip install -e '.[torch]'`, torch==2.13.0).
"""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.trace import agree, lookup, trace_order

torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra: pip install -e '.[torch]')")
from torch_oracle import run_case_torch  # noqa: E402

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
