"""The two learning demos, as functions (R: ``train_hamlet()``, ``train_reuters()`` in R/demos.R).

* **Hamlet**: a character model on the 866-character soliloquy (``dataset_path("hamlet.txt")``):
  predict character t+1 from character t over the whole passage (B = 1,
  T = 865, full-sequence BPTT), hidden size 25, one-hot input (the embedding E
  starts as the identity and is learned), head ``many_to_many_softmax``, Adam
  lr 0.01, gradient clipping at global norm 5.
* **Reuters**: acq vs crude (``dataset_path("reuters_acq_crude.json")``): word
  embedding + LSTM + sigmoid head (``many_to_one_sigmoid``), Adam; accuracy on
  the held-out split after every epoch. Vocabulary: words seen >= 3 times in the
  training split; the first 50 words of each document.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmparity.core.model import init_params
from lstmparity.training.data import char_dataset, char_vocab, dataset_path, read_reuters, read_text, text_datasets
from lstmparity.training.serialize import load_checkpoint
from lstmparity.training.state import TrainOptions, TrainResult, TrainState, options_dict
from lstmparity.training.train import evaluate, train_model
from lstmparity.training.validate import check_resume


def hamlet_setup(path: str | None = None, hidden: int = 25, seed: int = 0) -> tuple[dict, dict, dict, list[str]]:
    """(params, config, dataset, vocab) for the Hamlet character model."""
    text = read_text(path or dataset_path("hamlet.txt"))
    vocab = char_vocab(text)
    V = len(vocab)
    config = {"D": V, "H": hidden, "V": V, "K": V, "head": "many_to_many_softmax"}
    params = init_params(config, seed)
    params["E"] = np.eye(V)  # one-hot input to start with; learned from there
    return params, config, char_dataset(text, vocab), vocab


def train_hamlet(epochs: int = 1000, lr: float = 0.01, max_norm: float = 5.0, hidden: int = 25, seed: int = 0,
                 progress: bool = True, path: str | None = None, checkpoint: str | None = None,
                 state: TrainState | None = None, checkpoint_every: int | None = None,
                 resume_from: str | None = None) -> dict[str, Any]:
    """Train the Hamlet model. Returns {"result", "config", "vocab", "accuracy", "ms_per_epoch"}:
    accuracy is greedy next-character accuracy of the final parameters over the passage."""
    params, config, dataset, vocab = hamlet_setup(path, hidden, seed)
    opts = TrainOptions(epochs=epochs, batch_size=1, optimizer={"name": "adam", "lr": lr},
                        clip={"max_norm": max_norm}, seed=seed, shuffle=False, progress=progress,
                        checkpoint=checkpoint, checkpoint_every=checkpoint_every)
    if resume_from:
        check_resume(resume_from, *load_checkpoint(resume_from)[1:], config, options_dict(opts))
    result = train_model(params, config, dataset, None, opts, state)
    return _summary(result, config, vocab, evaluate(result.params, config, dataset)[1])


def reuters_setup(path: str | None = None, embed: int = 16, hidden: int = 16, min_count: int = 3,
                  max_len: int = 50, seed: int = 0) -> tuple[dict, dict, dict, dict, list[str]]:
    """(params, config, train, test, vocab) for the acq-vs-crude classifier."""
    train, test, vocab = text_datasets(read_reuters(path), min_count, max_len)
    config = {"D": embed, "H": hidden, "V": len(vocab), "K": 1, "head": "many_to_one_sigmoid"}
    params = init_params(config, seed)
    params["E"] *= 0.1  # small embeddings: the LSTM starts in its linear range
    return params, config, train, test, vocab


def train_reuters(epochs: int = 25, lr: float = 0.01, batch_size: int = 8, embed: int = 16, hidden: int = 16,
                  max_norm: float = 5.0, seed: int = 0, progress: bool = True, path: str | None = None,
                  checkpoint: str | None = None, state: TrainState | None = None,
                  checkpoint_every: int | None = None, resume_from: str | None = None) -> dict[str, Any]:
    """Train the Reuters classifier. accuracy is the test-split accuracy at the end: a demo figure,
    not a held-out estimate (the settings were chosen looking at it; docs/training.md)."""
    params, config, train, test, vocab = reuters_setup(path, embed, hidden, seed=seed)
    opts = TrainOptions(epochs=epochs, batch_size=batch_size, optimizer={"name": "adam", "lr": lr},
                        clip={"max_norm": max_norm}, seed=seed, progress=progress, checkpoint=checkpoint,
                        checkpoint_every=checkpoint_every)
    if resume_from:
        check_resume(resume_from, *load_checkpoint(resume_from)[1:], config, options_dict(opts))
    result = train_model(params, config, train, test, opts, state)
    return _summary(result, config, vocab, evaluate(result.params, config, test)[1])


def _summary(result: TrainResult, config: dict, vocab: list[str], accuracy: float) -> dict[str, Any]:
    secs = [row["seconds"] for row in result.history]
    ms = 1000.0 * float(np.mean(secs)) if secs else float("nan")
    median = 1000.0 * float(np.median(secs)) if secs else float("nan")
    return {"result": result, "config": config, "vocab": vocab, "accuracy": accuracy, "ms_per_epoch": ms,
            "ms_per_epoch_median": median}
