"""Wall time of the whole conformance suite: `lstmparity conform` (every fixture, Python and R, R start-up
included) run as a fresh process, as `make conform` runs it.

    .venv/bin/python bench/bench_conform.py [--repeat 5] [-- extra conform arguments]

Prints every run's wall time and CPU time (user + sys of the child), then the
median and the best. Target: <= 5 s wall on the project's 2-core machine (each implementation in its
own worker process, R start-up included). With --breakdown, then the R worker's own stages, run
one after the other in a fresh process: starting R (rpy2), loading the R code, R's read_case() of
every fixture, run_case() of every fixture (wall and CPU of that process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one_run(extra: list[str]) -> tuple[float, float, int]:
    """(wall s, cpu s, exit status) of one `lstmparity conform` process."""
    exe = Path(sys.executable).with_name("lstmparity")
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run([str(exe), "conform", *extra], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, done.returncode


BREAKDOWN = """
import time
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
def lap(stage):
    global t0, c0
    t, c = time.perf_counter(), time.process_time()
    print(f"  {stage:<34} wall {t - t0:5.2f} s, cpu {c - c0:5.2f} s")
    t0, c0 = t, c
from lstmparity.conformance.worker import RRunner
lap("python + numpy + conformance")
import rpy2.robjects
lap("start R (rpy2)")
r = RRunner("r", None, "")
lap("load the R code")
paths = sorted(Path("fixtures").glob("*.json"))
r.read([str(p) for p in paths])
lap(f"read_case() x {len(paths)}")
for p in paths:
    r.run(str(p), None, {})
lap(f"run_case() x {len(paths)} (+ to Python)")
"""


def breakdown() -> None:
    """The R worker's stages, one after the other, in a fresh process."""
    print("R worker, stage by stage:")
    subprocess.run([sys.executable, "-c", BREAKDOWN], cwd=REPO, check=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--breakdown", action="store_true", help="then time the R worker's stages")
    p.add_argument("extra", nargs="*", help="arguments passed to `lstmparity conform`")
    args = p.parse_args()
    walls = []
    for k in range(args.repeat):
        wall, cpu, code = one_run(args.extra)
        walls.append(wall)
        print(f"run {k + 1}: wall {wall:.2f} s, cpu {cpu:.2f} s, exit {code}")
    print(f"median wall {statistics.median(walls):.2f} s, best {min(walls):.2f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if args.breakdown:
        breakdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
