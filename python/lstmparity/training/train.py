"""Training: mini-batches with padding and masks, seeded shuffling, clipping, SGD / Adam,
evaluation on a held-out split each epoch, optional early stopping, checkpoint / resume.

One step (the same lines as ``run_case`` in model.py, and as ``train_model`` in R/train.R)::

    loss, grads = loss_and_grads(params, config, batch)
    grads       = clip_grads(grads, clip)                # by norm or by value, or not at all
    params      = optimizer_step(params, grads, state)   # SGD (momentum) or Adam

The whole training state (parameters, optimiser state, generator state at the
start of the epoch, epoch / batch / step counters, running sums, history) is a
:class:`TrainState` (state.py), replaced as a whole after each step: a Ctrl-C
(KeyboardInterrupt) leaves the last complete step, which is saved as a
checkpoint and resumed to the same result as an uninterrupted run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from tqdm import tqdm

from lstmparity.core.model import model_backward, model_forward
from lstmparity.core.optim import clip_grads, optimizer_step
from lstmparity.training.data import batch_indices, make_batch, shuffle_order
from lstmparity.training.serialize import save_checkpoint
from lstmparity.training.state import TrainOptions, TrainResult, TrainState, new_state
from lstmparity.training.validate import check_dataset, check_options


def batch_metrics(trace: dict, batch: dict, head: str) -> tuple[float, float, float]:
    """(loss * n, correct, n) for one batch; n counts predictions (valid steps or sequences)."""
    logits, y = trace["logits"], batch["targets"]
    if head == "many_to_many_softmax":
        m = batch.get("mask", np.ones(y.shape))
        n = float(m.sum())
        correct = float(np.sum((np.argmax(logits, axis=-1) == y) * m))
    else:
        n = float(len(y))
        pred = (logits[:, 0] > 0).astype(int) if head == "many_to_one_sigmoid" else np.argmax(logits, axis=-1)
        correct = float(np.sum(pred == y))
    return trace["loss"] * n, correct, n


def evaluate(params: dict, config: dict, dataset: dict, batch_size: int = 64) -> tuple[float, float]:
    """(mean loss, accuracy) over a data set, in order, without updates."""
    total = np.zeros(3)
    for idx in batch_indices(list(range(len(dataset["tokens"]))), batch_size):
        batch = make_batch(dataset, idx)
        trace, _ = model_forward(params, config, batch)
        total += batch_metrics(trace, batch, config["head"])
    return total[0] / total[2], total[1] / total[2]


def train_step(state: TrainState, config: dict, batch: dict, opts: TrainOptions) -> tuple[TrainState, dict]:
    """One update on one batch. Returns the new state and the forward trace."""
    trace, cache = model_forward(state.params, config, batch)
    _, grads = model_backward(cache)
    grads = clip_grads(grads, opts.clip)
    params, opt_state = optimizer_step(state.params, grads, state.opt_state, opts.optimizer)
    sums = tuple(a + b for a, b in zip(state.sums, batch_metrics(trace, batch, config["head"]), strict=True))
    return replace(state, params=params, opt_state=opt_state, batch=state.batch + 1, step=state.step + 1,
                   sums=sums, step_losses=(*state.step_losses, trace["loss"])), trace


def end_epoch(state: TrainState, config: dict, valid: dict | None, opts: TrainOptions,
              rng_after: int, seconds: float) -> TrainState:
    """Close an epoch: history row, held-out evaluation, early-stopping bookkeeping."""
    loss_n, correct, n = state.sums
    row: dict[str, Any] = {"epoch": state.epoch + 1, "loss": loss_n / n, "accuracy": correct / n}
    best, stopped = state.best, False
    if valid is not None:
        row["valid_loss"], row["valid_accuracy"] = evaluate(state.params, config, valid, opts.batch_size)
        if best is None or row["valid_loss"] < best["valid_loss"]:
            best = {"epoch": state.epoch + 1, "valid_loss": row["valid_loss"], "params": state.params}
        stopped = opts.patience is not None and state.epoch + 1 - best["epoch"] >= opts.patience
    row["seconds"] = seconds
    return replace(state, epoch=state.epoch + 1, batch=0, sums=(0.0, 0.0, 0.0), rng_state=rng_after,
                   history=(*state.history, row), best=best, stopped=stopped)


def train_model(
    params: dict,
    config: dict,
    train_set: dict,
    valid_set: dict | None = None,
    opts: TrainOptions | None = None,
    state: TrainState | None = None,
    on_step: Callable[[TrainState], None] | None = None,
) -> TrainResult:
    """Train ``params`` on ``train_set`` for ``opts.epochs`` epochs (from ``state`` when resuming).

    Returns a :class:`TrainResult`; its ``history`` has one dict per epoch: epoch, loss,
    accuracy, [valid_loss, valid_accuracy,] seconds. ``on_step(state)`` runs after every step.
    """
    opts = opts or TrainOptions()
    check_options(opts)
    check_dataset(train_set, config, "train_set")
    if valid_set is not None:
        check_dataset(valid_set, config, "valid_set")
    state = state or new_state(params, opts.seed)
    n = len(train_set["tokens"])
    n_batches = -(-n // opts.batch_size)
    on_terminal = sys.stderr.isatty()
    bar = tqdm(total=opts.epochs * n_batches, initial=state.epoch * n_batches + state.batch,
               disable=not (opts.progress and on_terminal), unit="step", dynamic_ncols=True, mininterval=0.25)
    writer = CheckpointWriter(opts, config)
    interrupted = False
    try:
        while state.epoch < opts.epochs and not state.stopped:
            order, rng_after = shuffle_order(n, state.rng_state) if opts.shuffle else (list(range(n)), state.rng_state)
            start = time.perf_counter()
            for idx in batch_indices(order, opts.batch_size)[state.batch :]:
                state, _ = train_step(state, config, make_batch(train_set, idx), opts)
                if on_step is not None:
                    on_step(state)
                bar.update(1)
                loss_n, correct, count = state.sums
                bar.set_postfix(epoch=state.epoch + 1, loss=f"{loss_n / count:.4f}", acc=f"{correct / count:.3f}",
                                refresh=False)
            state = end_epoch(state, config, valid_set, opts, rng_after, time.perf_counter() - start)
            if opts.progress and not on_terminal:
                print(epoch_line(state.history[-1], opts.epochs), file=sys.stderr, flush=True)
            writer.after_epoch(state)
        writer.write(state)
    except KeyboardInterrupt:
        interrupted = True
        writer.write(state)
    finally:
        bar.close()
    final = state.best["params"] if (opts.restore_best and state.stopped and state.best) else state.params
    return TrainResult(final, list(state.history), state, interrupted)


def epoch_line(row: dict, epochs: int) -> str:
    """One line of progress: epoch, loss, accuracy [, held-out loss, accuracy], seconds."""
    line = f"epoch {row['epoch']}/{epochs}  loss {row['loss']:.4f}  acc {row['accuracy']:.3f}"
    if "valid_loss" in row:
        line += f"  valid_loss {row['valid_loss']:.4f}  valid_acc {row['valid_accuracy']:.3f}"
    return line + f"  {row['seconds']:.2f}s"


class CheckpointWriter:
    """Writes ``opts.checkpoint`` every ``opts.checkpoint_every`` epochs, or (None) after an epoch
    once 20x the last write's duration has passed since that write: the writes then take at most
    ~1/21 of the time (~5%), whatever the model's size. ``write`` (end of training, Ctrl-C) always writes."""

    def __init__(self, opts: TrainOptions, config: dict) -> None:
        self.opts, self.config = opts, config
        self.last_end = time.perf_counter()
        self.cost = 0.0  # seconds the last write took

    def after_epoch(self, state: TrainState) -> None:
        every = self.opts.checkpoint_every
        due = (state.epoch % every == 0) if every else (time.perf_counter() - self.last_end >= 20 * self.cost)
        if due:
            self.write(state)

    def write(self, state: TrainState) -> None:
        if not self.opts.checkpoint:
            return
        start = time.perf_counter()
        save_checkpoint(self.opts.checkpoint, state, self.config, self.opts)
        self.last_end = time.perf_counter()
        self.cost = self.last_end - start
