"""Time the NumPy layer of several checkouts against each other, interleaved in one process.

    OPENBLAS_NUM_THREADS=1 python bench/compare_numpy.py /tmp/lstmparity-old . --shape 64,64,64,512

Each checkout's ``python/lstmparity`` is imported on its own (``lstmparity.core.layer`` with
the ``cell`` and ``activations`` next to it) and one forward + backward pass
(``lstm_forward`` + ``lstm_backward``, the data of ``lstmparity bench``) is timed per
checkout and shape, in rounds whose order is shuffled: machine noise and cache state hit
every version alike, and no version always runs first. Prints the median and minimum wall
ms and the median CPU ms per pass, each with its ratio to the first checkout, and the
largest difference of any output from the first checkout's (rounding only, for a speed
change). ``git worktree add /tmp/lstmparity-old <commit>`` gives an older checkout. With two
BLAS threads on a shared machine, the CPU column counts BLAS threads spinning; compare wall.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from lstmparity.bench.allocator import keep_freed_memory
from lstmparity.bench.peers import Shape, _data


def load_layer(checkout: Path) -> tuple[Callable, Callable]:
    """lstm_forward, lstm_backward of the checkout (its modules stay alive through the functions)."""
    src = str((checkout / "python").resolve())
    saved = {k: v for k, v in sys.modules.items() if k == "lstmparity" or k.startswith("lstmparity.")}
    for k in saved:
        del sys.modules[k]
    sys.path.insert(0, src)
    try:
        layer = importlib.import_module("lstmparity.core.layer")
    finally:
        sys.path.remove(src)
        for k in [k for k in sys.modules if k == "lstmparity" or k.startswith("lstmparity.")]:
            del sys.modules[k]
        sys.modules.update(saved)
    return layer.lstm_forward, layer.lstm_backward


def outputs(fwd: Callable, bwd: Callable, data: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    x, W, U, b, dh = data
    out, cache = fwd(x, W, U, b)
    trace, grads = bwd(dh, cache)
    return [v for d in (out, trace, grads) for _, v in sorted(d.items())]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("checkouts", nargs="+", type=Path, help="repository roots; ratios are to the first")
    p.add_argument("--shape", action="append", metavar="B,T,D,H", help="default: 32,64,64,128 and 64,64,64,512")
    p.add_argument("--rounds", type=int, default=11)
    args = p.parse_args()
    keep_freed_memory()  # as `lstmparity bench` does
    shapes = [Shape(*(int(v) for v in s.split(","))) for s in args.shape or ["32,64,64,128", "64,64,64,512"]]
    layers = [load_layer(c) for c in args.checkouts]
    names = [str(c) for c in args.checkouts]
    runs, wall, cpu = {}, {}, {}
    for s in shapes:
        data = _data(s)
        ref = outputs(*layers[0], data)
        for name, (fwd, bwd) in zip(names, layers, strict=True):
            diff = max(float(np.max(np.abs(a - r), initial=0.0)) for a, r in zip(outputs(fwd, bwd, data), ref,
                                                                                 strict=True))
            runs[s, name] = lambda fwd=fwd, bwd=bwd, data=data: outputs(fwd, bwd, data)
            wall[s, name], cpu[s, name] = [], []
            print(f"{s} {name}: largest difference from {names[0]}: {diff:.3g}")
    order = list(runs)
    rng = random.Random(0)
    for _ in range(args.rounds):
        rng.shuffle(order)
        for key in order:
            c0, t0 = time.process_time(), time.perf_counter()
            runs[key]()
            wall[key].append(time.perf_counter() - t0)
            cpu[key].append(time.process_time() - c0)
    print(f"median (min) wall ms, median CPU ms, of {args.rounds} rounds; ratios to {names[0]}")
    for s in shapes:
        w0, c0 = np.median(wall[s, names[0]]), np.median(cpu[s, names[0]])
        for name in names:
            w, c = np.median(wall[s, name]), np.median(cpu[s, name])
            print(f"  {s!s:28} {name:28} wall {1e3 * w:9.2f} ({1e3 * min(wall[s, name]):9.2f}) x{w / w0:.3f}   "
                  f"CPU {1e3 * c:9.2f} x{c / c0:.3f}")


if __name__ == "__main__":
    main()
