"""One worker process per implementation: crashes, exits, hangs and shared state stay inside it.

A :class:`WorkerImpl` starts ``python -m lstmparity.conformance.worker`` (see
:mod:`lstmparity.conformance.worker`) in a new process group, with its own temporary
working directory, and sends it one case at a time. The runner:

* waits for the answer at most ``timeout`` seconds, then ends the whole process
  group (SIGKILL): the limit holds for ``Sys.sleep``, a long BLAS call or a
  blocking read, in Python and in R alike;
* reads answers of at most :data:`MAX_RESULT_BYTES` (a bigger one ends the worker);
* drains the worker's stdout and stderr (merged) in a thread, keeping only the
  last :data:`TAIL_BYTES`: 100 MB printed by an adapter costs no memory and
  cannot block it; that tail is the "last output" of a crash report;
* starts a fresh worker for the next case after a crash, an exit or a timeout.

Answers are unpickled with :class:`PlainUnpickler`, which builds only plain
data and NumPy arrays (no other class can be named by a worker's reply).
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import AdapterError, BadInput, clip_text

MAX_RESULT_BYTES = 256 * 2**20  # an answer above this ends the worker (the biggest fixture's result is < 2 MB)
TAIL_BYTES = 2000  # "last output" kept from the worker's stdout and stderr
START_SECONDS = 30.0  # time allowed to (re)start a worker and load its implementation (R takes ~1 s idle)
REPO = Path(__file__).resolve().parents[1]

ALLOWED = {  # what a worker's answer may build: numpy arrays and their dtypes, nothing else
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
}


class PlainUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists, strings, numbers and NumPy arrays; refuses every other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the worker's answer names {module}.{name}, which the runner does not load")


def plain_loads(data: bytes) -> Any:
    return PlainUnpickler(io.BytesIO(data)).load()


def signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


class OutputTail:
    """Drains a pipe in a daemon thread, keeping the last ``limit`` bytes (and the total count)."""

    def __init__(self, pipe: Any, limit: int = TAIL_BYTES) -> None:
        self.chunks: deque[bytes] = deque()
        self.kept = 0
        self.total = 0
        self.limit = limit
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._drain, args=(pipe,), daemon=True)
        self.thread.start()

    def _drain(self, pipe: Any) -> None:
        while chunk := pipe.read1(65536) if hasattr(pipe, "read1") else pipe.read(65536):
            with self.lock:
                self.chunks.append(chunk)
                self.kept += len(chunk)
                self.total += len(chunk)
                while self.kept - len(self.chunks[0]) >= self.limit:
                    self.kept -= len(self.chunks.popleft())
        pipe.close()

    def mark(self) -> int:
        with self.lock:
            return self.total

    def since(self, mark: int) -> str:
        """The output printed since ``mark`` (its last ``limit`` bytes), as text."""
        self.thread.join(0.2)  # a process that just died: let the thread read what is left
        with self.lock:
            data = b"".join(self.chunks)[-min(self.total - mark, self.limit):] if self.total > mark else b""
            cut = self.total - mark - len(data)
        text = data.decode("utf-8", "replace").strip()
        return (f"[{cut} bytes before this cut] " if cut > 0 else "") + text


class WorkerImpl:
    """An implementation run in a worker process of its own. ``run(path, case, timeout)`` like every Impl."""

    def __init__(self, spec: str, mutant: str | None = None, r_dir: str = "", name: str | None = None,
                 read_ahead: list[Path] | None = None) -> None:
        self.spec, self.mutant, self.r_dir = spec, mutant, r_dir
        self.read_ahead = [str(Path(p).resolve()) for p in read_ahead or []]  # see start()
        self.name = name or (f"{spec}+{mutant}" if mutant else spec)
        self.declares: dict = {}
        self.raw_declares: Any = None
        self.proc: subprocess.Popen | None = None
        self.home = ""
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self._tail: OutputTail | None = None
        self._deadline = 0.0
        self._mark = 0
        self._case = ""

    # -- process management -------------------------------------------------
    def start(self) -> WorkerImpl:
        """Start the process and ask it to load the implementation (answer read by :meth:`ready`).

        The first start of an R worker also hands it ``read_ahead``, the case files it will be sent:
        it reads them with R's reader before it says it is ready, while the runner reads them with
        Python's (the two readers run at the same time, on two cores).
        """
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.home = self.home or tempfile.mkdtemp(prefix="lstmparity-conform-")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
               "PYTHONFAULTHANDLER": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lstmparity.conformance.worker", str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=self.home, env=env, start_new_session=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self._send, self._recv = Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)
        self._tail = OutputTail(self.proc.stdout)
        self._mark = 0
        self._post({"op": "load", "spec": self.spec, "mutant": self.mutant, "r_dir": self.r_dir,
                    "read_ahead": self.read_ahead})
        self.read_ahead = []  # a restarted worker reads only the case it is sent
        return self

    def ready(self, timeout: float) -> None:
        """Wait for the load answer; BadInput if the implementation cannot be loaded."""
        self._deadline = time.monotonic() + timeout
        self._case = "(loading the implementation)"
        try:
            reply = self._answer(timeout)
        except AdapterError as err:
            raise BadInput(f"--impl {self.spec}: loading it failed: {err}") from err
        if not reply["ok"]:
            raise BadInput(f"--impl {self.spec}: {reply['error']}")
        self.raw_declares = reply.get("declares")

    def stop(self) -> None:
        """End the worker (its whole process group) and forget it."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        self._send = self._recv = None

    def close(self) -> None:
        """Stop the worker and remove its working directory."""
        self.stop()
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - at interpreter exit, modules may already be gone
            pass

    # -- one case -------------------------------------------------------------
    def submit(self, path: Path, case: dict | None, timeout: float) -> None:
        """Send one case (the worker starts, or restarts after a crash, first). Answer read by :meth:`collect`."""
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            self.start()
            try:
                self.ready(max(timeout, START_SECONDS))
            except BadInput as err:
                self.stop()
                raise AdapterError(f"the worker could not be restarted: {err}") from err
        self._case = Path(path).stem
        self._deadline = time.monotonic() + timeout
        self._mark = self._tail.mark()
        r_reads_it = self.spec == "r" or self.spec.startswith("r:")  # R reads the file with its own reader
        self._post({"op": "run", "path": str(Path(path).resolve()), "case": None if r_reads_it else case,
                    "declares": self.declares})

    def collect(self, timeout: float) -> Any:
        """The result of the case last submitted; AdapterError on an error, crash, exit, timeout or oversize."""
        reply = self._answer(timeout)
        if not reply["ok"]:
            raise AdapterError(reply["error"])
        return reply["result"]

    def run(self, path: Path, case: dict | None, timeout: float) -> Any:
        self.submit(path, case, timeout)
        return self.collect(timeout)

    def _post(self, msg: dict) -> None:
        try:
            self._send.send_bytes(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, OSError):
            pass  # the worker is gone: _answer() says how it ended

    def _answer(self, timeout: float) -> dict:
        remaining = max(0.0, self._deadline - time.monotonic())
        try:
            if not self._recv.poll(remaining):
                self.stop()
                raise AdapterError(f"timed out after {timeout:g} s while running case {self._case}: the worker "
                                   f"process was ended{self._last_output()}")
            data = self._recv.recv_bytes(MAX_RESULT_BYTES)
        except (EOFError, ConnectionResetError):
            raise AdapterError(self._death()) from None
        except OSError as err:  # "bad message length": more than MAX_RESULT_BYTES
            self.stop()
            raise AdapterError(f"its answer for case {self._case} is larger than {MAX_RESULT_BYTES >> 20} MB "
                               f"and was refused ({err}); the worker process was ended") from None
        try:
            reply = plain_loads(data)
        except Exception as err:  # noqa: BLE001 - the worker wrote something else on the runner's pipe
            self.stop()
            raise AdapterError(f"its answer for case {self._case} could not be read ({type(err).__name__}: "
                               f"{err}); did the adapter write to file descriptor "
                               f"{self._recv.fileno()}?") from None
        if not isinstance(reply, dict) or "ok" not in reply:
            self.stop()
            raise AdapterError(f"its answer for case {self._case} is not the worker's")
        return reply

    def _death(self) -> str:
        """How the worker ended, for the report."""
        proc = self.proc
        code = proc.wait(5) if proc is not None else None
        self.stop()
        if code is None:
            how = "the adapter process closed the runner's pipe"
        elif code < 0:
            how = f"the adapter process died with signal {-code} ({signal_name(-code)})"
        else:
            how = (f"the adapter process exited with status {code} (os._exit(), quit() or q() in the "
                   "adapter? an adapter must return its result)")
        return clip_text(f"{how} while running case {self._case}{self._last_output()}")

    def _last_output(self) -> str:
        text = self._tail.since(self._mark) if self._tail else ""
        return f"; last output: {text}" if text else "; no output"
