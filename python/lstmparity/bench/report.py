"""What ``lstmparity bench`` makes of its timings: sweeps, the linearity check, targets, table, plot.

Rows are flat dicts, one per (implementation, shape); every field is listed in docs/bench.md.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

DIMS = ("B", "T", "D", "H")
MID = {"B": 32, "T": 64, "D": 64, "H": 128}
HAMLET = {"B": 1, "T": 865, "D": 32, "H": 25}
MAX_SLOPE_RATIO = 1.5  # a T^2 term over a doubling grid of T gives >= 2; a smaller ratio is noise or fixed cost
# The GEMM-fraction targets (0.5 at the mid shape, 0.8 at B=64, H=512) were set on figures that
# counted each matrix product's flops twice (matmul_flops before it was corrected). Halved, they ask for
# the same pass times as before: a target in time, restated in the corrected unit.
GEMM_FRACTION_MID = 0.25
GEMM_FRACTION_BIG = 0.40


def find(rows: list[dict], impl: str, **dims: int) -> dict | None:
    """The timed row of ``impl`` at the given dims (the one with the largest T if T is not given)."""
    hits = [r for r in rows if r["impl"] == impl and "median_s" in r and all(r[k] == v for k, v in dims.items())]
    return max(hits, key=lambda r: r["T"]) if hits else None


def sweeps(rows: list[dict], vary: str, min_points: int) -> list[tuple[dict[str, int], list[int]]]:
    """Groups of shapes that differ only in ``vary``: (the fixed dims, the sorted values of ``vary``)."""
    groups: dict[tuple, set[int]] = defaultdict(set)
    for r in rows:
        groups[tuple((k, r[k]) for k in DIMS if k != vary)].add(r[vary])
    return [(dict(key), sorted(vals)) for key, vals in sorted(groups.items()) if len(vals) >= min_points]


def _slope(t: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(t, y, 1)[0])


def linearity(rows: list[dict], impls: list[str]) -> list[dict[str, Any]]:
    """Fit median time = intercept + slope * T over each T sweep (>= 3 values of T), per implementation.

    ``slope_ratio`` = slope fitted on the upper half of the T values / slope on the lower half:
    1 when time is linear in T, > 1 when each step gets dearer as T grows. ``linear``: R^2 >= 0.98 and
    slope_ratio <= MAX_SLOPE_RATIO (one-sided: a fixed cost or noise can make it < 1; growth faster than
    linear cannot).
    """
    out = []
    for fixed, _ in sweeps(rows, "T", 3):
        for impl in impls:
            pts = sorted((r["T"], r["median_s"]) for r in rows if r["impl"] == impl and "median_s" in r
                         and all(r[k] == v for k, v in fixed.items()))
            if len(pts) < 3:
                continue
            t, y = (np.array(v, dtype=float) for v in zip(*pts, strict=True))
            slope, intercept = np.polyfit(t, y, 1)
            ss_res = float(np.sum((y - (intercept + slope * t)) ** 2))
            r2 = 1.0 - ss_res / max(float(np.sum((y - y.mean()) ** 2)), 1e-300)
            n = len(t)
            lo, hi = slice(0, (n + 1) // 2), slice(n // 2, n)
            ratio = _slope(t[hi], y[hi]) / _slope(t[lo], y[lo])
            out.append({"impl": impl, **fixed, "T": t.astype(int).tolist(), "median_s": y.tolist(),
                        "slope_s_per_step": float(slope), "intercept_s": float(intercept), "r2": r2,
                        "slope_ratio": ratio, "linear": bool(r2 >= 0.98 and ratio <= MAX_SLOPE_RATIO)})
    return out


def _target(name: str, desc: str, value: float | None, op: str, threshold: float, reason: str) -> dict:
    if value is None:
        return {"name": name, "description": desc, "value": None, "op": op, "threshold": threshold,
                "status": "n/a", "reason": reason}
    ok = value <= threshold if op == "<=" else value >= threshold
    return {"name": name, "description": desc, "value": float(value), "op": op, "threshold": threshold,
            "status": "PASS" if ok else "FAIL", "reason": None}


def _info(name: str, desc: str, value: float | None, reason: str) -> dict:
    """A figure printed next to the targets, not itself a target (status "info")."""
    return {"name": name, "description": desc, "value": None if value is None else float(value), "op": "=",
            "threshold": None, "status": "info" if value is not None else "n/a",
            "reason": None if value is not None else reason}


def _ratio(a: dict | None, b: dict | None) -> float | None:
    return None if a is None or b is None else a["median_s"] / b["median_s"]


def _worst_ratio(rows: list[dict], impl: str, ref: str) -> tuple[float | None, str]:
    """The largest time ratio impl / ref over the shapes where both were timed, and that shape."""
    worst: tuple[float | None, str] = (None, "")
    for r in rows:
        if r["impl"] != impl or "median_s" not in r:
            continue
        other = find(rows, ref, **{k: r[k] for k in DIMS})
        ratio = _ratio(r, other)
        if ratio is not None and (worst[0] is None or ratio > worst[0]):
            worst = (ratio, ",".join(f"{k}={r[k]}" for k in DIMS))
    return worst


def _gemm_fraction(row: dict | None, gemm_gflops: float) -> float | None:
    return None if row is None else row["gflops"] / gemm_gflops


def targets(rows: list[dict], gemm_gflops: float, lin: list[dict], wall_s: float, wall_limit_s: float) -> list[dict]:
    """The issue's targets, each PASS / FAIL, or n/a with the reason (shape not in the grid, peer missing)."""
    mid, ham = "B=32,T=64,D=64,H=128", "B=1,T=865,D=32,H=25"
    big = find(rows, "numpy", B=64, H=512)
    worst, where = _worst_ratio(rows, "numpy", "torch64")
    t = [
        _target("numpy_vs_torch64", "largest NumPy time / torch float64 time over the shapes timed"
                + (f" (at {where})" if where else ""), worst, "<=", 1.0, "numpy or torch64 not timed"),
        _target("numpy_gemm_fraction[mid]", f"NumPy fwd+bwd GFLOP/s / float64 GEMM GFLOP/s at {mid}",
                _gemm_fraction(find(rows, "numpy", **MID), gemm_gflops), ">=", GEMM_FRACTION_MID,
                f"numpy not timed at {mid}"),
        _target("numpy_gemm_fraction[H=512]",
                "NumPy fwd+bwd GFLOP/s / float64 GEMM GFLOP/s at B=64, H=512"
                + ("" if big is None else f" (T={big['T']}, D={big['D']})"),
                _gemm_fraction(big, gemm_gflops), ">=", GEMM_FRACTION_BIG, "numpy not timed at B=64, H=512"),
        _target("r_vs_floor[mid]", f"R port time / bare base-R arithmetic (r-floor) time at {mid}, interleaved",
                _ratio(find(rows, "r", **MID), find(rows, "r-floor", **MID)), "<=", 1.15,
                f"r or r-floor not timed at {mid}"),
        _target("r_vs_floor[hamlet]", f"R port time / bare base-R arithmetic (r-floor) time at {ham}, interleaved",
                _ratio(find(rows, "r", **HAMLET), find(rows, "r-floor", **HAMLET)), "<=", 1.5,
                f"r or r-floor not timed at {ham}"),
        _info("r_vs_numpy", f"R time / NumPy time at {mid} (no longer a target: r-floor bounds it, see docs/bench.md)",
              _ratio(find(rows, "r", **MID), find(rows, "numpy", **MID)), f"r or numpy not timed at {mid}"),
        _info("r_floor_vs_numpy", f"bare base-R arithmetic (r-floor) / NumPy time at {mid}: how far down "
              "any base-R implementation could take r_vs_numpy on this machine",
              _ratio(find(rows, "r-floor", **MID), find(rows, "numpy", **MID)), f"r-floor or numpy not timed at {mid}"),
        _target("numpy_vs_baseline", f"NumPy time / per-sample-loop time at {ham}",
                _ratio(find(rows, "numpy", **HAMLET), find(rows, "baseline", **HAMLET)), "<=", 0.5,
                f"numpy or baseline not timed at {ham}"),
    ]
    for fit in (f for f in lin if f["impl"] == "numpy"):
        where = ",".join(f"{k}={fit[k]}" for k in DIMS if k != "T")
        t.append({"name": f"numpy_linear_in_T[{where}]", "value": fit["slope_ratio"], "op": "<=",
                  "threshold": MAX_SLOPE_RATIO,
                  "description": f"NumPy time linear in T, {where}: slope ratio (upper/lower half of T) "
                                 f"<= {MAX_SLOPE_RATIO} and R^2 = {fit['r2']:.4f} >= 0.98",
                  "status": "PASS" if fit["linear"] else "FAIL", "reason": None})
    t.append(_target("wall_time", "wall time of this benchmark run, seconds", wall_s, "<=", wall_limit_s, ""))
    return t


def format_table(rows: list[dict], impls: list[str], gemm_gflops: float) -> str:
    """One line per shape: median ms of every implementation (and its ratio to torch64), NumPy GFLOP/s."""
    shapes = sorted({tuple(r[k] for k in DIMS) for r in rows}, key=lambda s: (s[3], s[0], s[1], s[2]))
    head = f"{'B':>3} {'T':>4} {'D':>3} {'H':>4} |" + "".join(f" {i + ' ms (x t64)':>20}" for i in impls)
    lines = [head + f" | {'numpy GFLOP/s':>13} {'% GEMM':>6}", "-" * (len(head) + 23)]
    for s in shapes:
        dims = dict(zip(DIMS, s, strict=True))
        cells = []
        for impl in impls:
            r = find(rows, impl, **dims)
            if r is None:
                cells.append(f" {'-':>20}")
                continue
            ratio = "" if r.get("ratio_to_torch64") is None else f" ({r['ratio_to_torch64']:.2f}x)"
            cells.append(f" {1e3 * r['median_s']:>11.2f}{ratio:>9}")
        npr = find(rows, "numpy", **dims)
        gf = "" if npr is None else f"{npr['gflops']:>13.2f} {100 * npr['gflops'] / gemm_gflops:>5.1f}%"
        lines.append(f"{s[0]:>3} {s[1]:>4} {s[2]:>3} {s[3]:>4} |" + "".join(cells) + " | " + gf)
    return "\n".join(lines)


def finite(obj: Any) -> Any:
    """``obj`` with every NaN / infinite float replaced by None (JSON has no such numbers)."""
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def format_targets(tgts: list[dict]) -> str:
    lines = []
    for t in tgts:
        val = "-" if t["value"] is None else f"{t['value']:.3g}"
        why = f"  ({t['reason']})" if t["reason"] else ""
        bound = "" if t["threshold"] is None else f" {t['op']} {t['threshold']:g}"
        lines.append(f"  [{t['status']:>4}] {t['name']}: {val}{bound} -- {t['description']}{why}")
    return "\n".join(lines)


def plot(rows: list[dict], impls: list[str], path: str) -> None:
    """Median time vs T (each T sweep) and vs H (each H sweep), one line per implementation, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("T", f, v) for f, v in sweeps(rows, "T", 2)] + [("H", f, v) for f, v in sweeps(rows, "H", 2)]
    fig, axes = plt.subplots(1, max(1, len(panels)), figsize=(4.5 * max(1, len(panels)), 4), squeeze=False)
    for ax, (vary, fixed, values) in zip(axes[0], panels, strict=True):
        for impl in impls:
            pts = sorted((r[vary], r["median_s"]) for r in rows if r["impl"] == impl and "median_s" in r
                         and all(r[k] == v for k, v in fixed.items()))
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=impl)
        ax.set(xscale="log", yscale="log", xlabel=vary, ylabel="forward+backward, s",
               title=", ".join(f"{k}={v}" for k, v in fixed.items()))
        ax.set_xticks(values, [str(v) for v in values])
        ax.minorticks_off()
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
