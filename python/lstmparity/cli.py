"""The `lstmparity` command: fixtures, conform, train, bench."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _fixtures(args: argparse.Namespace) -> int:
    from .regenerate import main

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


def _plugins() -> list:
    """Sub-commands defined next to their code (conformance runner, training, benchmark)."""
    found = []
    for module, attr in (("conformance.cli", "register"), ("lstmparity.train_cli", "register"),
                         ("lstmparity.bench", "register")):
        try:
            mod = __import__(module, fromlist=[attr])
        except ModuleNotFoundError as e:
            if e.name and (e.name == module or module.startswith(e.name + ".")):
                continue
            raise
        found.append(getattr(mod, attr))
    return found


def main(argv: list[str] | None = None) -> int:
    from .allocator import keep_freed_memory

    args = build_parser().parse_args(argv)
    keep_freed_memory()  # the command's own process only; see allocator.py
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
