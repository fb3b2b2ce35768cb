"""Wall time of the whole conformance suite: `lstmparity conform` (every fixture, Python and R, R start-up
included) run as a fresh process, as `make conform` runs it.

    .venv/bin/python bench/bench_conform.py [--repeat 5] [-- extra conform arguments]

Prints every run's wall time and CPU time (user + sys of the child), then the
median and the best. Target: <= 5 s wall on the project's 2-core machine (each implementation in its
own worker process, R start-up included).
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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("extra", nargs="*", help="arguments passed to `lstmparity conform`")
    args = p.parse_args()
    walls = []
    for k in range(args.repeat):
        wall, cpu, code = one_run(args.extra)
        walls.append(wall)
        print(f"run {k + 1}: wall {wall:.2f} s, cpu {cpu:.2f} s, exit {code}")
    print(f"median wall {statistics.median(walls):.2f} s, best {min(walls):.2f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
