"""The training state as data: how to train (:class:`TrainOptions`), where training is
(:class:`TrainState`, everything needed to continue exactly where it stopped) and what it
returned (:class:`TrainResult`). Its own module so that ``train`` (the loop) and ``serialize``
(checkpoints) both read it without importing each other. R keeps the same fields in plain
lists (R/train.R).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from lstmparity.core.model import ordered
from lstmparity.training.data import rng_seed


@dataclass(frozen=True)
class TrainOptions:
    """How to train. ``optimizer`` is {"name": "sgd"|"adam", "lr", ...} as in the fixtures;
    ``clip`` is None, {"max_norm": x} or {"value": x}; ``patience`` (epochs without a better
    held-out loss) turns on early stopping; ``checkpoint`` is a path written at the end, on Ctrl-C,
    and during training every ``checkpoint_every`` epochs, or, when that is None, after an epoch
    once 20x the last write's time has passed since it (writing then costs at most ~5%).
    ``progress``: a bar on a terminal, one line per epoch otherwise (stderr)."""

    epochs: int = 10
    batch_size: int = 32
    optimizer: dict = field(default_factory=lambda: {"name": "adam", "lr": 0.01})
    clip: dict | None = None
    seed: int = 0
    shuffle: bool = True
    patience: int | None = None
    restore_best: bool = True
    progress: bool = True
    checkpoint: str | None = None
    checkpoint_every: int | None = None


@dataclass(frozen=True)
class TrainState:
    """Everything needed to continue training exactly where it stopped."""

    params: dict[str, np.ndarray]
    opt_state: dict
    rng_state: int  # generator state at the start of epoch `epoch`
    epoch: int = 0  # completed epochs
    batch: int = 0  # completed batches of the current epoch
    step: int = 0  # completed updates in all
    sums: tuple[float, float, float] = (0.0, 0.0, 0.0)  # loss * n, correct, n (current epoch)
    history: tuple[dict, ...] = ()
    step_losses: tuple[float, ...] = ()
    best: dict | None = None  # {"epoch", "valid_loss", "params"}
    stopped: bool = False  # early stopping fired


@dataclass
class TrainResult:
    params: dict[str, np.ndarray]
    history: list[dict]
    state: TrainState
    interrupted: bool = False


def new_state(params: dict, seed: int = 0) -> TrainState:
    return TrainState(params=ordered(params), opt_state={}, rng_state=rng_seed(seed))


def options_dict(opts: TrainOptions) -> dict:
    return asdict(opts)
