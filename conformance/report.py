"""Machine-readable reports: JSON (schema: report.schema.json) and JUnit XML."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .compare import Check
from .diagnose import diagnosis_of
from .runner import Outcome
from .text import describe, where

FORMAT_VERSION = 2
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def _num(x: float | None) -> float | str | None:
    """JSON has no inf/NaN: write them as the strings 'inf', '-inf', 'nan'."""
    if x is None or math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def check_json(c: Check) -> dict[str, Any]:
    return {"phase": c.entry.phase, "step": c.entry.step, "tensor": c.entry.name, "status": c.status,
            "max_abs": _num(c.max_abs), "bound": _num(c.bound), "scaled_error": _num(c.scaled)}


def first_json(o: Outcome) -> dict[str, Any] | None:
    if o.comparison is None or o.comparison.first is None:
        return None
    f = o.comparison.first
    return {"phase": f.entry.phase, "step": f.entry.step, "tensor": f.entry.name, "kind": o.comparison.kind,
            "status": f.status, "index": list(f.worst) if f.worst is not None else None,
            "expected": _num(f.expected), "actual": _num(f.actual), "abs_error": _num(f.max_abs),
            "rel_error": _num(f.rel), "bound": _num(f.bound), "note": f.note, "where": where(f),
            "gate": f.gate or None, "wrong_blocks": list(f.blocks),
            "same_step": [c.entry.name for c in o.comparison.same_step],
            "next_step": o.comparison.next_step}


def diagnosis_json(o: Outcome) -> dict[str, Any] | None:
    """The tested explanation of the first divergence (null when the pair does not diverge)."""
    d = diagnosis_of(o)
    if d is None:
        return None
    b = d.best
    out: dict[str, Any] = {"explained": b is not None, "headline": d.headline, "tested": d.tested,
                           "consistent": [f.name for f in d.findings],
                           "also": [{"tensor": t, "explanation": why} for t, why in d.also]}
    if b is not None:
        out.update(name=b.name, hypothesis=b.hypothesis, source=b.source, what=b.what, residual=_num(b.residual),
                   wrong=b.wrong, right=b.right, fix={"python": b.fix_python, "r": b.fix_r})
    return out


def outcome_json(o: Outcome, with_tensors: bool = True) -> dict[str, Any]:
    c = o.comparison
    row = {"implementation": o.impl, "fixture": o.fixture.name, "path": str(o.fixture.path),
           "description": o.fixture.description, "status": o.status, "message": o.message or None,
           "first_divergence": first_json(o), "diagnosis": diagnosis_json(o),
           "still_agree": c.agreeing if c and c.first else None,
           "not_provided": c.not_provided if c else [], "seconds": round(o.seconds, 4),
           "compared": o.compared, "total": o.total}
    if with_tensors:
        row["tensors"] = [check_json(k) for k in c.checks] if c else []
    return row


def report_json(outcomes: list[Outcome], meta: dict[str, Any], mutants: list[dict] | None = None) -> dict:
    """The whole report. meta: fixtures_dir, implementations, mutant, exit_code, seconds."""
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ("agree", "diverge", "nothing_compared", "skipped", "error", "bad_fixture")}
    doc = {"format_version": FORMAT_VERSION, "tool": "lstmparity conform", **meta, "summary": counts,
           "results": [outcome_json(o) for o in outcomes]}
    if mutants is not None:
        doc["mutants"] = mutants
    return doc


def write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")


def write_junit(path: Path, outcomes: list[Outcome]) -> None:
    """One <testsuite> per implementation, one <testcase> per fixture; divergences are failures."""
    root = ET.Element("testsuites", name="lstmparity conform")
    for impl in dict.fromkeys(o.impl for o in outcomes):
        mine = [o for o in outcomes if o.impl == impl]
        suite = ET.SubElement(root, "testsuite", name=impl, tests=str(len(mine)),
                              failures=str(sum(o.status in ("diverge", "nothing_compared") for o in mine)),
                              skipped=str(sum(o.status == "skipped" for o in mine)),
                              errors=str(sum(o.status in ("error", "bad_fixture") for o in mine)),
                              time=f"{sum(o.seconds for o in mine):.4f}")
        for o in mine:
            case = ET.SubElement(suite, "testcase", classname=f"conform.{impl}", name=o.fixture.name,
                                 time=f"{o.seconds:.4f}")
            if o.status == "agree":
                continue
            if o.status == "skipped":
                ET.SubElement(case, "skipped", message=o.message)
                continue
            tag = "failure" if o.status in ("diverge", "nothing_compared") else "error"
            text = "\n".join(describe(o))
            ET.SubElement(case, tag, message=text.splitlines()[0], type=o.status).text = text
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
