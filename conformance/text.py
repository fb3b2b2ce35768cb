"""The terminal report: a table (fixtures x implementations), then every divergence and error in full."""

from __future__ import annotations

from .compare import Check
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


def describe(o: Outcome) -> list[str]:
    """The full story of one pair that did not agree."""
    head = f"{o.impl} / {o.fixture.name}"
    if o.status in ("error", "bad_fixture", "nothing_compared"):
        return [f"{head}: {CELL[o.status].lower()}: {o.message}"]
    c = o.comparison
    f = c.first
    lines = [f"{head}: first divergence at {where(f)} ({c.kind})"]
    if f.status == "shape":
        lines.append(f"    {f.note}")
    else:
        idx = "[" + ", ".join(map(str, f.worst)) + "]" if f.worst else "(scalar)"
        lines.append(f"    worst element {idx}: expected {f.expected!r}, actual {f.actual!r}")
        lines.append(f"    abs error {f.max_abs:.3g}, rel error {f.rel:.3g} (allowed: abs <= {f.bound:.3g})"
                     + (f"; {f.note}" if f.note else ""))
    lines.append(f"    still agree: {c.agreeing}")
    if o.message:
        lines.append(f"    hint: {o.message}")
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
    missing = [o for o in outcomes if o.comparison and o.comparison.not_provided and o.status != "nothing_compared"]
    if missing:
        out += ["", "Not provided (not counted as failures):"]
        out += [f"{o.impl} / {o.fixture.name}: {missing_text(o)}" for o in missing]
    line = summary(outcomes)
    out += ["", line + (f" in {seconds:.2f} s" if seconds is not None else "")]
    return "\n".join(out)
