"""How far this machine's regeneration moves each committed case, as a share of the case's own tolerance.

    .venv/bin/python tests/python/measure_rounding.py

Prints, per case, the largest max|new - committed| / (atol + rtol * max|committed|) over every computed
tensor and step slice (the rule of lstmparity.suite.regenerate.ROUNDING_SHARE), and the largest over all cases.
On a machine whose BLAS sums like the one that wrote the files every share is 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from lstmparity.core import jsonio  # noqa: E402
from lstmparity.suite.regenerate import ROUNDING_SHARE, _computed, _get, expected_files  # noqa: E402


def share(old: object, new: object, per_step: bool, tol: dict) -> float:
    a, e = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    pairs = [(a[t], e[t]) for t in range(a.shape[0])] if per_step and a.ndim else [(a, e)]
    return max(float(np.max(np.abs(x - y), initial=0.0)) /
               (tol["atol"] + tol["rtol"] * float(np.max(np.abs(y), initial=0.0))) for x, y in pairs)


def main() -> int:
    worst = 0.0
    for name, text in expected_files(check_gradients=False, progress=False).items():
        path = ROOT / "fixtures" / name
        if not name.endswith(".json") or "/" in name or not path.is_file():
            continue
        old, new = jsonio.loads(path.read_text("utf-8")), jsonio.loads(text)
        s = max((share(_get(old, p), _get(new, p), step, new["tolerance"]) for p, step in _computed(new)),
                default=0.0)
        worst = max(worst, s)
        print(f"{name:45} {s:9.2e} of the tolerance")
    print(f"largest: {worst:.2e} of the tolerance; the rule allows {ROUNDING_SHARE:g} "
          f"(margin {ROUNDING_SHARE / worst:.0f}x)" if worst else "largest: 0 (this machine wrote the files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
