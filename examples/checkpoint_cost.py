"""What writing a checkpoint costs at the Hamlet shape (B = 1, T = 865, H = 25, V = 32), and that
resuming from one is bit-identical.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python examples/checkpoint_cost.py [epochs]

Trains the Hamlet model for ``epochs`` (default 200) three ways, interleaved and repeated 3 times
(the median run of each is reported): no checkpoint; the default checkpointing (a write after an
epoch once 20x the last write's time has passed, plus one at the end); and a write after every
epoch (the old behaviour). Prints the time per epoch including the writes, as this process's CPU
time (stable on a shared machine) and as wall time, and the overhead relative to no checkpoint.
Then trains 40 epochs straight and 40 with a Ctrl-C after step 17 and a
resume from the checkpoint, and checks that the final parameters are identical bit for bit.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from lstmparity.training.demos import hamlet_setup
from lstmparity.training.serialize import load_checkpoint
from lstmparity.training.train import TrainOptions, train_model


def run(epochs: int, checkpoint: str | None, every: int | None) -> tuple[float, float, int]:
    params, config, data, _ = hamlet_setup()
    writes = []
    opts = TrainOptions(epochs=epochs, batch_size=1, optimizer={"name": "adam", "lr": 0.01}, clip={"max_norm": 5.0},
                        shuffle=False, progress=False, checkpoint=checkpoint, checkpoint_every=every)
    start, cpu = time.perf_counter(), time.process_time()
    if checkpoint:
        import lstmparity.training.serialize as serialize

        original = serialize.save_checkpoint

        def counting(*args, **kwargs):
            writes.append(1)
            return original(*args, **kwargs)

        serialize.save_checkpoint = counting
        try:
            train_model(params, config, data, None, opts)
        finally:
            serialize.save_checkpoint = original
    else:
        train_model(params, config, data, None, opts)
    return (time.process_time() - cpu) / epochs, (time.perf_counter() - start) / epochs, len(writes)


def main() -> int:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    folder = Path(tempfile.mkdtemp())
    ck = str(folder / "ck.json")
    ways = {"no checkpoint": (None, None), "default (adaptive)": (ck, None), "every epoch": (ck, 1)}
    cpu: dict[str, list[float]] = {name: [] for name in ways}
    wall: dict[str, list[float]] = {name: [] for name in ways}
    writes: dict[str, int] = {}
    for _ in range(3):
        for name, (path, every) in ways.items():
            c, w, n = run(epochs, path, every)
            cpu[name].append(c)
            wall[name].append(w)
            writes[name] = n
    base_cpu, base_wall = statistics.median(cpu["no checkpoint"]), statistics.median(wall["no checkpoint"])
    print(f"Hamlet shape, {epochs} epochs, median of 3 interleaved runs (per epoch, writes included):")
    for name in ways:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"  {name:20s} {writes[name]:4d} writes  CPU {1000 * c:7.2f} ms ({100 * (c / base_cpu - 1):+6.1f}%)  "
              f"wall {1000 * w:7.2f} ms ({100 * (w / base_wall - 1):+6.1f}%)")

    params, config, data, _ = hamlet_setup()
    opts = TrainOptions(epochs=40, batch_size=1, optimizer={"name": "adam", "lr": 0.01}, clip={"max_norm": 5.0},
                        shuffle=False, progress=False, checkpoint=ck)
    straight = train_model(params, config, data, None, opts)

    def stop(state):
        if state.step == 17:
            raise KeyboardInterrupt

    train_model(params, config, data, None, opts, on_step=stop)
    resumed = train_model(params, config, data, None, opts, load_checkpoint(ck)[0])
    same = all(np.array_equal(straight.params[k], resumed.params[k]) for k in straight.params)
    print(f"resume after a Ctrl-C at step 17 of 40: final parameters bit-identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
