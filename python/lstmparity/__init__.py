"""lstmparity: one LSTM, in NumPy (this package) and in base R, that compute the same numbers.

One subpackage per concern, imports running one way (cli -> conformance ->
implementations -> core <- suite; tests/python/test_imports.py):

* ``lstmparity.core``: the numeric core (cells, layers, heads, optimizers, the model,
  the tensor spec), NumPy only; ``pip install lstmparity`` installs nothing else
  (tests/python/test_extras.py);
* ``lstmparity.suite``: the fixture suite (reader, cases, regeneration, finite differences);
* ``lstmparity.conformance``: the runner (source folder ``conformance/``);
* ``lstmparity.training``: data, the training loop, estimators, saved models, demos;
* ``lstmparity.bench``: ``lstmparity bench``.

The names below are the core's most used functions. The rest comes
with extras: ``[suite]`` the fixtures and the conformance runner (jsonschema,
tqdm), ``[train]`` training and its plots (tqdm, matplotlib), ``[plot]`` the
``--plot`` options, ``[all]`` the three. ARCHITECTURE.md maps the modules.
"""

from lstmparity.core.cell import lstm_step_backward, lstm_step_forward
from lstmparity.core.layer import lstm_backward, lstm_forward
from lstmparity.core.model import (
    REFERENCE_OPS,
    Ops,
    init_params,
    loss_and_grads,
    model_backward,
    model_forward,
    run_case,
)

__version__ = "0.1.0"

__all__ = [
    "Ops",
    "REFERENCE_OPS",
    "init_params",
    "loss_and_grads",
    "lstm_backward",
    "lstm_forward",
    "lstm_step_backward",
    "lstm_step_forward",
    "model_backward",
    "model_forward",
    "run_case",
]
