"""The worker process: one implementation, run case after case, in a process of its own.

Started by :mod:`lstmparity.conformance.isolation` as ``python -m lstmparity.conformance.worker FD_IN FD_OUT``.
It speaks over two inherited pipes with :mod:`multiprocessing.connection`
framing (length-prefixed messages of pickled plain data), never over stdout,
so whatever the adapter prints, or closes, does not break the conversation.

Messages from the runner, and the replies:

* ``{"op": "load", "spec", "mutant", "r_dir", "read_ahead"}`` -> ``{"ok": True, "declares": dict | None}``
  or ``{"ok": False, "error": str}`` (the adapter cannot be loaded). An R worker reads the case
  files listed in ``read_ahead`` (regular files only) with R's reader before answering; a file R
  cannot read is reported when its case is run;
* ``{"op": "run", "path", "case", "declares"}`` -> ``{"ok": True, "result": plain}`` or
  ``{"ok": False, "error": str}``. ``case`` is the parsed case (Python
  implementations get it as a fresh copy each time; R reads ``path`` with its
  own reader). ``declares`` is the validated declaration (see :mod:`lstmparity.conformance.declare`).

Before each case the worker goes back to its own working directory (an adapter
may have called ``os.chdir`` or ``setwd``).
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from .errors import AdapterError, BadInput, clip_text

HERE = Path(__file__).resolve().parent


def plain(value: Any, depth: int = 0) -> Any:
    """The result as plain data the runner can unpickle safely: dict, list, str, float, None, ndarray.

    Anything else becomes ``{"__unsupported__": "<type name>"}`` so the runner can name it.
    """
    if depth > 8:
        return {"__unsupported__": "nesting deeper than 8 levels"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.asarray(value)
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return np.ascontiguousarray(value)
        return {"__unsupported__": f"numpy array of dtype {value.dtype}"}
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        return np.ascontiguousarray(value.detach().cpu().numpy())
    return {"__unsupported__": f"{type(value).__module__}.{type(value).__qualname__}"}


def user_traceback(err: BaseException, limit: int = 6) -> str:
    """The last frames of the traceback outside the runner's own files: 'file:line in function: code'."""
    runner = {str(HERE / f) for f in ("worker.py", "impls.py", "declare.py", "rbridge.py")}
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename not in runner]
    lines = [f"  {f.filename}:{f.lineno} in {f.name}: {(f.line or '').strip()}" for f in frames[-limit:]]
    return ("\n" + "\n".join(lines)) if lines else ""


class PythonRunner:
    """A Python implementation: the reference (optionally with a mutant) or a user's adapter function."""

    def __init__(self, spec: str, mutant: str | None) -> None:
        from .declare import REFERENCE_SUPPORTS
        from .impls import load_py_function, reference_ops_for

        self.spec = spec
        if spec == "python":
            from lstmparity.core.model import run_case

            ops_for = reference_ops_for
            if mutant:
                from . import mutants

                ops_for = mutants.python_ops_factory(mutant)
            self.fn = lambda case: run_case(case, ops_for(case))
            self.declares = {"supports": REFERENCE_SUPPORTS}  # the reference: every feature, every cell
        else:
            self.fn = load_py_function(spec)
            self.declares = getattr(self.fn, "declares", None)

    def run(self, path: str, case: dict, declares: dict) -> Any:
        from lstmparity.core import layouts
        from lstmparity.core.record import Recording, recording_result

        from .declare import adapter_case

        case = adapter_case(case, declares)
        case["params"] = layouts.params_to_layout(case["params"], declares["layout"], declares["gate_order"])
        result = self.fn(case)
        if isinstance(result, Recording):
            result = recording_result(result, declares["step_base"])
        return result


class RRunner:
    """An R implementation, in embedded R (rpy2) inside this worker: the reference, a mutant or an adapter file."""

    def __init__(self, spec: str, mutant: str | None, r_dir: str) -> None:
        from .declare import REFERENCE_SUPPORTS
        from .rbridge import RAdapter, RImpl, RSession

        self.spec = spec
        session = RSession(Path(r_dir)) if r_dir else RSession()
        self.session = session.start()
        if spec == "r":
            self.impl: Any = RImpl(self.session, mutant)
            self.declares = {"supports": REFERENCE_SUPPORTS}  # the reference: every feature, every cell
        else:
            self.impl = RAdapter(self.session, spec)
            self.declares = self.impl.raw_declares

    def read(self, paths: list[str]) -> None:
        """Read these case files with R's reader now (each is read once; see RSession.case)."""
        for path in paths:
            if Path(path).is_file():  # a FIFO or device is never opened (the runner refuses it)
                try:
                    self.session.case(Path(path))
                except AdapterError:
                    pass  # remembered: reported when the case is run

    def run(self, path: str, case: dict, declares: dict) -> Any:
        return self.impl.run(Path(path), case, 1e9)  # the runner ends the worker at its time limit


def serve(conn_in: Connection, conn_out: Connection) -> None:
    """Answer the runner's messages until it closes the pipe or says exit."""
    home = os.getcwd()
    runner: Any = None
    while True:
        try:
            msg = pickle.loads(conn_in.recv_bytes())
        except EOFError:
            return
        if msg["op"] == "exit":
            return
        reply: dict[str, Any]
        try:
            os.chdir(home)
            if msg["op"] == "load":
                if msg["spec"] == "r" or msg["spec"].startswith("r:"):
                    runner = RRunner(msg["spec"], msg.get("mutant"), msg.get("r_dir", ""))
                    runner.read(msg.get("read_ahead", []))
                else:
                    runner = PythonRunner(msg["spec"], msg.get("mutant"))
                reply = {"ok": True, "declares": plain(runner.declares)}
            else:
                result = runner.run(msg["path"], msg["case"], msg["declares"])
                reply = {"ok": True, "result": plain(result)}
        except BaseException as err:  # noqa: BLE001 - everything the adapter does wrong is reported back
            reply = {"ok": False, "error": clip_text(describe_error(err))}
        finally:
            os.chdir(home)
        conn_out.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


def describe_error(err: BaseException) -> str:
    """One message for the runner: what was raised, and where in the user's code."""
    if isinstance(err, (AdapterError, BadInput)):
        return str(err)
    if isinstance(err, SystemExit):
        return f"called sys.exit({err.code!r}) (an adapter must return its result, not exit)"
    if isinstance(err, KeyboardInterrupt):
        return "interrupted (KeyboardInterrupt)"
    return f"raised {type(err).__name__}: {err}{user_traceback(err)}"


def main(argv: list[str]) -> int:
    conn_in, conn_out = Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False)
    serve(conn_in, conn_out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
