"""``lstmparity conform``: run the fixtures through the implementations and say where they diverge.

Each implementation runs in a worker process of its own: a crash, an exit or
a hang is reported against it and the case, and the others carry on.

Exit status: 0 every implementation compared something on every case it did
not declare unsupported, and all of it agreed (with --mutants: every mutant is
localised and diagnosed); 1 a divergence, a case where nothing was compared, or a failing
implementation (error, crash, timeout); 2 bad input (unreadable or invalid
fixture, unusable adapter or declaration, R or rpy2 missing), with a one-line
message saying what to do. --report is written in every case.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEFAULT_IMPLS = ["python", "r"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``conform`` sub-command to the ``lstmparity`` command."""
    p = sub.add_parser("conform", help="check implementations against the fixtures; name the first divergence",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fixtures", default="fixtures", metavar="DIR", help="folder of *.json cases (default: fixtures)")
    p.add_argument("--case", action="append", metavar="NAME", help="only this fixture (file stem); repeatable")
    p.add_argument("--impl", action="append", metavar="SPEC",
                   help="python | r | r:path/file.R | py:module:function | py:path/file.py:function; "
                        "repeatable (default: python and r)")
    p.add_argument("--mutant", metavar="NAME", help="run the built-in implementations with this catalogued bug")
    p.add_argument("--mutants", action="store_true",
                   help="run the whole mutation catalogue (each mutant on its fixture) and print the score")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="time limit per case (default: 30)")
    p.add_argument("--report", metavar="FILE.json", help="write a JSON report (conformance/report.schema.json)")
    p.add_argument("--junit", metavar="FILE.xml", help="write a JUnit XML report")
    p.add_argument("--plot", metavar="FILE.png", help="heatmap of relative error by tensor and time step")
    p.add_argument("--plot-impl", metavar="SPEC", help="implementation to plot (default: the first divergence)")
    p.add_argument("--plot-case", metavar="NAME", help="fixture to plot (default: the first divergence)")
    p.add_argument("--time", action="store_true", help="print the wall time of the whole run (R start-up included)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from .impls import BadInput

    start = time.perf_counter()
    try:
        code = _mutants(args, start) if args.mutants else _suite(args, start)
    except BadInput as err:
        print(f"lstmparity conform: {err}", file=sys.stderr)
        _write_failed_report(args, str(err), start)
        return 2
    except Exception as err:  # a fault of the runner itself: still leave a report saying so
        _write_failed_report(args, f"the runner failed: {type(err).__name__}: {err}", start)
        raise
    if args.time:
        print(f"wall time: {time.perf_counter() - start:.2f} s (fixtures read, R started, every case run)")
    return code


def _suite(args: argparse.Namespace, start: float) -> int:
    from . import text
    from .impls import ready_impls, start_impls
    from .runner import coverage, exit_code, load_fixture, run_suite, select_paths

    specs = args.impl or DEFAULT_IMPLS
    paths = select_paths(Path(args.fixtures), args.case)
    impls = start_impls(specs, args.mutant, paths)
    try:
        fixtures = [load_fixture(p) for p in paths]  # while the workers start (and R reads them too)
        ready_impls(impls, timeout=max(args.timeout, 30.0))
        outcomes = run_suite(fixtures, impls, args.timeout)
    finally:
        for impl in impls:
            getattr(impl, "close", lambda: None)()
    code = exit_code(outcomes)
    seconds = time.perf_counter() - start
    print(text.render(outcomes, seconds))
    print("\n".join(["", "Tensors compared:", *coverage(outcomes)]))
    for fx in dict.fromkeys(o.fixture.path for o in outcomes if o.status == "bad_fixture"):
        msg = next(o.message for o in outcomes if o.fixture.path == fx)
        print(f"lstmparity conform: bad fixture: {msg} (fix the file, or regenerate with `lstmparity fixtures`)",
              file=sys.stderr)
    meta = {"fixtures_dir": str(args.fixtures), "implementations": [i.name for i in impls],
            "mutant": args.mutant, "exit_code": code, "seconds": round(seconds, 3)}
    _write_outputs(args, outcomes, meta)
    return code


def _mutants(args: argparse.Namespace, start: float) -> int:
    from . import score
    from .impls import BadInput

    langs = args.impl or DEFAULT_IMPLS
    if any(lang not in DEFAULT_IMPLS for lang in langs):
        raise BadInput("--mutants runs the built-in implementations: use --impl python and/or --impl r")
    names = [args.mutant] if args.mutant else None
    results = score.run_catalogue(langs, Path(args.fixtures), args.timeout, names)
    print(score.render(results))
    code = 0 if all(r.localised and r.diagnosed for r in results) else 1
    meta = {"fixtures_dir": str(args.fixtures), "implementations": langs, "mutant": None, "exit_code": code,
            "seconds": round(time.perf_counter() - start, 3)}
    _write_outputs(args, [r.outcome for r in results], meta, score.to_json(results))
    return code


def _write_outputs(args: argparse.Namespace, outcomes: list, meta: dict, mutants: list | None = None) -> None:
    from . import plot, report

    if args.report:
        report.write_json(Path(args.report), report.report_json(outcomes, meta, mutants))
    if args.junit:
        report.write_junit(Path(args.junit), outcomes)
    if args.plot:
        chosen = plot.pick(outcomes, args.plot_impl, args.plot_case)
        if chosen is None:
            print("lstmparity conform: --plot: nothing to plot (no comparison matched --plot-impl/--plot-case)",
                  file=sys.stderr)
        else:
            plot.heatmap(chosen, Path(args.plot))


def _write_failed_report(args: argparse.Namespace, error: str, start: float) -> None:
    """--report for a run stopped by bad input before any case ran (exit 2)."""
    from . import report

    if getattr(args, "report", None):
        meta = {"fixtures_dir": str(args.fixtures), "implementations": args.impl or DEFAULT_IMPLS,
                "mutant": args.mutant, "exit_code": 2, "seconds": round(time.perf_counter() - start, 3),
                "error": error}
        report.write_json(Path(args.report), report.report_json([], meta))
