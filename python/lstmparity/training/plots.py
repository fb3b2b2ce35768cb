"""Pictures of training (matplotlib, Agg backend: files only, no display).

* :func:`plot_history` — loss and accuracy per epoch (train, and held-out when present).
* :func:`plot_gradient_norms` — ||dL/dh_t|| against the distance from the loss: the
  vanishing-gradient picture. With a many-to-one head the loss looks at the last step
  only, so dh[t] is the gradient that travelled T-1-t steps back through time.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lstmparity.core.model import model_backward, model_forward  # noqa: E402


def plot_history(history: list[dict], path: str | Path, title: str = "training") -> None:
    """Two panels: loss and accuracy per epoch."""
    epochs = [row["epoch"] for row in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, [row["loss"] for row in history], label="train")
    ax_acc.plot(epochs, [row["accuracy"] for row in history], label="train")
    if history and "valid_loss" in history[0]:
        ax_loss.plot(epochs, [row["valid_loss"] for row in history], label="held-out")
        ax_acc.plot(epochs, [row["valid_accuracy"] for row in history], label="held-out")
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", title=f"{title}: loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02), title=f"{title}: accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def gradient_norms(params: dict, config: dict, batch: dict) -> np.ndarray:
    """||dL/dh_t|| (Frobenius over the batch) for t = 0..T-1, from model_backward's trace."""
    _, cache = model_forward(params, config, batch)
    trace, _ = model_backward(cache)
    dh = trace["dh"]  # (T, B, H): total dL/dh_t
    return np.sqrt(np.sum(dh * dh, axis=(1, 2)))


def plot_gradient_norms(curves: dict[str, np.ndarray], path: str | Path,
                        title: str = "||dL/dh_t|| against distance from the loss") -> None:
    """One line per entry of ``curves`` (label -> norms for t = 0..T-1), x = T-1-t, log y."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, norms in curves.items():
        distance = np.arange(len(norms))[::-1]
        ax.semilogy(distance, np.maximum(norms, 1e-300), label=label)
    ax.set(xlabel="steps between h_t and the loss (T-1-t)", ylabel="||dL/dh_t||", title=title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
