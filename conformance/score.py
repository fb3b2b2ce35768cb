"""Run the mutation catalogue: every mutant, in each language, on its fixture.

A mutant is **localised** when the runner's first divergence is exactly the
phase, tensor and step the catalogue records for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .impls import make_impls
from .mutants import Mutant, catalogue
from .runner import Fixture, Outcome, load_fixture, run_one
from .text import where


@dataclass
class MutantResult:
    mutant: Mutant
    lang: str  # "python" or "r"
    outcome: Outcome

    @property
    def found(self) -> str:
        """Where the runner first saw it, or why it did not."""
        o = self.outcome
        if o.status == "diverge":
            return where(o.comparison.first)
        return {"agree": "not detected"}.get(o.status, f"{o.status}: {o.message}")

    @property
    def localised(self) -> bool:
        f = self.outcome.comparison.first if self.outcome.comparison else None
        m = self.mutant
        return f is not None and (f.entry.phase, f.entry.name, f.entry.step) == (m.phase, m.tensor, m.step)


def expected_where(m: Mutant) -> str:
    if m.phase == "optimizer":
        return f"optimizer update {m.step} {m.tensor}"
    return f"{m.phase} {m.tensor}" if m.step is None else f"{m.phase} t={m.step} {m.tensor}"


def run_catalogue(langs: list[str], fixtures_dir: Path, timeout: float,
                  names: list[str] | None = None) -> list[MutantResult]:
    """Every mutant (or those named) in every language of ``langs`` ("python", "r")."""
    rsession = None
    if "r" in langs:
        from .rbridge import RSession

        rsession = RSession().start()
    results = []
    fixtures: dict[str, Fixture] = {}
    for m in catalogue().values():
        if names and m.name not in names:
            continue
        fx = fixtures.setdefault(m.fixture, load_fixture(fixtures_dir / f"{m.fixture}.json"))
        for impl in make_impls(langs, mutant=m.name, rsession=rsession):
            results.append(MutantResult(m, impl.name.split("+")[0], run_one(impl, fx, timeout)))
    return results


def render(results: list[MutantResult]) -> str:
    """A table: mutant, fixture, where it must show, where each language showed it; then the score."""
    langs = list(dict.fromkeys(r.lang for r in results))
    rows = [["mutant", "fixture", "must first show at", *langs]]
    for m in dict.fromkeys(r.mutant for r in results):
        mine = {r.lang: r for r in results if r.mutant == m}
        rows.append([m.name, m.fixture, expected_where(m),
                     *(("ok" if mine[lang].localised else f"MISSED ({mine[lang].found})") for lang in langs)])
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines += [f"localised {score(results, lang)} ({lang})" for lang in langs]
    return "\n".join(lines)


def score(results: list[MutantResult], lang: str) -> str:
    mine = [r for r in results if r.lang == lang]
    return f"{sum(r.localised for r in mine)} / {len(mine)}"


def to_json(results: list[MutantResult]) -> list[dict]:
    return [{"mutant": r.mutant.name, "language": r.lang, "fixture": r.mutant.fixture,
             "expected": {"phase": r.mutant.phase, "tensor": r.mutant.tensor, "step": r.mutant.step},
             "found": r.found, "localised": r.localised} for r in results]
