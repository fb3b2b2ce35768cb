"""lstmparity: one LSTM, in NumPy (this package) and in base R, that compute the same numbers.

The numeric core (activations, cell, layer, embedding, heads, optim, model)
depends on NumPy only, and ``pip install lstmparity`` installs nothing else
(tests/python/test_imports.py and test_extras.py check both). The rest comes
with extras: ``[suite]`` the fixtures and the conformance runner (jsonschema,
tqdm), ``[train]`` training and its plots (tqdm, matplotlib), ``[plot]`` the
``--plot`` options, ``[all]`` the three. ARCHITECTURE.md maps the modules.
"""

from .cell import lstm_step_backward, lstm_step_forward
from .layer import lstm_backward, lstm_forward
from .model import REFERENCE_OPS, Ops, init_params, loss_and_grads, model_backward, model_forward, run_case

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
