"""The implementations the runner checks, chosen with ``--impl``.

* ``python`` — lstmparity.model.run_case, in process;
* ``r`` — R's run_case() through rpy2 (see :mod:`conformance.rbridge`);
* ``py:module:function`` or ``py:path/file.py:function`` — a user's Python adapter;
* ``r:path/file.R`` — a user's R file defining ``lstmparity_adapter <- function(case)``.

Every implementation has ``name`` and ``run(path, case, timeout) -> result``,
where ``result`` is shaped like a fixture's ``expected``. ``run`` raises
:class:`AdapterError` when the implementation fails on this case (reported
against it, the run carries on) and :class:`BadInput` is raised at construction
when it cannot be used at all (the command exits 2).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lstmparity.model import REFERENCE_OPS, run_case


class BadInput(Exception):
    """Unusable input (fixture folder, adapter file, missing R): exit status 2."""


class AdapterError(Exception):
    """An implementation failed on one case: it raised, hung or returned something unusable."""


class Impl(Protocol):
    name: str

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
    """The reference building blocks, whatever the case."""
    return REFERENCE_OPS


@dataclass
class PythonImpl:
    """The Python reference; ``ops_for(case)`` builds the Ops (the mutation catalogue swaps blocks)."""

    name: str = "python"
    ops_for: Callable[[dict], Any] = reference_ops_for

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        ops = self.ops_for(case)
        return call_with_timeout(lambda: run_case(without_expected(case), ops), timeout, self.name)


@dataclass
class PyAdapter:
    """A user's function taking the parsed case (numpy arrays) and returning a dict shaped like ``expected``."""

    name: str
    fn: Callable[[dict], Any]

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        result = call_with_timeout(lambda: self.fn(without_expected(case)), timeout, self.name)
        if not isinstance(result, dict):
            raise AdapterError(f"returned {type(result).__name__}; expected a dict shaped like the fixture's "
                               "'expected' (keys forward, backward, grads, optimizer_steps)")
        return result


def load_py_adapter(spec: str) -> PyAdapter:
    """``py:module:function`` or ``py:path/file.py:function`` -> PyAdapter. BadInput if it cannot be loaded."""
    target, _, func = spec[3:].rpartition(":")
    if not target or not func:
        raise BadInput(f"--impl {spec}: expected py:module:function or py:path/file.py:function")
    try:
        if target.endswith(".py"):
            if not Path(target).is_file():
                raise BadInput(f"--impl {spec}: no file {target}")
            mod_spec = importlib.util.spec_from_file_location(Path(target).stem, target)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except BadInput:
        raise
    except Exception as err:  # noqa: BLE001 - any failure to import is bad input
        raise BadInput(f"--impl {spec}: cannot import {target}: {type(err).__name__}: {err}") from err
    fn = getattr(module, func, None)
    if not callable(fn):
        raise BadInput(f"--impl {spec}: {target} defines no function {func}()")
    return PyAdapter(spec, fn)


def make_impls(specs: list[str], mutant: str | None = None, rsession: Any = None) -> list[Impl]:
    """Build the implementations named on the command line.

    R starts only when asked for, once: pass ``rsession`` (an RSession) to share one across calls.
    """
    from . import mutants

    if mutant and mutant not in mutants.PYTHON:
        raise BadInput(f"--mutant {mutant}: no such mutant; known: {', '.join(mutants.PYTHON)}")
    impls: list[Impl] = []
    for spec in specs:
        if mutant and spec not in ("python", "r"):
            raise BadInput(f"--mutant applies to the built-in implementations (python, r), not {spec}")
        if spec == "python":
            ops_for = mutants.python_ops_factory(mutant) if mutant else reference_ops_for
            impls.append(PythonImpl(f"python+{mutant}" if mutant else "python", ops_for))
            continue
        if spec != "r" and not spec.startswith(("r:", "py:")):
            raise BadInput(f"--impl {spec}: unknown; use python, r, r:path/file.R or py:module:function")
        if spec.startswith("py:"):
            impls.append(load_py_adapter(spec))
            continue
        from .rbridge import RAdapter, RImpl, RSession

        rsession = rsession or RSession().start()
        impls.append(RImpl(rsession, mutant) if spec == "r" else RAdapter(rsession, spec))
    return impls
