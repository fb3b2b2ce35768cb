"""Figures for the report: how clearly and how fast the readers refuse broken fixtures,
and how many property examples ran.

    .venv/bin/python tests/broken/measure.py            # everything (the 50 MB case takes minutes)
    .venv/bin/python tests/broken/measure.py --no-big   # without the 50 MB case
    .venv/bin/python tests/broken/measure.py --no-properties

"Clear" is the tests' rule (make_broken.message_problem): Python raises FixtureError,
R an lstmparity_input_error, and the message names the file, the JSON path and what
was expected. Times are wall times of one read per file (R: inside one R session).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import make_broken  # noqa: E402
from lstmparity.suite.fixtures import FixtureError, read_case  # noqa: E402

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "source.R")); lp <- lstmparity_source(file.path(args[1], "R"))
for (path in args[-1]) {
  t0 <- Sys.time()
  r <- tryCatch({lp$read_fixture(path); list(kind = "accepted", message = "")},
                lstmparity_input_error = function(e) list(kind = "input_error", message = conditionMessage(e)),
                error = function(e) list(kind = class(e)[1], message = conditionMessage(e)),
                warning = function(w) list(kind = "warning", message = conditionMessage(w)))
  r$seconds <- as.numeric(Sys.time() - t0, units = "secs")
  r$file <- basename(path)
  cat(jsonlite::toJSON(r, auto_unbox = TRUE), "\n", sep = "")
}
"""


def python_reads(entries: list[dict], folder: Path) -> list[dict]:
    rows = []
    for e in entries:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                read_case(folder / e["file"])
            kind, msg = "accepted", ""
        except FixtureError as err:
            kind, msg = "input_error", str(err)
        except BaseException as err:  # a traceback in real use
            kind, msg = type(err).__name__, str(err)
        rows.append({"file": e["file"], "kind": kind, "message": msg, "seconds": time.perf_counter() - start})
    return rows


def r_reads(entries: list[dict], folder: Path) -> list[dict] | None:
    try:
        proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(ROOT)] + [str(folder / e["file"]) for e in entries],
                              capture_output=True, text=True, timeout=1800)
    except FileNotFoundError:
        return None
    rows = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if len(rows) != len(entries):
        print(f"R stopped after {len(rows)} of {len(entries)} files:\n{proc.stderr[-2000:]}")
    return rows


def summarise(lang: str, rows: list[dict] | None, entries: list[dict]) -> None:
    if rows is None:
        print(f"{lang}: not run (Rscript not found)")
        return
    by_file = {e["file"]: e for e in entries}
    unclear = []
    for r in rows:
        problem = ("not refused with the input error class" if r["kind"] != "input_error"
                   else make_broken.message_problem(r["message"], by_file[r["file"]]))
        if problem:
            unclear.append((r["file"], r["kind"], problem))
    slow = max(rows, key=lambda r: r["seconds"])
    print(f"{lang}: {len(rows) - len(unclear)} of {len(entries)} refused with a clear error "
          f"(file + field + what was expected); slowest {slow['seconds'] * 1000:.0f} ms ({slow['file']})")
    for file, kind, problem in unclear:
        print(f"   not clear: {file} [{kind}] {problem[:160]}")


def main(argv: list[str]) -> int:
    entries = json.loads((HERE / make_broken.MANIFEST).read_text("utf-8"))
    print(f"broken inputs tried: {len(entries)} committed files in tests/broken/"
          + ("" if "--no-big" in argv else " + 1 generated 50 MB case"))
    summarise("Python read_case", python_reads(entries, HERE), entries)
    summarise("R read_fixture  ", r_reads(entries, HERE), entries)
    if "--no-big" not in argv:
        with tempfile.TemporaryDirectory() as tmp:
            path = make_broken.write_big_case(Path(tmp))
            big = [make_broken.BIG_CASE]
            print(f"50 MB case ({path.stat().st_size / 1e6:.1f} MB):")
            summarise("  Python", python_reads(big, Path(tmp)), big)
            summarise("  R     ", r_reads(big, Path(tmp)), big)
    if "--no-properties" not in argv:
        with tempfile.TemporaryDirectory() as tmp:
            counts_file = Path(tmp) / "counts.json"
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                   str(ROOT / "tests" / "python" / "test_properties.py")], cwd=ROOT,
                                  capture_output=True, text=True, env={**os.environ,
                                                                       "LSTMPARITY_COUNTS_FILE": str(counts_file)})
            counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
            print(f"property examples (tests/python/test_properties.py, {time.perf_counter() - start:.0f} s, "
                  f"pytest: {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.returncode}):")
            for k, v in sorted(counts.items()):
                print(f"   {k}: {v}")
            py = sum(v for k, v in counts.items() if "Python" in k)
            r = sum(v for k, v in counts.items() if k.endswith(", R") or "= R" in k)
            print(f"   total: {py} examples in Python, {r} in R ((b) runs each example in both)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
