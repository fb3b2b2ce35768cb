"""`lstmparity bench`: a --quick run on a tiny grid (structure only, never a wall time),
the notebook-style baseline's numbers, and the linearity fit on synthetic timings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from lstmparity import lstm_backward, lstm_forward
from lstmparity.bench.baseline import baseline_forward_backward, join_grads, split_params
from lstmparity.bench.peers import Shape, matmul_flops
from lstmparity.bench.report import linearity, targets
from lstmparity.cli import main

TINY = ["2,4,3,5", "2,8,3,5", "2,16,3,5", "2,8,3,7"]  # a T sweep (3 points) and an H sweep (2 points)
ROW_TIMED = {"impl", "B", "T", "D", "H", "flops", "median_s", "min_s", "times_s", "cpu_median_s", "reps",
             "inner", "gflops", "ratio_to_torch64"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bench")
    argv = ["bench", "--quick", "--gemm-n", "256", "--json", str(out / "b.json"), "--plot", str(out / "b.png")]
    for s in TINY:
        argv += ["--shape", s]
    assert main(argv) == 0
    return json.loads((out / "b.json").read_text()), out


def test_json_structure(report: tuple[dict, Path]) -> None:
    rep, _ = report
    assert rep["format_version"] == 1 and rep["quick"] is True
    assert set(rep) >= {"command", "started", "wall_s", "machine", "policy", "gemm", "implementations", "rows",
                        "linearity", "targets"}
    assert rep["gemm"]["n"] == 256 and rep["gemm"]["gflops"] > 0
    impls = rep["implementations"]
    assert set(impls) == {"numpy", "r", "r-floor", "torch64", "torch32", "baseline"}
    for info in impls.values():
        assert info["available"] == (info["reason"] is None)
    available = [n for n, i in impls.items() if i["available"]]
    assert "numpy" in available and "baseline" in available
    assert len(rep["rows"]) == len(TINY) * len(available)
    for row in rep["rows"]:
        assert row["impl"] in available
        assert row["flops"] == matmul_flops(Shape(row["B"], row["T"], row["D"], row["H"]))
        if "skipped" not in row:
            assert set(row) == ROW_TIMED
            assert row["median_s"] > 0 and len(row["times_s"]) == row["reps"] >= 3
            assert (row["ratio_to_torch64"] is None) == (not impls["torch64"]["available"])


def test_linearity_and_targets(report: tuple[dict, Path]) -> None:
    rep, _ = report
    fits = {f["impl"]: f for f in rep["linearity"]}
    assert "numpy" in fits and fits["numpy"]["T"] == [4, 8, 16]
    assert {"B": 2, "D": 3, "H": 5}.items() <= fits["numpy"].items()
    status = {t["name"]: t for t in rep["targets"]}
    for name in ("numpy_gemm_fraction[mid]", "numpy_gemm_fraction[H=512]", "r_vs_floor[mid]", "r_vs_floor[hamlet]",
                 "r_vs_numpy", "numpy_vs_baseline"):
        assert status[name]["status"] == "n/a" and status[name]["reason"]  # the tiny grid has none of their shapes
    torch = rep["implementations"]["torch64"]["available"]
    assert status["numpy_vs_torch64"]["status"] in (("PASS", "FAIL") if torch else ("n/a",))
    assert status["numpy_linear_in_T[B=2,D=3,H=5]"]["status"] in ("PASS", "FAIL")
    assert status["wall_time"]["status"] in ("PASS", "FAIL")


def test_plot_written(report: tuple[dict, Path]) -> None:
    _, out = report
    assert (out / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_impl_is_refused() -> None:
    with pytest.raises(SystemExit, match="unknown --impl"):
        main(["bench", "--quick", "--impl", "numpy,jax", "--shape", "1,2,3,4"])


def test_baseline_matches_reference() -> None:
    """The per-sample loop computes the reference's numbers (D != H != B != T)."""
    rng = np.random.default_rng(7)
    T, B, D, H = 5, 3, 4, 6
    x, dh = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
    W, U, b = rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H)
    out, cache = lstm_forward(x, W, U, b)
    trace, grads = lstm_backward(dh, cache)
    h, dx, per_gate = baseline_forward_backward(x, split_params(W, U, b), dh)
    got = join_grads(per_gate)
    np.testing.assert_allclose(h, out["h"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, trace["dx"], rtol=1e-12, atol=1e-12)
    for name in ("dW", "dU", "db"):
        np.testing.assert_allclose(got[name], grads[name], rtol=1e-12, atol=1e-12, err_msg=name)


def test_matmul_flops_counts_each_product_once() -> None:
    """2mkn flops per (m, k) x (k, n) product, the six products of a pass listed by their shapes."""
    s = Shape(B=2, T=3, D=5, H=7)
    TB, G = s.T * s.B, 4 * s.H
    products = [(TB, s.D, G), (TB, s.H, G),  # forward: x W, h U (all steps)
                (TB, G, s.D), (TB, G, s.H),  # backward: dz W^T, dz U^T
                (s.D, TB, G), (s.H, TB, G)]  # weight gradients: x^T dz, h^T dz
    assert matmul_flops(s) == sum(2 * m * k * n for m, k, n in products)


def _rows(times: dict[int, float]) -> list[dict]:
    return [{"impl": "numpy", "B": 1, "T": t, "D": 2, "H": 3, "median_s": y, "gflops": 1.0} for t, y in times.items()]


def test_linearity_fit() -> None:
    lin = linearity(_rows({10: 0.011, 20: 0.021, 40: 0.041, 80: 0.081}), ["numpy"])
    assert len(lin) == 1 and lin[0]["linear"]
    assert lin[0]["r2"] == pytest.approx(1.0) and lin[0]["slope_ratio"] == pytest.approx(1.0)
    assert lin[0]["slope_s_per_step"] == pytest.approx(0.001) and lin[0]["intercept_s"] == pytest.approx(0.001)
    quad = linearity(_rows({t: 1e-4 * t * t for t in (10, 20, 40, 80)}), ["numpy"])[0]
    assert not quad["linear"] and quad["slope_ratio"] > 2
    tg = {t["name"]: t["status"] for t in targets(_rows({10: 1.0, 20: 4.0, 40: 16.0}), 10.0, [quad], 1.0, 30.0)}
    assert tg["numpy_linear_in_T[B=1,D=2,H=3]"] == "FAIL" and tg["wall_time"] == "PASS"


def _row(impl: str, median_s: float, B: int, T: int, D: int, H: int) -> dict:
    return {"impl": impl, "B": B, "T": T, "D": D, "H": H, "median_s": median_s, "gflops": 1.0 / median_s}


def test_ratio_targets_read_the_right_rows() -> None:
    """numpy_vs_torch64 is the worst shape; r_vs_floor divides r by r-floor at each of its two shapes."""
    mid, ham, big = (32, 64, 64, 128), (1, 865, 32, 25), (64, 16, 64, 512)
    rows = [_row("numpy", 1.0, *mid), _row("torch64", 2.0, *mid),  # 0.5 here ...
            _row("numpy", 3.0, *big), _row("torch64", 2.0, *big),  # ... 1.5 here: the worst
            _row("r", 1.1, *mid), _row("r-floor", 1.0, *mid), _row("r", 3.0, *ham), _row("r-floor", 1.0, *ham)]
    tg = {t["name"]: t for t in targets(rows, 1.0, [], 1.0, 30.0)}
    assert tg["numpy_vs_torch64"]["value"] == pytest.approx(1.5) and tg["numpy_vs_torch64"]["status"] == "FAIL"
    assert "B=64,T=16,D=64,H=512" in tg["numpy_vs_torch64"]["description"]
    assert tg["r_vs_floor[mid]"]["value"] == pytest.approx(1.1) and tg["r_vs_floor[mid]"]["status"] == "PASS"
    assert tg["r_vs_floor[hamlet]"]["value"] == pytest.approx(3.0) and tg["r_vs_floor[hamlet]"]["status"] == "FAIL"
    # gflops = 1 / median_s and a GEMM rate of 1 GFLOP/s: the fraction is 1 / median_s
    assert tg["numpy_gemm_fraction[mid]"]["value"] == pytest.approx(1.0)
    assert tg["numpy_gemm_fraction[H=512]"]["value"] == pytest.approx(1 / 3) and \
        tg["numpy_gemm_fraction[H=512]"]["status"] == "FAIL"


def test_r_peers_are_timed_interleaved() -> None:
    """r and r-floor form one group (timed round by round together); every other peer is alone."""
    from lstmparity.bench.grid import _groups
    from lstmparity.bench.peers import all_peers

    assert [[p.name for p in g] for g in _groups(all_peers())] == [
        ["numpy"], ["r", "r-floor"], ["torch64"], ["torch32"], ["baseline"]]


def test_r_floor_computes_what_the_port_computes() -> None:
    """The r-floor row is a lower bound only if it does the port's work: same gradients, same dx.

    Same math, different grouping of the products ([1 | x_t | h] [b; W; U] in one), so the
    difference is rounding: 1e-12 relative to the largest value, the fixtures' tolerance.
    """
    from lstmparity.bench.peers import R_DIR, R_SCRIPT, start_r

    try:
        ro = start_r()
    except Exception as e:  # ImportError, or R not found when rpy2 initialises
        pytest.skip(f"rpy2 / R not available: {e}")
    env = ro.r["new.env"]()
    ro.r["sys.source"](str(R_SCRIPT), envir=env)
    impl = env["bench_load"](str(R_DIR))
    err = float(env["bench_floor_check"](impl, 3, 5, 4, 6)[0])
    assert err <= 1e-12
