"""Time the references spend on one case inside the runner's time limit (`--timeout`), after their
worker has started, loaded the code and (R) read the case: wall and the worker's CPU.

    .venv/bin/python bench/reference_case_time.py [--case tiny_random] [--repeat 5]

The corpus test (conformance/tests/test_corpus.py) runs the references under the hangs' 2 s limit;
this prints the margin it has.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from lstmparity.conformance.impls import ready_impls, start_impls
from lstmparity.conformance.runner import load_fixture, run_one

REPO = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--case", default="tiny_random")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    path = REPO / "fixtures" / f"{args.case}.json"
    fx = load_fixture(path)
    impls = ready_impls(start_impls(["python", "r"], None, [path]))
    try:
        for impl in impls:
            for k in range(args.repeat):
                cpu, start = cpu_seconds(impl.proc.pid), time.perf_counter()
                out = run_one(impl, fx, 60)
                wall, cpu = time.perf_counter() - start, cpu_seconds(impl.proc.pid) - cpu
                print(f"{impl.name} {args.case} run {k + 1}: {out.status}, wall {wall * 1e3:.0f} ms, "
                      f"worker cpu {cpu * 1e3:.0f} ms")
    finally:
        for impl in impls:
            impl.close()
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
