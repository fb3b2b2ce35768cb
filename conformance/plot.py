"""Heatmap of the relative error of every per-step tensor (rows) at every time step (columns).

The tensors diverging at the first divergent step are outlined (the first one in
cyan, the others at that step in white), and the title carries the diagnosis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from lstmparity.core.trace import BACKWARD_STEP, FORWARD_STEP

from .diagnose import diagnosis_of
from .runner import Outcome
from .text import where

FLOOR = 1e-18  # exact agreement is drawn at this level


def error_grid(o: Outcome) -> tuple[list[str], np.ndarray]:
    """(row labels, grid (rows, T)) of max|a - e| / max|e| per step slice; NaN where not provided."""
    checks = [c for c in o.comparison.checks if c.entry.step is not None and c.entry.phase in ("forward", "backward")]
    labels = [f"{p} {n}" for p, names in (("forward", FORWARD_STEP), ("backward", BACKWARD_STEP)) for n in names
              if any(c.entry.phase == p and c.entry.name == n for c in checks)]
    T = 1 + max(c.entry.step for c in checks)
    grid = np.full((len(labels), T), np.nan)
    for c in checks:
        value = c.scaled if c.status in ("agree", "diverge") else (np.inf if c.status == "shape" else np.nan)
        grid[labels.index(f"{c.entry.phase} {c.entry.name}"), c.entry.step] = value
    return labels, grid


def heatmap(o: Outcome, path: Path) -> None:
    """Write a PNG heatmap of log10 relative error for one (implementation, fixture) pair."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, grid = error_grid(o)
    shown = np.log10(np.clip(np.nan_to_num(grid, nan=np.nan, posinf=1e3), FLOOR, 1e3))
    T = grid.shape[1]
    fig, ax = plt.subplots(figsize=(min(5 + 0.35 * T, 16), 1.6 + 0.32 * len(labels)))
    im = ax.imshow(np.ma.masked_invalid(shown), aspect="auto", cmap="magma_r", vmin=-18, vmax=1,
                   interpolation="nearest")
    ax.set_yticks(range(len(labels)), labels)
    ticks = range(0, T, max(1, T // 25))
    ax.set_xticks(list(ticks), [str(t) for t in ticks])
    ax.set_xlabel("time step t")
    tol = o.fixture.case["tolerance"]["rtol"] if o.fixture.case else None
    fig.colorbar(im, ax=ax, label=f"log10 max|a-e| / max|e| (rtol {tol:g})" if tol else "log10 rel. error")
    first = o.comparison.first
    title = f"{o.impl} / {o.fixture.name}\n" + (f"first divergence at {where(first)}" if first else "all agree")
    d = diagnosis_of(o)
    if d is not None:
        title += f"\n{d.headline}"
    for c in marked(o):
        row = labels.index(f"{c.entry.phase} {c.entry.name}")
        ax.add_patch(matplotlib.patches.Rectangle((c.entry.step - 0.5, row - 0.5), 1, 1, fill=False,
                                                  edgecolor="cyan" if c is first else "white", linewidth=2))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def marked(o: Outcome) -> list:
    """The checks outlined on the heatmap: every per-step tensor diverging at the first divergent step."""
    c = o.comparison
    if c is None or c.first is None:
        return []
    return [k for k in c.same_step if k.entry.step is not None and k.entry.phase in ("forward", "backward")]


def pick(outcomes: list[Outcome], impl: str | None, case: str | None) -> Outcome | None:
    """The pair to plot: the one asked for, else the first divergence, else the first comparison."""
    usable = [o for o in outcomes if o.comparison is not None]
    if impl:
        usable = [o for o in usable if o.impl == impl]
    if case:
        usable = [o for o in usable if o.fixture.name == case]
    diverging = [o for o in usable if o.status == "diverge"]
    return (diverging or usable or [None])[0]
