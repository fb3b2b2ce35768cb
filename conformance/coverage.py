"""How far the diagnosis reaches: every catalogued mutant on every fixture of its cell, not only its own.

``python -m lstmparity.conformance.coverage [--impl python] [--impl r]`` runs each mutant on
each fixture and counts, per language, the pairs where the bug shows (diverges)
and how many of those the diagnosis names right, names wrong, or leaves
unexplained; pairs where the bug is invisible (agree: e.g. a mask bug on a case
without a mask) or cannot run (error: e.g. ``%*%`` with B != H) are counted apart.
A wrong name is printed in full: it is a defect of the diagnosis.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .diagnose import diagnosis_of
from .impls import make_impls
from .mutants import catalogue
from .runner import load_fixture, run_one

REPO = Path(__file__).resolve().parents[1]


def coverage(langs: list[str], fixtures_dir: Path) -> dict[str, Counter]:
    """{language: Counter of right name | wrong name | unexplained | agree | error}; prints every wrong name."""
    rsession = None
    if "r" in langs:
        from .rbridge import RSession

        rsession = RSession().start()
    fixtures = [load_fixture(p) for p in sorted(fixtures_dir.glob("*.json"))]
    counts = {lang: Counter() for lang in langs}
    for name, m in catalogue().items():
        mine = [fx for fx in fixtures if fx.case is None or (fx.case["config"].get("cell") or "lstm") == m.cell]
        for impl in make_impls(langs, mutant=name, rsession=rsession):
            lang = impl.name.split("+")[0]
            for fx in mine:
                o = run_one(impl, fx, 60)
                if o.status != "diverge":
                    counts[lang][o.status] += 1
                    continue
                d = diagnosis_of(o)
                verdict = "unexplained" if d.best is None else ("right name" if d.best.name == name else "wrong name")
                counts[lang][verdict] += 1
                if verdict == "wrong name":
                    print(f"WRONG NAME: {impl.name} / {fx.name}: {d.headline}", file=sys.stderr)
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impl", action="append", choices=("python", "r"), help="language (default: both)")
    p.add_argument("--fixtures", default=str(REPO / "fixtures"), metavar="DIR")
    args = p.parse_args(argv)
    counts = coverage(args.impl or ["python", "r"], Path(args.fixtures))
    for lang, c in counts.items():
        shown = c["right name"] + c["wrong name"] + c["unexplained"]
        print(f"{lang}: {len(catalogue())} mutants x the fixtures of their cell: the bug shows on {shown} pairs; "
              f"named right "
              f"{c['right name']}, named wrong {c['wrong name']}, unexplained {c['unexplained']}; "
              f"invisible (agree) {c['agree']}, cannot run (error) {c['error']}")
    return 1 if any(c["wrong name"] for c in counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
