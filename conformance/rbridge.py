"""R inside this process, through rpy2: the R implementation, R mutants and R adapters.

Embedded R is one per process; an :class:`RSession` starts it, loads the R code
once (the repository's R/ folder through ``lstmparity_source()``, or the
installed package) and reads each case once with R's own ``read_case()``. R
calls run in the main thread under ``setTimeLimit(elapsed = timeout)``: R stops
at its next check (between R-level operations). That limit is a courtesy: the
runner runs R in a worker process (:mod:`lstmparity.conformance.isolation`) and ends it at
the time limit, which also holds inside compiled code.

A user's adapter file is sourced with ``keep.source = TRUE`` and ``chdir = TRUE``
into an environment whose parent holds the package's functions (layouts,
``record()``); an R error comes back with the failing call and the user's
frames with file:line.

Conversion to NumPy: R arrays are column-major; ``np.array(r_array)`` reads the
``dim`` attribute in Fortran order, so an R array of dim c(T, B, H) becomes a
NumPy (T, B, H) array with the same [t, b, h] element (tested on T != B != H).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .declare import default_declares, reference_declares, validate_declares
from .errors import AdapterError, BadInput

HERE = Path(__file__).resolve().parent
REPO_R_DIR = HERE.parent / "R"
INSTALL_HINT = ("install R (>= 4.2, with jsonlite) and rpy2 (pip install 'lstmparity[r]', or `make setup`), "
                "or run with --impl python")


def _robjects() -> Any:
    try:
        import rpy2.robjects as ro
    except Exception as err:  # noqa: BLE001 - ImportError, or R itself not found by rpy2
        raise BadInput(f"the R implementation needs R and rpy2 ({type(err).__name__}: {err}); {INSTALL_HINT}") from err
    return ro


def to_py(obj: Any) -> Any:
    """An R value -> Python: named list -> dict, unnamed list -> list, numeric -> float64 array, NULL -> None."""
    from rpy2.rinterface_lib.sexp import NULLType
    from rpy2.robjects.vectors import ListVector, StrVector

    if obj is None or isinstance(obj, NULLType):
        return None
    if isinstance(obj, ListVector) or type(obj).__name__ in ("ListSexpVector",):
        items = [to_py(v) for v in obj]
        if not items:
            return {}
        names = obj.names
        if names is not None and not isinstance(names, NULLType) and len(names) == len(items):
            return dict(zip([str(n) for n in names], items, strict=True))
        return items
    if isinstance(obj, StrVector):
        return [str(s) for s in obj]
    return np.array(obj, dtype=float)  # copies; dims in R's (column-major) order


@dataclass
class RSession:
    """Embedded R with the implementation loaded once, and the cases R has read."""

    r_dir: Path = REPO_R_DIR
    _ro: Any = None
    _bridge: Any = None
    _impl: Any = None
    _mutants: Any = None
    _cases: dict = field(default_factory=dict)

    def start(self) -> RSession:
        if self._ro is None:
            ro = _robjects()
            # No just-in-time compilation: R/ is sourced (not installed, so not byte-compiled) and R
            # would compile each function at its first call, which costs more than the calls
            # themselves (the 16 committed cases: read_case() + run_case() 1.9 s CPU with the JIT,
            # 0.7 s without; bench/bench_conform.py).
            ro.r("compiler::enableJIT(0L)")
            bridge = ro.r["new.env"]()
            ro.r["sys.source"](str(HERE / "bridge.R"), envir=bridge)
            try:
                impl = bridge["conform_load"](str(self.r_dir))
            except Exception as err:  # noqa: BLE001 - an R error while loading the R code
                raise BadInput(f"cannot load the R implementation from {self.r_dir}: {err}".strip()) from err
            self._ro, self._bridge, self._impl = ro, bridge, impl
        return self

    def source(self, files: list[Path], parent: Any = None) -> Any:
        """Source R files into a new environment (parent: the implementation's environment)."""
        self.start()
        files_r = self._ro.StrVector([str(f) for f in files])
        return self._bridge["conform_source"](files_r, self._impl if parent is None else parent)

    def case(self, path: Path) -> Any:
        """The case as R's read_case() parses it (read once per path); AdapterError if R cannot read it."""
        self.start()
        key = str(Path(path).resolve())
        if key not in self._cases:
            self._cases[key] = self._bridge["conform_read"](self._impl, str(path))
        got = self._cases[key]
        if not got.rx2("ok")[0]:
            raise AdapterError(f"R's read_case() failed: {got.rx2('message')[0]}")
        return got.rx2("value")

    def call(self, fn: Any, case: Any, timeout: float) -> Any:
        """fn(case) in R under a time limit; the result converted to Python. AdapterError on an R error."""
        return self.unwrap(self._bridge["conform_call"](fn, case, float(timeout)), timeout)

    def unwrap(self, got: Any, timeout: float) -> Any:
        """The value of a conform_call() answer, converted; AdapterError with R's message if it failed."""
        if not got.rx2("ok")[0]:
            msg = str(got.rx2("message")[0])
            if "elapsed time limit" in msg:
                raise AdapterError(f"timed out after {timeout:g} s (R stopped it: {msg})")
            raise AdapterError(msg if msg.startswith("R error") else f"R error: {msg}")
        return to_py(got.rx2("value"))

    def mutant_fn(self, name: str) -> Any:
        """An R function(case) running run_case() with the ops of the named R mutant."""
        self.start()
        if self._mutants is None:
            self._mutants = self.source(sorted((HERE / "mutants").glob("*.R")))
        make = self._ro.r("function(env, name) { e <- new.env(parent = env); e$mutant_name <- name; "
                          "local(function(case) run_case(case, mutant_ops(mutant_name, case)), e) }")
        return make(self._mutants, name)

    def impl_fn(self, name: str) -> Any:
        self.start()
        return self._impl[name]

    def strip(self, case: Any) -> Any:
        return self._bridge["conform_without_expected"](case)


@dataclass
class RImpl:
    """R's run_case() (reference ops, or a mutant's)."""

    session: RSession
    mutant: str | None = None
    name: str = ""
    declares: dict = field(default_factory=lambda: reference_declares("r"))
    _fn: Any = None

    def __post_init__(self) -> None:
        self.name = f"r+{self.mutant}" if self.mutant else "r"

    def run(self, path: Path, case: dict, timeout: float) -> Any:
        if self._fn is None:
            self._fn = self.session.mutant_fn(self.mutant) if self.mutant else self.session.impl_fn("run_case")
        return self.session.call(self._fn, self.session.case(path), timeout)


@dataclass
class RAdapter:
    """A user's R file defining ``lstmparity_adapter <- function(case)`` (and optionally ``lstmparity_declares``).

    Sourced once, with its own folder as the working directory, into an
    environment that sees the package's functions.
    """

    session: RSession
    spec: str
    name: str = ""
    declares: dict = field(default_factory=lambda: default_declares("r"))
    raw_declares: Any = None  # lstmparity_declares as written, None if not declared
    _fn: Any = None

    def __post_init__(self) -> None:
        self.name = self.spec
        file = Path(self.spec[2:])
        if not file.is_file():
            raise BadInput(f"--impl {self.spec}: no file {file}")
        self.session.start()
        got = self.session._bridge["conform_source_adapter"](str(file.resolve()), self.session._impl)
        if not got.rx2("ok")[0]:
            raise BadInput(f"--impl {self.spec}: sourcing {file} failed: {got.rx2('message')[0]}")
        env = got.rx2("value")
        names = list(env.keys())
        if "lstmparity_adapter" not in names:
            raise BadInput(f"--impl {self.spec}: {file} defines no function lstmparity_adapter(case)")
        self._fn = env["lstmparity_adapter"]
        if "lstmparity_declares" in names:
            self.raw_declares = to_py(env["lstmparity_declares"])
        self.declares = validate_declares(self.raw_declares, "r", self.spec)

    def run(self, path: Path, case: dict, timeout: float = 1e9) -> Any:
        d = self.declares
        got = self.session._bridge["conform_run_adapter"](
            self.session._impl, self._fn, self.session.case(path), d["layer_only"], d["layout"],
            d["gate_order"], d["step_base"], float(timeout))
        return self.session.unwrap(got, timeout)
