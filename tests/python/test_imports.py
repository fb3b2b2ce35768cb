"""The import graph runs one way: cli -> runner -> implementations -> core <- suite.

Read from the source with ``ast`` (nothing is imported), so a test fails on the
line that breaks the rule, whether or not that line has run:

* the numeric core (``lstmparity.core``) imports NumPy and the standard library only (and itself);
* each subpackage imports only the layers below it (``LAYERS``): the suite, training and the
  benchmark the core; the runner the core and the suite; nothing imports the command line;
* nothing in the runner imports the command line (``lstmparity.cli``), and the
  command line reaches the runner only inside a function (when ``conform`` runs);
* the imports have no cycle, not even through imports inside functions.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Source folder -> the package name it is installed as (pyproject.toml's package-dir).
PACKAGES = {ROOT / "python" / "lstmparity": "lstmparity", ROOT / "conformance": "lstmparity.conformance"}
RUNNER = "lstmparity.conformance"
# Subpackage -> the subpackages it may import (besides itself). The command line
# (lstmparity, lstmparity.cli) may import anything, the runner only inside a function.
LAYERS = {
    "lstmparity.core": set(),
    "lstmparity.suite": {"lstmparity.core"},
    "lstmparity.training": {"lstmparity.core"},
    "lstmparity.bench": {"lstmparity.core"},
    "lstmparity.conformance": {"lstmparity.core", "lstmparity.suite"},
}


@dataclass(frozen=True)
class Import:
    target: str  # the imported module (a package's attribute imported from it counts as its submodule)
    line: int
    lazy: bool  # inside a function (runs when the function is called) or under `if TYPE_CHECKING:`


def module_files() -> dict[str, Path]:
    """Every module of the installed packages (tests and examples excluded), by dotted name."""
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[0] in ("tests", "examples"):
                continue
            name = ".".join((package, *parts))
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = module_files()
CORE = {m for m in MODULES if m == "lstmparity.core" or m.startswith("lstmparity.core.")}


def layer_of(name: str) -> str | None:
    """The subpackage of LAYERS a module belongs to (None: the top level, lstmparity and lstmparity.cli)."""
    return next((top for top in LAYERS if name == top or name.startswith(top + ".")), None)


def imports_of(name: str, path: Path) -> list[Import]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            lazy = True
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lazy = True
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, node.lineno, lazy) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(sub if sub in MODULES else base, node.lineno, lazy))
        for child in ast.iter_child_nodes(node):
            visit(child, lazy)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def where(name: str, imp: Import) -> str:
    return f"{MODULES[name].relative_to(ROOT)}:{imp.line} imports {imp.target}"


def test_the_graph_was_read() -> None:
    assert {"lstmparity.core.cell", "lstmparity.core.model", "lstmparity.suite.fixtures"} <= CORE | set(MODULES)
    assert all(any(layer_of(m) == top for m in MODULES) for top in LAYERS), "a subpackage has no module"
    assert any(m.startswith(RUNNER + ".") for m in MODULES)
    assert any(imp.target == "numpy" for imp in GRAPH["lstmparity.core.cell"])


def test_the_core_needs_numpy_only() -> None:
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    bad = [
        where(name, imp)
        for name in sorted(CORE)
        for imp in GRAPH[name]
        if imp.target not in CORE and imp.target.split(".")[0] not in allowed
    ]
    assert not bad, "the numeric core must need NumPy only:\n" + "\n".join(bad)


def test_subpackages_import_only_the_layers_below() -> None:
    bad = [
        where(name, imp)
        for name in sorted(MODULES)
        if (mine := layer_of(name)) is not None
        for imp in GRAPH[name]
        if imp.target.split(".")[0] == "lstmparity"
        and layer_of(imp.target) != mine
        and layer_of(imp.target) not in LAYERS[mine]
    ]
    assert not bad, "imports against the layering (LAYERS):\n" + "\n".join(bad)


def test_the_runner_never_imports_the_command_line() -> None:
    bad = [
        where(name, imp)
        for name in MODULES
        if name.startswith(RUNNER + ".") or name == RUNNER
        for imp in GRAPH[name]
        if imp.target == "lstmparity.cli"
    ]
    assert not bad, "\n".join(bad)


def test_the_command_line_imports_the_runner_lazily() -> None:
    eager = [
        where(name, imp)
        for name in ("lstmparity", "lstmparity.cli")
        for imp in GRAPH[name]
        if not imp.lazy and (imp.target == RUNNER or imp.target.startswith(RUNNER + "."))
    ]
    assert not eager, "\n".join(eager)


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """One cycle of a directed graph as [a, b, ..., a], or None (depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def cycle_from(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := cycle_from(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := cycle_from(start)):
            return found
    return None


def test_find_cycle() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["b"]}) == ["b", "c", "b"]


def test_imports_have_no_cycle() -> None:
    """Not even through an import inside a function: such a cycle works only as long as nobody moves
    that import to the top of the file."""
    edges = {
        name: sorted({imp.target for imp in imps if imp.target in MODULES and imp.target != name})
        for name, imps in GRAPH.items()
    }
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
