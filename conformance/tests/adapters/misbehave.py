"""Python adapters that misbehave, one way each (see corpus.py for what the runner must say about each)."""

import ctypes
import os
import sys
import time

import lstmparity.core.activations
import numpy as np
from lstmparity.core.model import run_case


def _shape(case):
    return tuple(case["config"][k] for k in "TBH")


def empty(case):
    return {}


def misspelled_phase(case):
    return {"foward": {"i": np.zeros(_shape(case))}}


def misspelled_tensor(case):
    return {"forward": {"ii": np.zeros(_shape(case))}}


def tensor_in_wrong_phase(case):
    return {"forward": {"dW": np.zeros((2, 12))}}


def text_for_a_tensor(case):
    return {"forward": {"i": "0.5"}}


def float32(case):
    result = run_case(case)
    result["forward"]["i"] = result["forward"]["i"].astype(np.float32)
    return result


def returns_none(case):
    return None


def calls_sys_exit(case):
    sys.exit(0)


def calls_os_exit(case):
    os._exit(0)


def calls_os_abort(case):
    os.abort()


def segfault(case):
    return ctypes.string_at(0)


def infinite_loop(case):
    while True:
        pass


def sleeps(case):
    time.sleep(600)


def blocking_read(case):
    os.mkfifo("never_written")
    with open("never_written") as f:  # blocks: nobody opens the other end
        return f.read()


def mutates_case(case):
    case["params"]["W"] *= 2  # in place: must not reach the reference
    case["params"]["W"][:, :] = case["params"]["W"][:, ::-1]
    return {}


def monkeypatches_lstmparity(case):
    lstmparity.core.activations.sigmoid = lambda z: 0 * z  # must not reach the python reference
    return {}


def prints_100_mb(case):
    chunk = "x" * (1 << 20)
    for _ in range(100):
        sys.stdout.write(chunk)
    sys.stdout.flush()
    return run_case(case)


def closes_stdout(case):
    os.close(1)
    return run_case(case)


def long_error(case):
    raise RuntimeError("y" * 10_000)


def _helper(x):
    return x @ np.ones((7, 7))


def raises_in_helper(case):
    return _helper(case["inputs"]["x"])


def nan(case):
    return {"forward": {"i": np.full(_shape(case), np.nan)}}


def wrong_shape(case):
    return {"forward": {"i": np.zeros((1, 2, 3))}}


def bad_declaration(case):
    return {}


bad_declaration.declares = {"supports": ["masks"]}


def unknown_declaration_key(case):
    return {}


unknown_declaration_key.declares = {"layot": "pytorch"}
