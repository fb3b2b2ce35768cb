"""The implementations ``lstmparity bench`` times, each behind the same small interface.

Every peer times one forward + backward pass of one LSTM layer of shape
(B, T, D, H) on data of its own (x, dL/dh ~ N(0, 1); weights ~ N(0, 1/H)):

* ``numpy``    -- the reference: :func:`lstm_forward` + :func:`lstm_backward` with a random dh_head;
* ``r``        -- the base-R port, through rpy2, timed *inside R* (``proc.time()`` around a loop
  in R, ``bench/bench_rpy2.R``), so the Python <-> R bridge is not counted;
* ``r-floor``  -- the bare arithmetic of one forward + backward in base R (products, gates, state,
  gradients; no trace, no checks, no calls per step), from the same (T, B, .) arrays the port gets,
  at B=32, T=64, D=64, H=128 and at the Hamlet shape B=1, T=865, D=32, H=25 only: an approximate
  lower bound for any base-R implementation, next to which the ``r`` row can be judged;
* ``torch64``, ``torch32`` -- ``torch.nn.LSTM`` on the CPU, forward + backward of ``sum(out * R)``;
* ``baseline`` -- the per-sample loop of :mod:`lstmparity.bench.baseline` (the notebooks' style).

Timing policy (:func:`time_round_robin`): ``warmup`` untimed runs of every shape, then
``reps`` timed runs per shape, ``min_reps <= reps <= max_reps`` chosen so that they take
about ``budget_s``, interleaved over the shapes in rounds.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lstmparity.bench.baseline import baseline_forward_backward, split_params
from lstmparity.core.layer import lstm_backward, lstm_forward

ROOT = Path(__file__).resolve().parents[3]  # the repository (editable install)
R_DIR = ROOT / "R"
R_SCRIPT = ROOT / "bench" / "bench_rpy2.R"
BASELINE_MAX_WORK = 5.2e7  # B*T*H*(H+D) of B=32, T=64, D=64, H=128; above it the loop takes seconds per run


@dataclass(frozen=True)
class Shape:
    B: int
    T: int
    D: int
    H: int

    def __str__(self) -> str:
        return f"B={self.B} T={self.T} D={self.D} H={self.H}"


@dataclass(frozen=True)
class Policy:
    warmup: int = 1
    min_reps: int = 3
    max_reps: int = 7
    budget_s: float = 1.0


@dataclass
class Timing:
    times_s: list[float]  # wall seconds per forward+backward pass, one entry per timed repetition
    cpu_s: list[float]  # CPU seconds (all threads of the process) per pass, same repetitions
    inner: int = 1  # forward+backward passes per timed chunk (R: proc.time() has ~1 ms resolution)

    @property
    def median_s(self) -> float:
        return float(np.median(self.times_s))


def matmul_flops(s: Shape) -> int:
    """Flops of the layer's matrix products, forward (x W, h U) and backward (dz W^T, dz U^T, x^T dz, h^T dz).

    An (m, k) x (k, n) product is 2mkn flops. The six products come in three pairs, each pair
    2 * T*B * 4H * (D + H): x W + h U, dz W^T + dz U^T, x^T dz + h^T dz.
    """
    return 3 * 2 * s.T * s.B * 4 * s.H * (s.D + s.H)


def reps_for(t_one: float, p: Policy) -> int:
    return int(min(p.max_reps, max(p.min_reps, math.ceil(p.budget_s / max(t_one, 1e-9)))))


Chunk = Callable[[int], tuple[float, float]]  # run n passes -> (wall s, CPU s) of all n


def python_chunk(fn: Callable[[], Any]) -> Chunk:
    """Time ``n`` calls of ``fn`` with ``perf_counter`` / ``process_time``."""

    def chunk(n: int) -> tuple[float, float]:
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            fn()
        return time.perf_counter() - t0, time.process_time() - c0

    return chunk


def time_round_robin(chunks: list[Chunk], p: Policy, min_chunk_s: float = 0.0) -> list[Timing]:
    """Warm every chunk up, then time them in rounds (one repetition of each per round).

    Interleaving spreads a burst of outside load over all shapes instead of
    spoiling every repetition of one. A repetition runs ``inner`` passes, enough
    to last ``min_chunk_s`` (for timers that count milliseconds).
    """
    inner, reps = [], []
    for chunk in chunks:
        t_one = math.inf
        # perf_counter here: R's own clock may read 0 for a fast pass. With a coarse clock, one more
        # pass after the warm-up: the first call of R code is slower (byte compilation)
        for _ in range(max(1, p.warmup) + (min_chunk_s > 0)):
            t0 = time.perf_counter()
            chunk(1)
            t_one = max(time.perf_counter() - t0, 1e-6)
        inner.append(max(1, math.ceil(min_chunk_s / t_one)))
        reps.append(reps_for(t_one * inner[-1], p))
    out = [Timing([], [], n) for n in inner]
    for r in range(max(reps, default=0)):
        for chunk, n, k, tm in zip(chunks, inner, reps, out, strict=True):
            if r < k:
                wall, cpu = chunk(n)
                tm.times_s.append(wall / n)
                tm.cpu_s.append(cpu / n)
    return out


def _data(s: Shape, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    scale = 1.0 / math.sqrt(s.H)
    x = rng.standard_normal((s.T, s.B, s.D))
    W = rng.standard_normal((s.D, 4 * s.H)) * scale
    U = rng.standard_normal((s.H, 4 * s.H)) * scale
    b = rng.standard_normal(4 * s.H) * scale
    dh = rng.standard_normal((s.T, s.B, s.H))
    return x, W, U, b, dh


class Peer:
    """One implementation. ``setup()`` returns None or why it is unavailable."""

    name = ""
    label = ""

    def setup(self) -> str | None:
        return None

    def skip(self, s: Shape) -> str | None:
        return None

    min_chunk_s = 0.0  # R: proc.time() counts milliseconds, so R times loops of >= 20 ms
    group: str | None = None  # peers of one group are timed together, interleaved round by round

    def prepare(self, s: Shape) -> Chunk:
        """Make the data of shape ``s``; return what runs n forward+backward passes and times them."""
        raise NotImplementedError


class NumpyPeer(Peer):
    name, label = "numpy", "NumPy reference (lstm_forward + lstm_backward)"

    def prepare(self, s: Shape) -> Chunk:
        x, W, U, b, dh = _data(s)
        return python_chunk(lambda: lstm_backward(dh, lstm_forward(x, W, U, b)[1]))


class BaselinePeer(Peer):
    name, label = "baseline", "per-sample loop, notebook style (bench/baseline.py)"

    def __init__(self, max_work: float = BASELINE_MAX_WORK) -> None:
        self.max_work = max_work

    def skip(self, s: Shape) -> str | None:
        work = s.B * s.T * s.H * (s.H + s.D)
        if work <= self.max_work:
            return None
        return f"B*T*H*(H+D) = {work:.3g} > {self.max_work:.3g} (too slow for this grid)"

    def prepare(self, s: Shape) -> Chunk:
        x, W, U, b, dh = _data(s)
        params = split_params(W, U, b)
        return python_chunk(lambda: baseline_forward_backward(x, params, dh))


class TorchPeer(Peer):
    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.name, self.label = f"torch{bits}", f"torch.nn.LSTM float{bits}, CPU"
        self.torch: Any = None

    def setup(self) -> str | None:
        try:
            import torch
        except Exception as err:  # noqa: BLE001 - ImportError, or a broken install
            return f"torch does not import ({type(err).__name__}: {err})"
        self.torch = torch
        return None

    def prepare(self, s: Shape) -> Chunk:
        torch = self.torch
        dtype = torch.float64 if self.bits == 64 else torch.float32
        torch.manual_seed(0)
        lstm = torch.nn.LSTM(s.D, s.H).to(dtype)
        x = torch.randn(s.T, s.B, s.D, dtype=dtype, requires_grad=True)
        R = torch.randn(s.T, s.B, s.H, dtype=dtype)

        def run() -> None:
            lstm.zero_grad(set_to_none=True)
            x.grad = None
            out, _ = lstm(x)
            (out * R).sum().backward()

        return python_chunk(run)


def start_r() -> Any:
    """rpy2's ``robjects``, starting the embedded R on first use.

    R reads ``R_GC_MEM_GROW`` when it starts: 3 (the most eager of R's documented heap-growth
    strategies) unless the caller set it. With the default (0) R's heap stays small and R spends
    about 20% of a forward + backward pass in full garbage collections (docs/bench.md).
    """
    os.environ.setdefault("R_GC_MEM_GROW", "3")
    import rpy2.robjects as ro

    return ro


class RPeer(Peer):
    name, label = "r", "base R port via rpy2, timed inside R"
    min_chunk_s = 0.02
    group = "R"  # timed interleaved with r-floor (one R process, one BLAS): r_vs_floor is a ratio of one run

    def __init__(self) -> None:
        self.ro: Any = None
        self.env: Any = None
        self.impl: Any = None

    def setup(self) -> str | None:
        if not R_SCRIPT.is_file() or not (R_DIR / "layer.R").is_file():
            return f"no {R_SCRIPT.relative_to(ROOT)} or R/layer.R under {ROOT} (run from a checkout)"
        try:
            ro = start_r()
            env = ro.r["new.env"]()
            ro.r["sys.source"](str(R_SCRIPT), envir=env)
            self.impl = env["bench_load"](str(R_DIR))
            env["bench_prepare"](self.impl, 2, 3, 2, 2)(3)  # R byte-compiles functions in their first calls
        except Exception as err:  # noqa: BLE001 - rpy2 missing, R missing, or an R error while sourcing
            return f"R via rpy2 unavailable ({type(err).__name__}: {str(err).strip()})"
        self.ro, self.env = ro, env
        return None

    def version(self) -> dict[str, str]:
        r = self.ro.r
        return {"version": str(r("R.version.string")[0]), "blas": str(r('extSoftVersion()[["BLAS"]]')[0]),
                "R_GC_MEM_GROW": os.environ.get("R_GC_MEM_GROW", "")}

    def r_timer(self, s: Shape) -> Any:
        """The R closure function(n) -> c(wall, cpu) for shape s (bench/bench_rpy2.R)."""
        return self.env["bench_prepare"](self.impl, s.B, s.T, s.D, s.H)

    def prepare(self, s: Shape) -> Chunk:
        r_chunk = self.r_timer(s)

        def chunk(n: int) -> tuple[float, float]:
            wall, cpu = (float(v) for v in r_chunk(n))
            return wall, cpu

        return chunk


class RFloorPeer(RPeer):
    name, label = "r-floor", "bare base-R arithmetic of fwd+bwd (a lower bound for R), timed inside R"
    only = (Shape(32, 64, 64, 128), Shape(1, 865, 32, 25))  # the shapes of the r_vs_floor targets

    def skip(self, s: Shape) -> str | None:
        return None if s in self.only else f"measured at {' and '.join(map(str, self.only))} only"

    def r_timer(self, s: Shape) -> Any:
        return self.env["bench_prepare_floor"](s.B, s.T, s.D, s.H)


def all_peers(baseline_max_work: float = BASELINE_MAX_WORK) -> list[Peer]:
    return [NumpyPeer(), RPeer(), RFloorPeer(), TorchPeer(64), TorchPeer(32), BaselinePeer(baseline_max_work)]


def gemm_rate(n: int, reps: int) -> dict[str, Any]:
    """The machine's float64 GEMM rate: median time of ``A @ A`` (n x n) after one warm-up."""
    A = np.random.default_rng(0).standard_normal((n, n))
    A @ A
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        A @ A
        times.append(time.perf_counter() - t0)
    med = float(np.median(times))
    return {"times_s": times, "median_s": med, "gflops": 2 * n**3 / med / 1e9}
