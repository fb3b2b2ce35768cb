"""The corpus of misbehaving adapters: what each does, and what the runner must report.

Each is run on fixtures/tiny_random.json (test_corpus.py). ``group`` says how:
``run`` (one run, time limit 20 s, next to the ``python`` and ``r`` references,
which must still agree), ``hang`` (one run, time limit 2 s: the worker is ended) or ``load``
(the adapter cannot be loaded: the command exits 2, --report still written).
``message`` is a part of the runner's message that must appear.

``python -m lstmparity.conformance.tests.adapters.corpus`` prints the table of
docs/conformance.md (a test checks that the two agree).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Misbehaviour:
    spec: str  # py:misbehave.py:function or r:file.R, relative to this folder
    does: str
    status: str
    message: str
    group: str = "run"

    def impl(self) -> str:
        """The --impl argument (absolute path)."""
        if self.spec.startswith("py:"):
            file, func = self.spec[3:].split(":")
            return f"py:{HERE / file}:{func}"
        return f"r:{HERE / self.spec[2:]}"


def py(func: str, does: str, status: str, message: str, group: str = "run") -> Misbehaviour:
    return Misbehaviour(f"py:misbehave.py:{func}", does, status, message, group)


def r(name: str, does: str, status: str, message: str, group: str = "run") -> Misbehaviour:
    return Misbehaviour(f"r:r_{name}.R", does, status, message, group)


EXITED = "the adapter process exited with status"
CORPUS = [
    py("empty", "returns {}", "nothing_compared", "no tensor of the 45 the fixture holds was returned"),
    r("empty", "returns list()", "nothing_compared", "no tensor of the 45 the fixture holds was returned"),
    py("misspelled_phase", 'returns {"foward": ...}', "error", '"foward": unknown; did you mean "forward"?'),
    r("misspelled_phase", "returns list(fwd = ...)", "error", '"fwd": unknown; did you mean "forward"?'),
    py("misspelled_tensor", 'returns forward "ii"', "error", 'forward: "ii": unknown tensor; did you mean "i"'),
    py("tensor_in_wrong_phase", "returns dW under forward", "error",
       'forward: "dW": unknown tensor; dW belongs in grads'),
    py("text_for_a_tensor", 'returns the string "0.5" for i', "error", "forward.i: text, expected a float64 array"),
    r("character", 'returns "0.5" for i', "error", "forward.i: text, expected a float64 array"),
    py("float32", "returns i as float32", "error", "forward.i: float32, expected float64"),
    py("returns_none", "returns None", "error", "returned a NoneType; expected a dict"),
    py("nan", "returns NaN for i", "diverge", ""),
    r("nan", "returns NaN for i", "diverge", ""),
    py("wrong_shape", "returns i of the wrong shape", "diverge", ""),
    py("calls_sys_exit", "calls sys.exit(0)", "error", "called sys.exit(0) (an adapter must return its result"),
    py("calls_os_exit", "calls os._exit(0)", "error", f"{EXITED} 0"),
    r("quit", 'calls quit("no")', "error", f"{EXITED} 0"),
    r("q_status", 'calls q("no", status = 3)', "error", f"{EXITED} 3"),
    py("calls_os_abort", "calls os.abort()", "error", "died with signal 6 (SIGABRT) while running case tiny_random"),
    r("abort", "SIGABRT in the R process", "error", "died with signal 6 (SIGABRT) while running case tiny_random"),
    py("segfault", "reads address 0 (ctypes)", "error", "died with signal 11 (SIGSEGV) while running case tiny_random; "
       "last output: Fatal Python error: Segmentation fault"),
    r("segfault", "SIGSEGV in the R process", "error", "died with signal 11 (SIGSEGV) while running case tiny_random"),
    py("infinite_loop", "loops forever", "error", "timed out after 2 s while running case tiny_random", "hang"),
    r("repeat", "repeat {}", "error", "timed out after 2 s while running case tiny_random", "hang"),
    py("sleeps", "time.sleep(600)", "error", "timed out after 2 s", "hang"),
    r("sleep", "Sys.sleep(600)", "error", "timed out after 2 s", "hang"),
    r("blas", "a long BLAS call (4000 x 4000 products)", "error", "timed out after 2 s", "hang"),
    py("blocking_read", "reads a FIFO nobody writes to", "error", "timed out after 2 s", "hang"),
    r("fifo", "reads a FIFO nobody writes to", "error", "timed out after 2 s", "hang"),
    py("mutates_case", "changes case params W in place (the references still agree)", "nothing_compared", ""),
    py("monkeypatches_lstmparity", "replaces lstmparity's sigmoid (the python reference still agrees)",
       "nothing_compared", ""),
    r("setwd", 'calls setwd("/") (the r reference still agrees)', "nothing_compared", ""),
    r("overwrites_package", "replaces the package's sigmoid() (the r reference still agrees)",
      "nothing_compared", ""),
    py("prints_100_mb", "prints 100 MB, then returns the right answer", "agree", ""),
    r("prints_100_mb", "prints 100 MB, then returns the right answer", "agree", ""),
    py("closes_stdout", "closes its stdout (fd 1), then returns the right answer", "agree", ""),
    py("long_error", "raises a 10 KB error message", "error", "more characters cut)"),
    r("long_error", "stop() with a 10 KB message", "error", "more characters cut)"),
    py("raises_in_helper", "a shape error two calls down", "error",
       "raised ValueError: matmul: Input operand 1 has a mismatch"),
    r("traceback", "a non-conformable product two calls down", "error",
      "R error in x %*% U: non-conformable arguments\n"
      "  gates_of(case$inputs$x[1, , ], case$params$U) at r_traceback.R:3"),
    r("toplevel_quit", "an Rscript-style file ending in q()", "exit 2", f"loading it failed: {EXITED} 0", "load"),
    r("bad_declaration", 'declares supports "masks"', "exit 2", 'unknown feature "masks"; did you mean "mask"?',
      "load"),
    py("bad_declaration", 'declares supports ["masks"]', "exit 2", 'unknown feature "masks"; did you mean "mask"?',
       "load"),
    py("unknown_declaration_key", 'declares "layot"', "exit 2", 'unknown key "layot"; did you mean "layout"?', "load"),
]


def markdown() -> str:
    """The table of docs/conformance.md: adapter, what it does, status, message (a part of it)."""
    rows = ["| adapter | what it does | status | the runner says (part of the message) |", "|---|---|---|---|"]
    for m in CORPUS:
        msg = m.message.split("\n")[0].replace("|", "\\|")
        rows.append(f"| `{m.spec}` | {m.does} | {m.status.replace('_', ' ')} | {f'`{msg}`' if msg else ''} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(markdown() + "\n")
