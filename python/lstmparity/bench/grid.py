"""``lstmparity bench``: forward+backward time of the NumPy reference, the R port, torch and the notebook loop.

Each implementation is timed over a grid of shapes (B, T, D, H), median of
repeated runs after warm-up; ratios to torch float64 come from the same run.
Next to the times: the NumPy pass's achieved GFLOP/s (matrix-product flops /
time) against the machine's float64 GEMM rate, a check that time grows linearly
in T, and the issue's targets with PASS / FAIL. See docs/bench.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from typing import Any

import numpy as np

from lstmparity.bench import report as rep
from lstmparity.bench.peers import (
    BASELINE_MAX_WORK,
    Peer,
    Policy,
    Shape,
    all_peers,
    gemm_rate,
    matmul_flops,
    time_round_robin,
)


def _grid(t_values: list[int], h_values: list[int], b_values: list[int], hamlet_t: list[int],
          large_t: int) -> list[Shape]:
    shapes = [Shape(1, t, 32, 25) for t in hamlet_t]  # Hamlet passage: one sequence, one-hot-sized input
    shapes += [Shape(32, t, 64, 128) for t in t_values]
    shapes += [Shape(32, 64, 64, h) for h in h_values]
    shapes += [Shape(b, 64, 64, 128) for b in b_values]
    shapes.append(Shape(64, large_t, 64, 512))
    return list(dict.fromkeys(shapes))


DEFAULT_GRID = _grid([16, 32, 64, 128], [32, 128, 256, 512], [1, 8, 32], [216, 432, 865], 64)
QUICK_GRID = _grid([16, 32, 64], [], [], [865], 16)
DEFAULT_POLICY = Policy(warmup=1, min_reps=3, max_reps=5, budget_s=0.6)
QUICK_POLICY = Policy(warmup=1, min_reps=3, max_reps=5, budget_s=0.2)
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
QUICK_BASELINE_MAX_WORK = 2e6  # --quick: the per-sample loop only at the Hamlet shape (its target)


def _shape(text: str) -> Shape:
    try:
        B, T, D, H = (int(v) for v in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected B,T,D,H (four integers), got {text!r}") from err
    return Shape(B, T, D, H)


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="time forward+backward: NumPy, R, torch, the per-sample loop")
    p.add_argument("--quick", action="store_true", help="small grid, fewer runs (CI smoke; <= 30 s)")
    p.add_argument("--json", metavar="FILE", help="write the results as JSON (fields: docs/bench.md)")
    p.add_argument("--plot", metavar="FILE.png", help="draw time vs T and vs H for each implementation")
    p.add_argument("--shape", type=_shape, action="append", metavar="B,T,D,H",
                   help="time this shape instead of the grid (repeatable)")
    p.add_argument("--impl", default="numpy,r,r-floor,torch64,torch32,baseline",
                   help="comma-separated implementations (default: all)")
    p.add_argument("--gemm-n", type=int, metavar="N",
                   help="size of the A @ A that measures the GEMM rate (default 2048; --quick 1024)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="BLAS / OpenMP threads of every implementation (restarts the command with "
                        "OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS = N); default: the libraries' own")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target FAILs")
    p.add_argument("--cells", action="store_true", help="also time GRU and RNN against torch.nn.GRU / nn.RNN "
                   "float64 at B=32 T=64 D=64 H=128 (lstmparity.bench.cells)")
    p.set_defaults(func=main)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _setup(names: list[str], quick: bool) -> tuple[list[Peer], dict[str, dict]]:
    known = {p.name: p for p in all_peers(QUICK_BASELINE_MAX_WORK if quick else BASELINE_MAX_WORK)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"lstmparity bench: unknown --impl {unknown}; choose from {sorted(known)}")
    peers, info = [], {}
    for name in names:
        peer = known[name]
        reason = peer.setup()
        info[name] = {"label": peer.label, "available": reason is None, "reason": reason}
        _log(f"  {name:<9} {peer.label}" + ("" if reason is None else f" -- SKIPPED: {reason}"))
        if reason is None:
            peers.append(peer)
    return peers, info


def _groups(peers: list[Peer]) -> list[list[Peer]]:
    """Consecutive peers of one ``group`` (r and r-floor) together; every other peer alone."""
    out: list[list[Peer]] = []
    for p in peers:
        if out and p.group is not None and out[-1][0].group == p.group:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _time_all(peers: list[Peer], shapes: list[Shape], policy: Policy) -> list[dict]:
    rows: list[dict] = []
    k = 0
    for group in _groups(peers):  # one library at a time: other BLAS thread pools stay idle
        time.sleep(0.2)
        todo = [(peer, s) for peer in group for s in shapes if not peer.skip(s)]
        for peer in group:
            k += 1
            n = sum(p is peer for p, _ in todo)
            others = ", ".join(p.name for p in group if p is not peer)
            _log(f"[{k}/{len(peers)}] {peer.name}: {n} shapes, in rounds"
                 + (f" (interleaved with {others})" if others else "") + " ...")
        # one chunk per (peer, shape); each round times every chunk once, so r and r-floor share the noise
        timed = time_round_robin([peer.prepare(s) for peer, s in todo], policy,
                                 max(peer.min_chunk_s for peer in group))
        timings = dict(zip([(peer.name, s) for peer, s in todo], timed, strict=True))
        for peer in group:
            for s in shapes:
                row: dict[str, Any] = {"impl": peer.name, "B": s.B, "T": s.T, "D": s.D, "H": s.H,
                                       "flops": matmul_flops(s)}
                tm = timings.get((peer.name, s))
                if tm is None:
                    row["skipped"] = peer.skip(s)
                    _log(f"      {peer.name:<9} {s}: skipped ({row['skipped']})")
                else:
                    row.update(median_s=tm.median_s, min_s=min(tm.times_s), times_s=tm.times_s,
                               cpu_median_s=float(np.median(tm.cpu_s)), reps=len(tm.times_s), inner=tm.inner,
                               gflops=row["flops"] / tm.median_s / 1e9)
                    _log(f"      {peer.name:<9} {s}: {1e3 * tm.median_s:9.2f} ms (median of {len(tm.times_s)}; "
                         f"CPU {1e3 * row['cpu_median_s']:.2f} ms)")
                rows.append(row)
    for r in rows:
        t64 = rep.find(rows, "torch64", B=r["B"], T=r["T"], D=r["D"], H=r["H"])
        r["ratio_to_torch64"] = None if t64 is None or "median_s" not in r else r["median_s"] / t64["median_s"]
    return rows


def _machine(peers: list[Peer]) -> dict[str, Any]:
    m: dict[str, Any] = {"platform": platform.platform(), "python": platform.python_version(),
                         "numpy": np.__version__, "cpu_count": os.cpu_count(),
                         "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
                         "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                         **{v: os.environ.get(v) for v in THREAD_VARS}, "torch": None, "R": None}
    for p in peers:
        if p.name.startswith("torch"):
            m["torch"] = {"version": p.torch.__version__, "threads": p.torch.get_num_threads()}
        if p.name == "r":
            m["R"] = p.version()
    return m


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Time everything; return the report (what --json writes)."""
    t_start = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    shapes = args.shape or (QUICK_GRID if args.quick else DEFAULT_GRID)
    policy = QUICK_POLICY if args.quick else DEFAULT_POLICY
    _log(f"lstmparity bench{' --quick' if args.quick else ''}: {len(shapes)} shapes; implementations:")
    peers, impl_info = _setup([n.strip() for n in args.impl.split(",") if n.strip()], args.quick)
    machine = _machine(peers)
    if machine["OPENBLAS_CORETYPE"]:
        _log(f"  note: OPENBLAS_CORETYPE={machine['OPENBLAS_CORETYPE']} is set (it can slow NumPy's BLAS)")
    if machine["loadavg"] and machine["loadavg"][0] > 0.5 * (os.cpu_count() or 1):
        _log(f"  note: load average {machine['loadavg'][0]:.2f} on {os.cpu_count()} CPUs: other work "
             "competes for the cores, times will be noisy and slow")
    n, gemm_reps = args.gemm_n or (1024 if args.quick else 2048), (3 if args.quick else 5)
    before = gemm_rate(n, gemm_reps)
    _log(f"  float64 GEMM rate ({n}x{n} A @ A), before: {before['gflops']:.1f} GFLOP/s")
    rows = _time_all(peers, shapes, policy)
    after = gemm_rate(n, gemm_reps)
    _log(f"  float64 GEMM rate, after: {after['gflops']:.1f} GFLOP/s")
    gemm = {"n": n, "before": before, "after": after, "gflops": max(before["gflops"], after["gflops"])}
    names = [p.name for p in peers]
    lin = rep.linearity(rows, names)
    wall = time.perf_counter() - t_start
    machine["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {
        "format_version": 1, "command": "lstmparity bench" + (" --quick" if args.quick else ""),
        "started": started, "quick": bool(args.quick), "wall_s": wall, "machine": machine,
        "policy": vars(policy), "gemm": gemm, "implementations": impl_info, "rows": rows,
        "linearity": lin, "targets": rep.targets(rows, gemm["gflops"], lin, wall, 30.0 if args.quick else 180.0),
    }


def _restart_with_threads(n: int) -> None:
    """BLAS reads its thread count when it loads (NumPy's already has): set the variables, run again."""
    if all(os.environ.get(v) == str(n) for v in THREAD_VARS):
        return
    env = {**os.environ, **{v: str(n) for v in THREAD_VARS}}
    _log(f"restarting with {', '.join(THREAD_VARS)} = {n}")
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", "lstmparity.cli", *sys.argv[1:]], env)


def main(args: argparse.Namespace) -> int:
    if args.threads:
        _restart_with_threads(args.threads)
    report = run(args)
    names = [n for n, i in report["implementations"].items() if i["available"]]
    gemm = report["gemm"]["gflops"]
    print(f"\nforward+backward, median ms (ratio to torch float64); float64 GEMM {gemm:.1f} GFLOP/s")
    print(rep.format_table(report["rows"], names, gemm))
    if report["linearity"]:
        print("\ntime vs T (least squares: time = intercept + slope*T)")
        for f in report["linearity"]:
            where = ",".join(f"{k}={f[k]}" for k in rep.DIMS if k != "T")
            print(f"  {f['impl']:<9} {where:<18} slope {1e3 * f['slope_s_per_step']:8.4f} ms/step  "
                  f"R^2 {f['r2']:.4f}  slope ratio {f['slope_ratio']:.2f}  {'linear' if f['linear'] else 'NOT linear'}")
    print(f"\ntargets (wall time {report['wall_s']:.1f} s)")
    print(rep.format_targets(report["targets"]))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rep.finite(report), fh, indent=1, allow_nan=False)
        _log(f"wrote {args.json}")
    if args.plot:
        rep.plot(report["rows"], names, args.plot)
        _log(f"wrote {args.plot}")
    if args.cells:  # GRU / RNN rows: lstmparity.bench.cells
        from lstmparity.bench.cells import cell_rows, format_rows
        print("\nGRU and RNN, forward+backward\n" + format_rows(cell_rows()))
    failed = any(t["status"] == "FAIL" for t in report["targets"])
    return 1 if args.strict and failed else 0
