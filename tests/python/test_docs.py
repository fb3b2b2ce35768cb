"""The code blocks of README.md and docs/*.md run as tests, so the docs cannot go stale.

A page's ```python blocks run in order in one namespace (a later block may use
what an earlier one defined), from the repository root, as the page tells the
reader to. Its ```r blocks do the same in one Rscript process, with the R
package installed into a temporary library (the README's `library(lstmparity)`).
A block whose info string carries ``no-run`` (```r no-run) is shown, not run:
keep that for what cannot run here (an install into the system library, a
placeholder for the user's own file). Shell blocks are not run, but every
``make TARGET`` they name must be a target of the Makefile.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_PAGES = ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md")
PAGES = [ROOT / name for name in TOP_PAGES] + sorted((ROOT / "docs").glob("*.md"))
RSCRIPT = shutil.which("Rscript")
FENCE = re.compile(r"^(`{3,})\s*(.*)$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: its page, the line of its first code line (1-based), language, flags, code."""

    where: str  # "README.md:88"
    lang: str
    flags: tuple[str, ...]
    code: str


def code_blocks(page: Path, root: Path = ROOT) -> list[Block]:
    """Every fenced block of a Markdown page, in page order; raises ValueError on a fence left open."""
    name = page.relative_to(root)
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    k = 0
    while k < len(lines):
        m = FENCE.match(lines[k])
        if not m:
            k += 1
            continue
        fence, info = m.group(1), m.group(2).split()
        end = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == fence), None)
        if end is None:
            raise ValueError(f"{name}:{k + 1}: code block opened with {fence} is never closed")
        lang = info[0].lower() if info else ""
        blocks.append(Block(f"{name}:{k + 2}", lang, tuple(info[1:]), "\n".join(lines[k + 1 : end]) + "\n"))
        k = end + 1
    return blocks


def runnable(lang: str) -> dict[Path, list[Block]]:
    """The pages that have runnable blocks in ``lang``, each with those blocks in page order."""
    found = {page: [b for b in code_blocks(page) if b.lang == lang and "no-run" not in b.flags] for page in PAGES}
    return {page: blocks for page, blocks in found.items() if blocks}


PYTHON_PAGES = runnable("python")
R_PAGES = runnable("r")


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_the_collector_finds_blocks() -> None:
    # Guards the tests below against passing because nothing was collected.
    assert ROOT / "README.md" in PYTHON_PAGES and ROOT / "README.md" in R_PAGES
    assert sum(len(b) for b in R_PAGES.values()) >= 4


def test_code_blocks_reads_fences_info_and_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("text\n```python\nx = 1\n```\n\n```r no-run\ny <- 2\nz <- 3\n```\n````\n```\n````\n")
    blocks = code_blocks(page, root=tmp_path)
    assert [(b.where, b.lang, b.flags, b.code) for b in blocks] == [
        ("page.md:3", "python", (), "x = 1\n"),
        ("page.md:7", "r", ("no-run",), "y <- 2\nz <- 3\n"),
        ("page.md:11", "", (), "```\n"),
    ]
    page.write_text("```python\nx = 1\n")
    with pytest.raises(ValueError, match="page.md:1: .* never closed"):
        code_blocks(page, root=tmp_path)


@pytest.mark.parametrize("page", list(PYTHON_PAGES), ids=page_id)
def test_python_blocks_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "__docs__"}
    for block in PYTHON_PAGES[page]:
        # Leading blank lines make a traceback's line numbers those of the page.
        line = int(block.where.rsplit(":", 1)[1])
        exec(compile("\n" * (line - 1) + block.code, str(page), "exec"), namespace)  # noqa: S102 - the docs' own code


@pytest.fixture(scope="module")
def r_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The R package installed into a temporary library, as the README's `R CMD INSTALL .` does."""
    if RSCRIPT is None:
        pytest.skip("Rscript not installed")
    lib = tmp_path_factory.mktemp("rlib")
    r = Path(RSCRIPT).with_name("R")
    done = subprocess.run(
        [str(r), "CMD", "INSTALL", "--no-test-load", "--no-docs", f"--library={lib}", str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return lib


# Runs each block of a page in one environment; on an error prints "page:line: message" and exits 1.
R_DRIVER = """
blocks <- jsonlite::read_json(commandArgs(TRUE)[1])
env <- new.env(parent = globalenv())
for (b in blocks) {
  tryCatch(eval(parse(text = b$code, keep.source = FALSE), envir = env), error = function(e) {
    cat(sprintf("%s: %s\\n", b$where, conditionMessage(e)), file = stderr())
    quit(status = 1)
  })
}
"""


@pytest.mark.parametrize("page", list(R_PAGES), ids=page_id)
def test_r_blocks_run(page: Path, r_library: Path, tmp_path: Path) -> None:
    blocks = tmp_path / "blocks.json"
    blocks.write_text(json.dumps([{"where": b.where, "code": b.code} for b in R_PAGES[page]]))
    driver = tmp_path / "driver.R"
    driver.write_text(R_DRIVER)
    env = {**os.environ, "R_LIBS": str(r_library)}
    done = subprocess.run([RSCRIPT, str(driver), str(blocks)], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"an R block of {page_id(page)} failed:\n{done.stderr[-3000:]}"


MAKE_TARGET = re.compile(r"^([A-Za-z][\w.-]*)\s*:(?!=)", re.MULTILINE)


def test_make_targets_named_in_the_docs_exist() -> None:
    targets = set(MAKE_TARGET.findall((ROOT / "Makefile").read_text()))
    named = {
        (block.where, name)
        for page in PAGES
        for block in code_blocks(page)
        if block.lang in ("sh", "bash", "")
        for name in re.findall(r"(?:^|[;&|]\s*)make\s+([A-Za-z][\w.-]*)", block.code, re.MULTILINE)
    }
    assert len(named) >= 5  # the check below checked something
    unknown = sorted(f"{where}: make {name}" for where, name in named if name not in targets)
    assert not unknown, "the docs name make targets the Makefile does not have:\n" + "\n".join(unknown)


# A repository path in backticks outside code blocks: folders, then a file name with an extension (or a
# trailing slash). Patterns (`R/<topic>.R`, `{forward,backward}.py`, `*.json`) do not match.
PATH = re.compile(r"`((?:[A-Za-z0-9_.-]+/)+(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+)?)`")


def prose(page: Path) -> str:
    """The page without its fenced code blocks."""
    return re.sub(r"^(`{3,}).*?^\1\s*$", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def exists(path: str) -> bool:
    """A path from the repository root, or a module path inside the Python package (`core/cell.py`)."""
    return (ROOT / path).exists() or (ROOT / "python" / "lstmparity" / path).is_file()


def test_paths_named_in_the_docs_exist() -> None:
    named = [(page, m.group(1)) for page in PAGES for m in PATH.finditer(prose(page))]
    assert len(named) >= 30  # the check below checked something
    missing = sorted({f"{page.relative_to(ROOT)}: {path}" for page, path in named if not exists(path)})
    assert not missing, "the docs name files that do not exist:\n" + "\n".join(missing)


def test_architecture_names_every_module() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    package = ROOT / "python" / "lstmparity"
    # A Python module is named with its subpackage (`core/cell.py`: `cells.py` is in core/ and bench/).
    names = {f: f.relative_to(package).as_posix() for f in package.rglob("*.py")}
    names |= {f: f.name for f in [*(ROOT / "conformance").glob("*.py"), *(ROOT / "R").glob("*.R")]}
    assert len(names) >= 40
    unnamed = sorted(str(f.relative_to(ROOT)) for f, name in names.items()
                     if f.name != "__init__.py" and name not in text)
    assert not unnamed, "ARCHITECTURE.md does not say where these live:\n" + "\n".join(unnamed)
