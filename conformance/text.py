"""The terminal report: a table (fixtures x implementations), then every divergence and error in full.

Each divergence leads with its diagnosis (:mod:`lstmparity.conformance.diagnose`): the bug
that explains it, its wrong and right equation and the fix in each language, or
"no known bug explains this"; then the place, everything diverging at the same
step, and what still agrees. Findings repeated over fixtures are summarised once
per implementation.
"""

from __future__ import annotations

from collections import Counter

from .compare import Check
from .diagnose import Diagnosis, diagnosis_of
from .runner import Outcome

CELL = {"agree": "agree", "diverge": "DIVERGES", "error": "ERROR", "bad_fixture": "BAD FIXTURE",
        "nothing_compared": "NOTHING COMPARED", "skipped": "skipped"}


def where(check: Check) -> str:
    """'backward t=5 dc', 'grads dU', 'optimizer update 1 E', 'forward loss'."""
    phase, step, name = check.entry
    if phase == "optimizer":
        return f"optimizer update {step} {name}"
    return f"{phase} {name}" if step is None else f"{phase} t={step} {name}"


def cell(o: Outcome) -> str:
    text = CELL[o.status]
    if o.status == "diverge":
        text += f" at {where(o.comparison.first)}"
    if o.status == "skipped":
        text += f": {o.message}"
    if o.comparison and o.comparison.not_provided:
        text += f" ({len(o.comparison.not_provided)} not provided)"
    return text


def table(outcomes: list[Outcome]) -> str:
    """Plain aligned text: one row per fixture, one column per implementation."""
    impls = list(dict.fromkeys(o.impl for o in outcomes))
    fixtures = list(dict.fromkeys(o.fixture.name for o in outcomes))
    cells = {(o.fixture.name, o.impl): cell(o) for o in outcomes}
    rows = [["fixture", *impls]] + [[f, *(cells.get((f, i), "-") for i in impls)] for f in fixtures]
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def diagnosis_lines(d: Diagnosis) -> list[str]:
    """The diagnosis in words: the bug, its equation as computed and as it should be, the fix in each language."""
    b = d.best
    if b is None:
        return []
    how = ("the reference run with this bug swapped in" if b.hypothesis.startswith("mutant:")
           else "recomputed from the fixture's correct upstream values, it")
    lines = [f"    tested: {how} reproduces the actual values "
             f"to {b.residual:.1e} of max|actual| ({len(d.findings)} of {d.tested} hypotheses do)",
             f"    wrong: {b.wrong}", f"    right: {b.right}",
             f"    fix (Python): {b.fix_python}", f"    fix (R):      {b.fix_r}"]
    if len(d.findings) > 1:
        lines.append("    equally consistent: " + ", ".join(f.name for f in d.findings[1:]))
    return lines


def describe(o: Outcome) -> list[str]:
    """The full story of one pair that did not agree: the diagnosis first, then the place and the picture."""
    head = f"{o.impl} / {o.fixture.name}"
    if o.status in ("error", "bad_fixture", "nothing_compared"):
        return [f"{head}: {CELL[o.status].lower()}: {o.message}"]
    c = o.comparison
    f = c.first
    d = diagnosis_of(o)
    lines = [f"{head}: {d.headline}"] + diagnosis_lines(d)
    lines.append(f"    first divergence at {where(f)} ({c.kind})")
    if f.status == "shape":
        lines.append(f"    {f.note}")
    else:
        idx = "[" + ", ".join(map(str, f.worst)) + "]" if f.worst else "(scalar)"
        lines.append(f"    worst element {idx}" + (f" ({f.gate})" if f.gate else "")
                     + f": expected {f.expected!r}, actual {f.actual!r}")
        lines.append(f"    abs error {f.max_abs:.3g}, rel error {f.rel:.3g} (allowed: abs <= {f.bound:.3g})"
                     + (f"; {f.note}" if f.note else ""))
    if f.blocks:
        lines.append(f"    wrong gate blocks of {f.entry.name}: {', '.join(f.blocks)}")
    if d.also:
        word = "update" if f.entry.phase == "optimizer" else "t"
        at = f" at {word}={f.entry.step}" if f.entry.step is not None else ""
        lines.append(f"    also diverging{at} ({f.entry.phase}):")
        lines += [f"      {name}: {why}" for name, why in d.also]
    lines.append(f"    after it: {c.next_step}")
    lines.append(f"    still agree: {c.agreeing}")
    if o.message:
        lines.append(f"    hint: {o.message}")
    return lines


def repeated_findings(outcomes: list[Outcome]) -> list[str]:
    """Findings that repeat over fixtures, once per implementation: 'python: on 7 fixtures: tanh ... (name)'."""
    lines = []
    for impl in dict.fromkeys(o.impl for o in outcomes):
        named = [diagnosis_of(o) for o in outcomes if o.impl == impl and o.status == "diverge"]
        counts = Counter((d.best.name, d.best.what) if d.best else ("", "no known bug explains this") for d in named)
        for (name, what), n in counts.items():
            if n > 1:
                lines.append(f"{impl}: on {n} fixtures: {what}" + (f" ({name})" if name else ""))
    return lines


def missing_text(o: Outcome) -> str:
    """The tensors not provided, by phase: 'forward: logits, loss; backward: all; grads: all'."""
    parts = []
    for phase in ("forward", "backward", "grads", "optimizer"):
        names = [n.split(".", 1)[1] for n in o.comparison.not_provided if n.startswith(phase + ".")]
        present = {c.entry.name for c in o.comparison.checks if c.entry.phase == phase}
        if names:
            parts.append(f"{phase}: " + ("all" if len(names) == len(present) else ", ".join(names)))
    return "; ".join(parts)


def summary(outcomes: list[Outcome]) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in CELL}
    parts = [f"{n} {CELL[s].lower()}" for s, n in counts.items() if n]
    return f"{len(outcomes)} runs: " + ", ".join(parts)


def render(outcomes: list[Outcome], seconds: float | None = None) -> str:
    """Table, then details of every divergence / error, the tensors not provided, and a summary line."""
    out = [table(outcomes)]
    bad = [o for o in outcomes if o.status not in ("agree", "skipped")]
    if bad:
        out += ["", "Divergences and errors:"] + [line for o in bad for line in describe(o)]
    repeated = repeated_findings(outcomes)
    if repeated:
        out += ["", "Repeated findings:"] + repeated
    missing = [o for o in outcomes if o.comparison and o.comparison.not_provided and o.status != "nothing_compared"]
    if missing:
        out += ["", "Not provided (not counted as failures):"]
        out += [f"{o.impl} / {o.fixture.name}: {missing_text(o)}" for o in missing]
    line = summary(outcomes)
    out += ["", line + (f" in {seconds:.2f} s" if seconds is not None else "")]
    return "\n".join(out)
