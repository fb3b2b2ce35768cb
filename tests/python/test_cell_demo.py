"""The three-cell vanishing-gradient demo (lstmparity.training.cell_demo; R: test-cell-demo.R).

Fast checks that the task generator and the trainer do what they say. That the RNN does not
learn the demo's T = 50 while the GRU and the LSTM do is the demo's result (docs/cells.md,
examples/vanishing_gradients.py), not a test: it takes a minute per cell.
"""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.core.cells import CELLS
from lstmparity.training.cell_demo import (
    KEEP_BIAS,
    cell_gradient_norms,
    init_demo_params,
    noisy_bit_task,
    train_noisy_bit,
)


def test_noisy_bit_task_shows_the_bit_and_the_marker_at_the_first_step_only():
    x, y = noisy_bit_task(np.random.default_rng(0), 7, 4, sigma=2.0)
    assert x.shape == (4, 7, 2) and y.shape == (7,) and set(np.unique(y)) <= {0, 1}
    assert np.array_equal(x[0, :, 0], 2.0 * y - 1.0)
    assert np.array_equal(x[:, :, 1], np.r_[np.ones((1, 7)), np.zeros((3, 7))])
    assert np.all(x[1:, :, 0] != 0)  # noise, not silence, after the first step


def test_noisy_bit_task_noise_has_sigma_and_does_not_tell_the_label():
    x, y = noisy_bit_task(np.random.default_rng(1), 400, 51, sigma=2.0)
    noise = x[1:, :, 0]  # 50 * 400 = 20000 draws of N(0, 4)
    # standard errors: mean sigma / sqrt(n) = 0.014, sd sigma / sqrt(2 n) = 0.01; bounds ~7 of them
    assert abs(noise.mean()) < 0.1 and abs(noise.std() - 2.0) < 0.07
    # the label only at t = 0: corr(y, a sequence's mean noise) has standard error 1 / sqrt(400) = 0.05
    assert abs(np.corrcoef(y, noise.mean(axis=0))[0, 1]) < 0.25
    assert 150 < y.sum() < 250  # both labels, about half each (binomial sd 10)


def test_demo_params_start_with_the_keep_bias_and_a_sigmoid_head():
    for cell, block in (("lstm", 1), ("gru", 1)):  # f of i, f, g, o; z of r, z, n
        p = init_demo_params(cell, 2, 3, np.random.default_rng(0))
        assert np.all(p["b"][3 * block : 3 * (block + 1)] == KEEP_BIAS)
        assert p["Wy"].shape == (3, 1) and p["by"].shape == (1,)


def test_the_rnn_gradient_vanishes_faster():
    """At initialisation, ||dL/dh_t|| 40 steps from the loss: the RNN's is orders of magnitude below."""
    n = {c: cell_gradient_norms(c, T=50, B=16) for c in CELLS}
    assert all(v.shape == (50,) and np.all(np.isfinite(v)) and np.all(v >= 0) for v in n.values())
    ratio = {c: v[-41] / v[-1] for c, v in n.items()}
    assert ratio["rnn"] < 1e-2 * ratio["gru"] and ratio["rnn"] < 1e-2 * ratio["lstm"], ratio


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_every_cell_learns_a_short_noisy_bit_task(cell):
    """The trainer works: T = 5 is within every cell's reach (the demo's T = 50 is not, for the RNN)."""
    result = train_noisy_bit(cell, T=5, steps=200, n_test=200)
    assert result["loss"].shape == (200,) and (result["cell"], result["T"], result["steps"]) == (cell, 5, 200)
    assert result["accuracy"] >= 0.95  # chance is 0.5; the runs measured reach 1.0
    assert result["loss"][-10:].mean() < 0.1 * result["loss"][:10].mean()


def test_training_is_fixed_by_the_seed():
    a, b, c = (train_noisy_bit("rnn", T=4, steps=5, n_test=10, seed=s) for s in (0, 0, 1))
    assert np.array_equal(a["loss"], b["loss"]) and not np.array_equal(a["loss"], c["loss"])
