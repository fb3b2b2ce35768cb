"""The conformance cases: one function per behaviour, each named for it.

Every case is built from a seeded generator, so regeneration is deterministic.
:func:`build` fills in ``expected`` by running the reference, after checking the
gradients against central finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lstmparity.core.cells import cell_of
from lstmparity.core.heads import head_backward
from lstmparity.core.model import init_params, model_forward, ordered, run_case
from lstmparity.suite.fixtures import FORMAT_VERSION
from lstmparity.suite.gradcheck import numerical_grads, rel_error

TOLERANCE = {"rtol": 1e-12, "atol": 1e-300}
FD_LIMIT = 1e-6


def _config(T: int, B: int, D: int, H: int, head: str = "none", V: int | None = None, K: int | None = None,
            cell: str | None = None, reset_after: bool | None = None) -> dict:
    """A case's config; ``cell`` (and the GRU's ``reset_after``) only when given: the LSTM's cases do not say."""
    config = {"T": T, "B": B, "D": D, "H": H, "V": V, "K": K, "head": head}
    if cell is not None:
        config["cell"] = cell
    if reset_after is not None:
        config["reset_after"] = reset_after
    return config


def _case(name: str, description: str, config: dict, params: dict, inputs: dict, **extra: Any) -> dict:
    return {"format_version": FORMAT_VERSION, "name": name, "description": description, "config": config,
            "tolerance": dict(TOLERANCE), "params": params, "inputs": inputs, **extra}


def _layer_case(name: str, description: str, T: int, B: int, D: int, H: int, seed: int,
                scale: float | None = None, state: bool = False, x_scale: tuple[float, ...] = (1.0,),
                cell: str | None = None, reset_after: bool | None = None) -> dict:
    """A layer-only case (head 'none'): L = sum(proj * h) with a random projection proj; ``state``: a random
    initial state (h0, and c0 for the LSTM)."""
    rng = np.random.default_rng(seed)
    config = _config(T, B, D, H, cell=cell, reset_after=reset_after)
    x = np.array(x_scale)[None, :, None] * rng.standard_normal((T, B, D))
    inputs = {"x": x, "proj": rng.standard_normal((T, B, H))}
    if state:
        inputs["h0"] = rng.uniform(-1, 1, (B, H))
        if cell_of(config) == "lstm":
            inputs["c0"] = rng.standard_normal((B, H))
    return _case(name, description, config, init_params(config, seed, scale), inputs)


def one_unit_worked_example() -> dict:
    W = np.array([[1.65, 1.63, 0.94, -0.19]])  # weight on x_t, gates i, f, g, o
    U = np.array([[2.00, 2.70, 1.41, 4.38]])  # weight on h_{t-1}
    b = np.array([0.62, 1.62, -0.32, 0.59])
    inputs = {"x": np.ones((1, 1, 1)), "h0": np.ones((1, 1)), "c0": np.full((1, 1), 2.0), "proj": np.ones((1, 1, 1))}
    return _case(
        "one_unit_worked_example",
        "The hand-checkable one-unit example (D = H = B = T = 1): c_{t-1} = 2, h_{t-1} = 1, x_t = 1; "
        "weights (on h, on x, bias): f 2.70, 1.63, 1.62; i 2.00, 1.65, 0.62; g 1.41, 0.94, -0.32; "
        "o 4.38, -0.19, 0.59. Then f = 0.9974009322376768, i = 0.9862110114938586, "
        "g = 0.9660869289795985, o = 0.9916739069015661, c_t = 2.947567431895319, "
        "tanh(c_t) = 0.9945095041362109, h_t = 0.9862291254174954. Loss L = h_t, so dh = 1.",
        _config(1, 1, 1, 1), {"W": W, "U": U, "b": b}, inputs)


def many_to_one_binary_masked_embedding() -> dict:
    rng = np.random.default_rng(8)
    T, B, D, H, V = 6, 4, 3, 5, 7
    config = _config(T, B, D, H, "many_to_one_sigmoid", V=V, K=1)
    lengths = np.array([6, 3, 1, 4])
    mask = (np.arange(T)[:, None] < lengths[None, :]).astype(float)
    tokens = rng.integers(1, V, (T, B)) * mask.astype(int)  # id 0 is padding
    inputs = {"tokens": tokens, "mask": mask, "targets": np.array([1, 0, 1, 0])}
    return _case("many_to_one_binary_masked_embedding",
                 "Word-embedding LSTM with a sigmoid head on the last valid step and binary cross-entropy "
                 "(the thesis architecture); sequences of lengths 6, 3, 1, 4 padded with a mask, so padded "
                 "steps carry h and c and get no gradient.", config, init_params(config, 8), inputs)


def many_to_one_softmax_masked() -> dict:
    rng = np.random.default_rng(9)
    T, B, D, H, K = 5, 3, 4, 2, 3
    config = _config(T, B, D, H, "many_to_one_softmax", K=K)
    mask = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :]).astype(float)
    inputs = {"x": rng.standard_normal((T, B, D)), "mask": mask, "targets": np.array([2, 0, 1])}
    return _case("many_to_one_softmax_masked",
                 "K-class softmax cross-entropy on the last valid step of padded sequences (lengths 5, 2, 4).",
                 config, init_params(config, 9), inputs)


def char_lm_many_to_many() -> dict:
    rng = np.random.default_rng(10)
    T, B, D, H, V = 12, 2, 5, 6, 8
    config = _config(T, B, D, H, "many_to_many_softmax", V=V, K=V)
    tokens = rng.integers(0, V, (T + 1, B))
    mask = np.ones((T, B))
    mask[9:, 1] = 0.0
    inputs = {"tokens": tokens[:-1], "targets": tokens[1:], "mask": mask}
    return _case("char_lm_many_to_many",
                 "Character language model: embedding, LSTM, softmax over the vocabulary at every step, "
                 "mean cross-entropy over the valid steps (the second sequence is padded after 9 steps).",
                 config, init_params(config, 10), inputs)


def long_sequence_vanishing() -> dict:
    rng = np.random.default_rng(11)
    T, B, D, H, K = 100, 2, 3, 4, 2
    config = _config(T, B, D, H, "many_to_one_softmax", K=K)
    params = init_params(config, 11)
    params["b"][H:2 * H] += 4.0  # forget gates near 0.98 let the gradient reach t = 0, faintly
    inputs = {"x": rng.standard_normal((T, B, D)), "targets": np.array([1, 0])}
    case = _case("long_sequence_vanishing",
                 "T = 100 with the loss only at the last step: max |dh_t| falls from 0.23 at t = 99 to "
                 "3e-6 at t = 0 (vanishing gradients), slowly enough that finite differences still resolve "
                 "dh0. Per-step tolerances scale with each step's own magnitude, so the small early gradients "
                 "are still checked; rtol is 1e-11 here because rounding differences between BLAS libraries "
                 "(~1e-16 per product) compound over 100 recurrent steps to ~1e-12 of a step's scale.",
                 config, params, inputs)
    case["tolerance"] = {"rtol": 1e-11, "atol": 1e-300}
    return case


def _with_optimizer(case: dict, name: str, description: str, optimizer: dict, clip: dict | None) -> dict:
    case = dict(case, name=name, description=description, optimizer=optimizer)
    if clip:
        case["clip"] = clip
    return case


def many_to_one_sigmoid_dense() -> dict:
    rng = np.random.default_rng(13)
    T, B, D, H = 7, 4, 3, 5
    config = _config(T, B, D, H, "many_to_one_sigmoid", K=1)
    inputs = {"x": rng.standard_normal((T, B, D)), "targets": np.array([1, 0, 0, 1])}
    return _case("many_to_one_sigmoid_dense",
                 "The thesis set-up: dense input, no mask, no embedding, a sigmoid head on the last step "
                 "with binary cross-entropy (every sequence has all T = 7 steps).",
                 config, init_params(config, 13), inputs)


def many_to_many_embedding_unmasked() -> dict:
    rng = np.random.default_rng(14)
    T, B, D, H, V = 5, 3, 4, 3, 6
    config = _config(T, B, D, H, "many_to_many_softmax", V=V, K=V)
    tokens = rng.integers(0, V, (T + 1, B))
    inputs = {"tokens": tokens[:-1], "targets": tokens[1:]}
    return _case("many_to_many_embedding_unmasked",
                 "Embedding and a softmax over the vocabulary at every step, without a mask: every step of "
                 "every sequence is valid (mean cross-entropy over all T * B steps).",
                 config, init_params(config, 14), inputs)


def many_to_one_softmax_unmasked() -> dict:
    rng = np.random.default_rng(15)
    T, B, D, H, K = 4, 3, 2, 4, 3
    config = _config(T, B, D, H, "many_to_one_softmax", K=K)
    inputs = {"x": rng.standard_normal((T, B, D)), "targets": np.array([0, 2, 1])}
    return _case("many_to_one_softmax_unmasked",
                 "K-class softmax cross-entropy on the last step, dense input, no mask (a short, "
                 "well-conditioned companion of long_sequence_vanishing).",
                 config, init_params(config, 15), inputs)


def adam_trajectory() -> dict:
    base = char_lm_many_to_many()
    return _with_optimizer(base, "adam_trajectory",
                           "Five Adam steps (lr 0.05, PyTorch defaults otherwise, with bias correction) with "
                           "gradients clipped to global norm 0.5 on the character-model case; the parameters "
                           "after every step.",
                           {"name": "adam", "lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "steps": 5},
                           {"max_norm": 0.5})


def sgd_momentum_clip_value() -> dict:
    base = many_to_one_binary_masked_embedding()
    return _with_optimizer(base, "sgd_momentum_clip_value",
                           "Four SGD steps with momentum 0.9 (lr 0.5), every gradient element clipped to "
                           "[-0.02, 0.02], on the masked binary classifier.",
                           {"name": "sgd", "lr": 0.5, "momentum": 0.9, "steps": 4}, {"value": 0.02})


def sgd_clip_norm() -> dict:
    base = _layer_case("x", "x", 4, 2, 3, 2, 12)
    return _with_optimizer(base, "sgd_clip_norm",
                           "Three plain SGD steps (lr 0.1) with the global gradient norm clipped to 1.0 "
                           "on a layer-only case.", {"name": "sgd", "lr": 0.1, "steps": 3}, {"max_norm": 1.0})


# --- GRU and RNN --------------------------------------------------------------------------------
# The same behaviours for the other two cells (config.cell): every GRU case runs PyTorch's reset placement
# (reset_after true) unless its name says reset_before. Parameters from init_params (PyTorch's uniform
# initialisation): every gate block of W, U, b differs, so a gate-order bug cannot pass.
_GRU_BEFORE = "reset_after false: the reset gate before the recurrent product, (r * h_{t-1}) U_n + b_hn (Cho et al.)"


def _masked_softmax(cell: str, name: str, seed: int, reset_after: bool | None = None) -> dict:
    rng = np.random.default_rng(seed)
    T, B, D, H, K = 5, 3, 4, 2, 3
    config = _config(T, B, D, H, "many_to_one_softmax", K=K, cell=cell, reset_after=reset_after)
    mask = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :]).astype(float)
    inputs = {"x": rng.standard_normal((T, B, D)), "mask": mask, "targets": np.array([2, 0, 1])}
    return _case(name, f"{cell.upper()}: K-class softmax cross-entropy on the last valid step of padded sequences "
                 "(lengths 5, 2, 4): padded steps carry h and get no gradient.", config, init_params(config, seed),
                 inputs)


def _binary_masked_embedding(cell: str, name: str, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    T, B, D, H, V = 6, 4, 3, 5, 7
    config = _config(T, B, D, H, "many_to_one_sigmoid", V=V, K=1, cell=cell)
    lengths = np.array([6, 3, 1, 4])
    mask = (np.arange(T)[:, None] < lengths[None, :]).astype(float)
    tokens = rng.integers(1, V, (T, B)) * mask.astype(int)  # id 0 is padding
    inputs = {"tokens": tokens, "mask": mask, "targets": np.array([1, 0, 1, 0]), "h0": rng.uniform(-1, 1, (B, H))}
    return _case(name, f"Word-embedding {cell.upper()} with a sigmoid head on the last valid step and binary "
                 "cross-entropy, a non-zero initial state h0; sequences of lengths 6, 3, 1, 4 padded with a mask.",
                 config, init_params(config, seed), inputs)


def _char_lm(cell: str, name: str, seed: int, description: str, reset_after: bool | None = None) -> dict:
    rng = np.random.default_rng(seed)
    T, B, D, H, V = 8, 2, 5, 4, 6
    config = _config(T, B, D, H, "many_to_many_softmax", V=V, K=V, cell=cell, reset_after=reset_after)
    tokens = rng.integers(0, V, (T + 1, B))
    mask = np.ones((T, B))
    mask[6:, 1] = 0.0
    inputs = {"tokens": tokens[:-1], "targets": tokens[1:], "mask": mask}
    return _case(name, description, config, init_params(config, seed), inputs)


VANISHING_T = 14  # RNN: max |dh_t| 0.31 -> 1.7e-5 at t = 0, still resolved by finite differences (9e-8)


def _long_sequence(cell: str, name: str, description: str) -> dict:
    """The same inputs, targets and (PyTorch-initialised) weights for both cells: only the cell differs."""
    rng = np.random.default_rng(11)
    T, B, D, H, K = VANISHING_T, 2, 3, 4, 2
    config = _config(T, B, D, H, "many_to_one_softmax", K=K, cell=cell)
    params = init_params(config, 11)
    if cell == "gru":
        params["b"][H:2 * H] += 4.0  # update gates near 0.98 keep the state (and its gradient), as f in the LSTM
    inputs = {"x": rng.standard_normal((T, B, D)), "targets": np.array([1, 0])}
    return _case(name, description, config, params, inputs)


GRU_CASES: list[Callable[[], dict]] = [
    lambda: _layer_case("gru_tiny_random", "A tiny random GRU (PyTorch's form, reset_after true): T = 3, B = 1, "
                        "D = 2, H = 3, loss sum(proj * h).", 3, 1, 2, 3, 101, cell="gru"),
    lambda: _layer_case("gru_batch_all_dims_differ",
                        "GRU, every dimension different (T = 6, B = 3, D = 5, H = 4) and a non-zero initial state "
                        "h0 (dh0 checked): a transposed matrix or a mixed-up gate block cannot pass.",
                        6, 3, 5, 4, 102, state=True, cell="gru"),
    lambda: _layer_case("gru_reset_before_all_dims_differ",
                        f"GRU with {_GRU_BEFORE}; every dimension different (T = 6, B = 3, D = 5, H = 4), a "
                        "non-zero h0: dU's n block sums (r * h_{t-1})^T dL/dhn here, h_{t-1}^T r * dL/dhn in the "
                        "reset-after form.", 6, 3, 5, 4, 103, state=True, cell="gru", reset_after=False),
    lambda: _masked_softmax("gru", "gru_many_to_one_softmax_masked", 104),
    lambda: _binary_masked_embedding("gru", "gru_many_to_one_binary_masked_embedding", 105),
    lambda: _char_lm("gru", "gru_reset_before_char_lm", 106,
                     f"Character language model with a GRU, {_GRU_BEFORE}: embedding, softmax over the vocabulary "
                     "at every step, mean cross-entropy over the valid steps (the second sequence is padded after "
                     "6 steps).", reset_after=False),
    lambda: _long_sequence("gru", "gru_long_sequence_vanishing",
                           f"The inputs, targets and weights of rnn_long_sequence_vanishing (T = {VANISHING_T}, "
                           "loss only at the last step) in a GRU whose update gates start near 0.98 (bias + 4): "
                           "max |dh_t| only falls from 0.25 at t = 13 to 0.17 at t = 0, where the RNN's falls "
                           "to 1.7e-5: the gate keeps the gradient."),
    lambda: _with_optimizer(_char_lm("gru", "x", 107, "x"), "gru_adam_trajectory",
                            "Five Adam steps (lr 0.05, PyTorch defaults otherwise) with the gradients clipped to "
                            "global norm 0.5 on a GRU character model (reset_after true); b_hn is updated like "
                            "every other parameter.",
                            {"name": "adam", "lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "steps": 5},
                            {"max_norm": 0.5}),
]

RNN_CASES: list[Callable[[], dict]] = [
    lambda: _layer_case("rnn_tiny_random", "A tiny random Elman RNN (tanh): T = 3, B = 1, D = 2, H = 3, loss "
                        "sum(proj * h).", 3, 1, 2, 3, 201, cell="rnn"),
    lambda: _layer_case("rnn_batch_all_dims_differ",
                        "Elman RNN, every dimension different (T = 6, B = 3, D = 5, H = 4) and a non-zero initial "
                        "state h0 (dh0 checked): U is square (H x H), so only the values catch a transposed U.",
                        6, 3, 5, 4, 202, state=True, cell="rnn"),
    lambda: _masked_softmax("rnn", "rnn_many_to_one_softmax_masked", 204),
    lambda: _binary_masked_embedding("rnn", "rnn_many_to_one_binary_masked_embedding", 205),
    lambda: _long_sequence("rnn", "rnn_long_sequence_vanishing",
                           f"T = {VANISHING_T} with the loss only at the last step, PyTorch's initial weights: max "
                           "|dh_t| falls from 0.31 at t = 13 to 1.7e-5 at t = 0, a factor of about 0.47 per step "
                           "(tanh' times U^T): the vanishing gradient of the plain RNN. gru_long_sequence_vanishing "
                           "has the same inputs and keeps 0.17 (0.97 per step); the LSTM of long_sequence_vanishing "
                           "keeps 0.89 per step over 99 steps. Finite differences still resolve dh0 (8e-6) here."),
    lambda: _with_optimizer(_char_lm("rnn", "x", 207, "x"), "rnn_sgd_momentum_clip_value",
                            "Four SGD steps with momentum 0.9 (lr 0.5), every gradient element clipped to "
                            "[-0.05, 0.05], on an Elman RNN character model with a padded sequence.",
                            {"name": "sgd", "lr": 0.5, "momentum": 0.9, "steps": 4}, {"value": 0.05}),
]


CASES: list[Callable[[], dict]] = [
    one_unit_worked_example,
    lambda: _layer_case("tiny_random", "A tiny random case: T = 3, B = 1, D = 2, H = 3, loss sum(proj * h).",
                        3, 1, 2, 3, 1),
    lambda: _layer_case("batch_all_dims_differ",
                        "Every dimension differs (T = 6, B = 3, D = 5, H = 4) and nothing is symmetric, "
                        "so a transposed matrix or a row/column-major mix-up cannot pass.", 6, 3, 5, 4, 2),
    lambda: _layer_case("square_b_h_d",
                        "B = H = D = 3: a matrix product written where an elementwise product belongs "
                        "runs without a shape error here, and must still be caught by its values.", 4, 3, 3, 3, 3),
    lambda: _layer_case("initial_state",
                        "Non-zero initial state h0, c0; dh0 and dc0 are checked.", 5, 2, 3, 4, 4, state=True),
    lambda: _layer_case("saturated_gates",
                        "Large weights (uniform in [-12, 12]) and, in two of the three sequences, large inputs: "
                        "pre-activations up to |z| = 235 saturate the gates (65% of di below 1e-10); the sigmoid "
                        "must not overflow and the small gradients must still be right. (Where every entry of a "
                        "step is saturated, 1 - g^2 cancels and only ~1e-7 relative accuracy is possible in any "
                        "implementation; the third, unsaturated sequence keeps each step's scale meaningful.)",
                        4, 3, 3, 4, 5, scale=12.0, state=True, x_scale=(8.0, 8.0, 0.05)),
    long_sequence_vanishing,
    many_to_one_binary_masked_embedding,
    many_to_one_softmax_masked,
    char_lm_many_to_many,
    many_to_one_sigmoid_dense,
    many_to_many_embedding_unmasked,
    many_to_one_softmax_unmasked,
    adam_trajectory,
    sgd_momentum_clip_value,
    sgd_clip_norm,
    *GRU_CASES,
    *RNN_CASES,
]


def verify_gradients(case: dict, result: dict) -> dict[str, float]:
    """Finite-difference errors of every parameter gradient and of dh0 (and the LSTM's dc0); raises if any >=
    FD_LIMIT."""
    numeric = numerical_grads(case["params"], case["config"], case["inputs"])
    analytic = {**result["grads"], **{k: result["backward"][k] for k in ("dh0", "dc0") if k in result["backward"]}}
    errors = {k: rel_error(analytic[k], numeric[k]) for k in numeric}
    bad = {k: e for k, e in errors.items() if not e < FD_LIMIT}
    if bad:
        raise AssertionError(f"case {case['name']}: finite differences disagree with the backward pass: {bad}")
    return errors


def layer_inputs(case: dict) -> dict[str, np.ndarray]:
    """What the recurrent layer alone receives: x (T, B, D), E[tokens] with an embedding, and
    dh_head (T, B, H), dL/dh_t from the head at each step (at the case's initial parameters)."""
    fwd, cache = model_forward(ordered(case["params"]), case["config"], case["inputs"])
    _, dh_head, _ = head_backward(cache.head)
    return {"x": fwd["x"] if "x" in fwd else case["inputs"]["x"], "dh_head": dh_head}


def build(make: Callable[[], dict], check: bool = True) -> dict:
    """Build one case with its layer inputs and expected values (verified by finite differences when
    check is True). ``layer_inputs`` follows ``inputs``."""
    case = make()
    result = run_case(case)
    if check:
        verify_gradients(case, result)
    out = {}
    for key, value in case.items():
        out[key] = value
        if key == "inputs":
            out["layer_inputs"] = layer_inputs(case)
    out["expected"] = result
    return out
