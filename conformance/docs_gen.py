"""The generated parts of docs/conformance.md: the mutant table and three bugs as a user sees them.

Both come from the code, so the docs cannot drift: the table from
conformance/mutants/catalogue.json, the outputs from running the runner.
``python -m lstmparity.conformance.docs_gen`` rewrites them; ``--check`` exits 1 when the
file is stale (conformance/tests/test_mutants.py runs the check).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from pathlib import Path

from .mutants import catalogue
from .score import expected_where

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "conformance.md"
EXAMPLES = [  # (command-line arguments, what it shows)
    (["--impl", "python", "--mutant", "tanh_on_cell_grad", "--case", "batch_all_dims_differ"],
     "a catalogued bug, named with its equation and the fix"),
    (["--impl", "py:conformance/tests/scratch_lstm.py:c_prev_wraps", "--case", "batch_all_dims_differ"],
     "a bug outside the catalogue, named by the generic grammar (`C[t-1]` wrapping to the last cell state at t = 0)"),
    (["--impl", "r:conformance/tests/scratch_lstm.R", "--case", "square_b_h_d", "--case", "batch_all_dims_differ"],
     "the R thesis's backward (every elementwise product written `%*%`): diagnosed where B == H, an R error where not"),
]


def _cells(*cells: str) -> str:
    """One markdown table row; a '|' inside a cell (code spans included) is escaped."""
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def mutant_table() -> str:
    rows = ["| mutant | bug | where seen | blocks swapped | fixture | first shows at | diagnosed as |",
            "|---|---|---|---|---|---|---|"]
    for m in catalogue().values():
        rows.append(_cells(f"`{m.name}`", m.description, m.where_seen, ", ".join(f"`{b}`" for b in m.ops["python"]),
                           f"`{m.fixture}`", expected_where(m), ", ".join(f"`{h}`" for h in _hypotheses(m.name))))
    return "\n".join(rows)


def _hypotheses(name: str) -> list[str]:
    from .diagnose import load_diagnosis_table

    return next(r["hypotheses"] for r in load_diagnosis_table() if r["name"] == name)


def example_outputs() -> str:
    """Each example: the command and the runner's text output, as the terminal shows it (without the timing)."""
    from . import text
    from .impls import make_impls
    from .runner import load_fixture, run_suite, select_paths

    parts = []
    with contextlib.chdir(REPO):  # paths as a user in the repository types them
        for args, what in EXAMPLES:
            impls = make_impls([args[1]], args[3] if args[2] == "--mutant" else None)
            names = [args[k + 1] for k, a in enumerate(args) if a == "--case"]
            outcomes = run_suite([load_fixture(p) for p in select_paths(Path("fixtures"), names)], impls, 60)
            parts.append(f"{what[0].upper()}{what[1:]}:\n\n```text\n$ lstmparity conform {' '.join(args)}\n"
                         f"{text.render(outcomes)}\n```")
    return "\n\n".join(parts)


def outside_catalogue() -> str:
    """What the runner says for each bug of the from-scratch test implementations (none is a catalogued mutant)."""
    from .diagnose import diagnosis_of
    from .rbridge import RSession
    from .runner import load_fixture, run_one
    from .tests import scratch_lstm as s
    from .tests.inprocess import PyAdapter, RFunction
    from .text import where

    rows = ["| language | the bug, as written | fixture | first divergence | the runner's diagnosis | "
            "the equation it found |", "|---|---|---|---|---|---|"]
    r_env = None
    for lang, bug, fixture, _ in s.CASES:
        if lang == "python":
            impl = PyAdapter(f"scratch+{bug}", s.adapter(bug))
        else:
            if r_env is None:
                session = RSession().start()
                r_env = session.source([Path(s.__file__).with_suffix(".R")], parent=session._ro.globalenv)
            impl = RFunction(session, r_env["scratch_adapter"](bug), f"r-scratch+{bug}")
        outcome = run_one(impl, load_fixture(REPO / "fixtures" / f"{fixture}.json"), 60)
        d = diagnosis_of(outcome)
        words = (s.BUGS if lang == "python" else s.R_BUGS)[bug]
        found = f"`{d.best.wrong}`" if d.best else ""
        rows.append(_cells(lang, words, f"`{fixture}`", where(outcome.comparison.first), d.headline, found))
    return "\n".join(rows)


def section(doc: str, marker: str) -> str:
    """The current text of one generated section."""
    return doc.split(f"<!-- generated: {marker} -->\n", 1)[1].split(f"\n<!-- end generated: {marker} -->", 1)[0]


def _replace(doc: str, marker: str, body: str) -> str:
    begin, end = f"<!-- generated: {marker} -->", f"<!-- end generated: {marker} -->"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC}: no '{begin}' ... '{end}' section")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", doc)


def generate(doc: str) -> str:
    doc = _replace(doc, "mutants", mutant_table())
    doc = _replace(doc, "outside the catalogue", outside_catalogue())
    return _replace(doc, "diagnosis examples", example_outputs())


def normalise(text: str) -> str:
    """The text with numbers at rounding level: a BLAS or libm of another machine changes the last digits only."""
    def num(m: re.Match) -> str:
        x = float(m.group(0))
        return "~0" if abs(x) < 1e-12 else f"{x:.6g}"

    return re.sub(r"-?\d+\.\d+(?:e[-+]?\d+)?", num, text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="exit 1 if docs/conformance.md is stale")
    args = p.parse_args(argv)
    old = DOC.read_text("utf-8")
    new = generate(old)
    if args.check:
        if normalise(new) != normalise(old):
            print(f"{DOC} is stale: run `python -m lstmparity.conformance.docs_gen`", file=sys.stderr)
            return 1
        return 0
    if new != old:
        DOC.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
