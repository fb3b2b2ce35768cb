"""Run the mutation catalogue: every mutant, in each language, on its fixture.

A mutant is **localised** when the runner's first divergence is exactly the
phase, tensor and step the catalogue records for it, and **diagnosed** when the
best tested explanation of that divergence (:mod:`lstmparity.conformance.diagnose`) names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnose import diagnosis_of
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

    @property
    def diagnosis(self) -> str:
        d = diagnosis_of(self.outcome)
        return d.headline if d else "-"

    @property
    def diagnosed(self) -> bool:
        d = diagnosis_of(self.outcome)
        return d is not None and d.best is not None and d.best.name == self.mutant.name


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
                     *(_cell(mine[lang]) for lang in langs)])
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines += [f"{lang}: localised {score(results, lang)}, diagnosed {score(results, lang, 'diagnosed')}"
              for lang in langs]
    return "\n".join(lines)


def _cell(r: MutantResult) -> str:
    where_ = "localised" if r.localised else f"MISSED ({r.found})"
    what = "diagnosed" if r.diagnosed else f"NOT DIAGNOSED ({r.diagnosis})"
    return f"{where_}, {what}"


def score(results: list[MutantResult], lang: str, what: str = "localised") -> str:
    """'n / N': how many of the language's mutants are localised (or diagnosed)."""
    mine = [r for r in results if r.lang == lang]
    return f"{sum(getattr(r, what) for r in mine)} / {len(mine)}"


def to_json(results: list[MutantResult]) -> list[dict]:
    return [{"mutant": r.mutant.name, "language": r.lang, "fixture": r.mutant.fixture,
             "expected": {"phase": r.mutant.phase, "tensor": r.mutant.tensor, "step": r.mutant.step},
             "found": r.found, "localised": r.localised, "diagnosed": r.diagnosed, "diagnosis": r.diagnosis}
            for r in results]
