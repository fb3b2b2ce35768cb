"""Where the NumPy reference's forward + backward time goes, block by block, at one shape.

    OPENBLAS_NUM_THREADS=1 python bench/where_numpy.py 64,16,64,512

CPU milliseconds (``time.process_time``, median of 5), so that other jobs on a shared
machine inflate them less than wall time: the whole pass; T calls of each step block
and, next to them, their matrix product alone; one call of ``lstm_local_grads`` on all
steps; and ns per element of NumPy's ``a * b``, ``exp``, ``tanh`` on a (64, 2048) array
(docs/bench.md compares them with base R's: ``Rscript bench/elementwise.R``). Like
``lstmparity bench``, it keeps freed memory in the process (``lstmparity/bench/allocator.py``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np
from lstmparity.bench.allocator import keep_freed_memory
from lstmparity.bench.peers import Shape, _data
from lstmparity.core.cell import lstm_local_grads, lstm_step_backward, lstm_step_forward
from lstmparity.core.layer import lstm_backward, lstm_forward


def cpu_ms(f: Callable[[], object], n: int = 5) -> float:
    f()
    times = []
    for _ in range(n):
        t0 = time.process_time()
        f()
        times.append(time.process_time() - t0)
    return 1e3 * float(np.median(times))


def main(shape: str) -> None:
    keep_freed_memory()  # as `lstmparity bench` does (python/lstmparity/bench/allocator.py)
    B, T, D, H = (int(v) for v in shape.split(","))
    x, W, U, b, dh = _data(Shape(B, T, D, H))
    _, cache = lstm_forward(x, W, U, b)
    g = cache.gates
    rng = np.random.default_rng(0)
    xw, h, z = x[0] @ W + b, rng.standard_normal((B, H)), rng.standard_normal((B, 4 * H))
    print(f"B={B} T={T} D={D} H={H}, CPU ms:")
    print(f"  forward + backward                {cpu_ms(lambda: lstm_backward(dh, lstm_forward(x, W, U, b)[1])):8.1f}")
    print(f"  lstm_step_forward x T             "
          f"{cpu_ms(lambda: [lstm_step_forward(xw, h, h, U) for _ in range(T)]):8.1f}"
          f"   (h U alone {cpu_ms(lambda: [h @ U for _ in range(T)]):.1f})")
    print(f"  lstm_local_grads, all steps       "
          f"{cpu_ms(lambda: lstm_local_grads(g['i'], g['f'], g['g'], g['o'], cache.c_prev, cache.tanh_c)):8.1f}")
    print(f"  lstm_step_backward x T            "
          f"{cpu_ms(lambda: [lstm_step_backward(h, h, h, h, h, h, h, h, U) for _ in range(T)]):8.1f}"
          f"   (dz U^T alone {cpu_ms(lambda: [z @ U.T for _ in range(T)]):.1f})")
    a, c = rng.standard_normal((64, 2048)), rng.standard_normal((64, 2048))
    reps = 20

    def ns(f: Callable[[], object]) -> float:
        return cpu_ms(lambda: [f() for _ in range(reps)]) / reps / a.size * 1e6

    print(f"NumPy, ns per element (CPU): a * b {ns(lambda: a * c):.2f}   exp {ns(lambda: np.exp(a)):.2f}   "
          f"tanh {ns(lambda: np.tanh(a)):.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "64,16,64,512")
