"""The implementations the runner checks, chosen with ``--impl``.

* ``python`` — lstmparity.core.model.run_case;
* ``r`` — R's run_case() through rpy2 (see :mod:`lstmparity.conformance.rbridge`);
* ``py:module:function`` or ``py:path/file.py:function`` — a user's Python adapter;
* ``r:path/file.R`` — a user's R file defining ``lstmparity_adapter <- function(case)``.

Every implementation has ``name``, ``declares`` (its validated declaration, see
:mod:`lstmparity.conformance.declare`) and ``run(path, case, timeout) -> result``, where
``result`` is shaped like a fixture's ``expected``. ``run`` raises
:class:`AdapterError` when the implementation fails on this case (reported
against it, the run carries on) and :class:`BadInput` is raised at construction
when it cannot be used at all (the command exits 2).

:func:`make_impls` runs each implementation in a worker process of its own
(:mod:`lstmparity.conformance.isolation`); the in-process classes here are what the worker
runs, and what tests of our own trusted code (the mutation catalogue) use directly.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lstmparity.core.cells import cell_of
from lstmparity.core.model import reference_ops, run_case

from .declare import reference_declares
from .errors import AdapterError, BadInput

__all__ = ["AdapterError", "BadInput", "Impl", "PythonImpl", "load_py_function", "make_impls"]


class Impl(Protocol):
    name: str
    declares: dict

    def run(self, path: Path, case: dict, timeout: float) -> Any: ...


def call_with_timeout(fn: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run fn() in a worker thread; AdapterError if it raises or is still running after ``timeout`` s.

    A Python thread cannot be killed: a hung call keeps running in its (daemon)
    thread until the process exits, while the runner carries on.
    """
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - reported against the implementation
            box["error"] = err

    worker = threading.Thread(target=work, name=f"conform {what}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AdapterError(f"timed out after {timeout:g} s (the call was abandoned, still running)")
    if "error" in box:
        err = box["error"]
        raise AdapterError(f"raised {type(err).__name__}: {err}") from err
    return box["value"]


def without_expected(case: dict) -> dict:
    """What an adapter sees: the case minus its answers."""
    return {k: v for k, v in case.items() if k != "expected"}


def reference_ops_for(case: dict) -> Any:
    """The reference building blocks of the case's cell."""
    return reference_ops(cell_of(case["config"]))


@dataclass
class PythonImpl:
    """The Python reference; ``ops_for(case)`` builds the Ops (the mutation catalogue swaps blocks)."""

    name: str = "python"
    ops_for: Callable[[dict], Any] = reference_ops_for
    declares: dict = field(default_factory=reference_declares)

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        ops = self.ops_for(case)
        return call_with_timeout(lambda: run_case(without_expected(case), ops), timeout, self.name)


def load_py_function(spec: str) -> Callable[[dict], Any]:
    """``py:module:function`` or ``py:path/file.py:function`` -> the function. BadInput if it cannot be loaded.

    A file is executed with its own folder as the working directory and first on
    ``sys.path``, so ``open("weights.npy")`` and ``import my_lstm`` next to it work.
    """
    target, _, func = spec[3:].rpartition(":")
    if not target or not func:
        raise BadInput(f"--impl {spec}: expected py:module:function or py:path/file.py:function")
    try:
        if target.endswith(".py"):
            file = Path(target).resolve()
            if not file.is_file():
                raise BadInput(f"--impl {spec}: no file {target}")
            sys.path.insert(0, str(file.parent))
            name = adapter_module_name(file)
            mod_spec = importlib.util.spec_from_file_location(name, file)
            module = importlib.util.module_from_spec(mod_spec)
            sys.modules[name] = module  # as import does: @dataclass, pickle, typing look the module up there
            here = os.getcwd()
            os.chdir(file.parent)
            try:
                mod_spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
            finally:
                os.chdir(here)
        else:
            module = importlib.import_module(target)
    except BadInput:
        raise
    except Exception as err:  # noqa: BLE001 - any failure to import is bad input
        raise BadInput(f"--impl {spec}: cannot import {target}: {type(err).__name__}: {err}") from err
    fn = getattr(module, func, None)
    if not callable(fn):
        raise BadInput(f"--impl {spec}: {target} defines no function {func}()")
    return fn


def adapter_module_name(file: Path) -> str:
    """The name an adapter file is imported under: unique per file, apart from any module of the
    user's (``my_lstm.py`` next to ``adapter.py`` stays importable as ``my_lstm``)."""
    digest = hashlib.sha1(str(file).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"lstmparity_adapter_{digest}_{file.stem}"


def make_impls(specs: list[str], mutant: str | None = None, rsession: Any = None,
               timeout: float = 60.0) -> list[Impl]:
    """Build the implementations named on the command line, each in a worker process of its own.

    The workers start together (R's start-up overlaps Python's) and are ready
    when this returns; BadInput if one cannot be loaded or declares something
    invalid. ``rsession`` (an RSession) instead runs ``python``/``r`` in this
    process: only for our own trusted code (the mutation catalogue).
    """
    if rsession is not None:
        check_specs(specs, mutant)
        return [_in_process(spec, mutant, rsession) for spec in specs]
    return ready_impls(start_impls(specs, mutant), timeout)


def check_specs(specs: list[str], mutant: str | None) -> None:
    """BadInput for an unknown --impl or --mutant, or an adapter file that does not exist."""
    from . import mutants

    if mutant and mutant not in mutants.PYTHON:
        raise BadInput(f"--mutant {mutant}: no such mutant; known: {', '.join(mutants.PYTHON)}")
    for spec in specs:
        if mutant and spec not in ("python", "r"):
            raise BadInput(f"--mutant applies to the built-in implementations (python, r), not {spec}")
        if spec not in ("python", "r") and not spec.startswith(("r:", "py:")):
            raise BadInput(f"--impl {spec}: unknown; use python, r, r:path/file.R or py:module:function")
        if spec.startswith("r:") and not Path(spec[2:]).is_file():
            raise BadInput(f"--impl {spec}: no file {spec[2:]}")


def start_impls(specs: list[str], mutant: str | None = None, paths: list[Path] | None = None) -> list[Any]:
    """Start one worker per implementation, without waiting for them (see :func:`ready_impls`).

    ``paths``: the case files the run will send (R workers read them while starting).
    """
    from .isolation import WorkerImpl

    check_specs(specs, mutant)
    workers = [WorkerImpl(_absolute(spec), mutant, name=f"{spec}+{mutant}" if mutant else spec, read_ahead=paths)
               for spec in specs]
    for w in workers:
        w.start()
    return workers


def ready_impls(workers: list[Any], timeout: float = 60.0) -> list[Any]:
    """Wait until every worker has loaded its implementation and validate its declaration; BadInput if one fails."""
    from .declare import validate_declares

    try:
        for w in workers:
            w.ready(timeout)
            lang = "r" if w.spec == "r" or w.spec.startswith("r:") else "python"
            w.declares = validate_declares(w.raw_declares, lang, w.spec)
    except BaseException:
        for w in workers:
            w.close()
        raise
    return workers


def _absolute(spec: str) -> str:
    """The spec with its file made absolute (the worker runs in a directory of its own)."""
    if spec.startswith("r:"):
        return "r:" + str(Path(spec[2:]).resolve())
    if spec.startswith("py:"):
        target, _, func = spec[3:].rpartition(":")
        if target.endswith(".py"):
            return f"py:{Path(target).resolve()}:{func}"
    return spec


def _in_process(spec: str, mutant: str | None, rsession: Any) -> Impl:
    from . import mutants

    if spec == "python":
        ops_for = mutants.python_ops_factory(mutant) if mutant else reference_ops_for
        return PythonImpl(f"python+{mutant}" if mutant else "python", ops_for)
    if spec == "r":
        from .rbridge import RImpl

        return RImpl(rsession, mutant)
    raise BadInput(f"--impl {spec}: adapters run in a worker process; do not pass rsession")
