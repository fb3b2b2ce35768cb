"""The `lstmparity` command: fixtures, conform, train, bench."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def _fixtures(args: argparse.Namespace) -> int:
    from lstmparity.suite.regenerate import main

    return main(Path(args.out), args.check)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lstmparity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fixtures", help="regenerate the conformance cases (or --check them)")
    p.add_argument("--out", default="fixtures", help="folder of the cases (default: fixtures)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 listing stale or missing files")
    p.set_defaults(func=_fixtures)
    for register in _plugins():
        register(sub)
    return parser


# Sub-commands defined next to their code: (command, module with register(sub)).
# Imported when the parser is built; each module imports its heavy parts inside
# the command's function, so the runner is never imported by `import lstmparity.cli`.
PLUGINS = (("conform", "lstmparity.conformance.cli"), ("train", "lstmparity.training.train_cli"),
           ("bench", "lstmparity.bench.grid"))

# Optional dependencies (pyproject.toml's extras) -> the extra that installs them;
# `train` needs all of its extra's.
EXTRAS = {"jsonschema": "suite", "tqdm": "suite", "matplotlib": "plot"}
COMMAND_EXTRAS = {"train": "train"}


def _missing_extra(command: str, err: ModuleNotFoundError) -> str | None:
    """The `pip install` hint when ``err`` is a missing optional dependency, else None."""
    top = (err.name or "").split(".")[0]
    if top not in EXTRAS:
        return None
    return f"pip install 'lstmparity[{COMMAND_EXTRAS.get(command, EXTRAS[top])}]'"


def _plugins() -> list:
    """register(sub) of each sub-command; a stub that says what to install when its extra is missing."""
    found = []
    for command, module in PLUGINS:
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as e:
            if e.name and (e.name == module or module.startswith(e.name + ".")):
                continue  # that part of the project is not installed
            if (hint := _missing_extra(command, e)) is None:
                raise
            found.append(_stub(command, e.name, hint))
            continue
        found.append(mod.register)
    return found


def _stub(command: str, dependency: str, hint: str) -> Callable[[argparse._SubParsersAction], None]:
    """A sub-command that only says which optional dependency it lacks (exit status 2)."""

    def register(sub: argparse._SubParsersAction) -> None:
        p = sub.add_parser(command, help=f"(needs {dependency}: {hint})", add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=lambda args: _say_missing(command, dependency, hint))

    return register


def _say_missing(command: str, dependency: str, hint: str) -> int:
    print(f"lstmparity {command}: needs the optional dependency {dependency}; {hint}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    from lstmparity.bench.allocator import keep_freed_memory

    args = build_parser().parse_args(argv)
    keep_freed_memory()  # the command's own process only; see bench/allocator.py
    try:
        return args.func(args)
    except ModuleNotFoundError as e:
        if (hint := _missing_extra(args.command, e)) is None:
            raise
        return _say_missing(args.command, e.name or "", hint)


if __name__ == "__main__":
    sys.exit(main())
