"""Without the optional dependencies (pyproject.toml's extras), the core runs and the CLI says what to install.

Each test runs a fresh Python whose PYTHONPATH starts with stand-ins for
jsonschema, tqdm and matplotlib that raise ModuleNotFoundError on import, as in
an environment where only `pip install lstmparity` (NumPy) was done. (The
environment variable, unlike an import hook, also reaches a process the
command re-executes.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = ("jsonschema", "tqdm", "matplotlib")


@pytest.fixture
def numpy_only(tmp_path: Path) -> dict[str, str]:
    """The environment of a process in which the optional dependencies cannot be imported."""
    for name in OPTIONAL:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name={name!r})\n"
        )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # The timeout only stops a run that should have ended at once (it would train a model).
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


def test_the_stand_ins_block(numpy_only: dict[str, str]) -> None:
    for name in OPTIONAL:
        done = run(["-c", f"import {name}"], numpy_only)
        assert done.returncode == 1 and f"No module named '{name}'" in done.stderr


def test_the_core_runs_with_numpy_only(numpy_only: dict[str, str]) -> None:
    code = """
import numpy as np
from lstmparity import init_params, loss_and_grads
config = {"T": 3, "B": 2, "D": 2, "H": 3, "V": None, "K": 2, "head": "many_to_one_softmax"}
params = init_params(config, seed=0)
loss, grads = loss_and_grads(params, config, {"x": np.ones((3, 2, 2)), "targets": np.array([0, 1])})
print(sorted(grads))
"""
    done = run(["-c", code], numpy_only)
    assert done.returncode == 0, done.stderr
    assert "'dW'" in done.stdout


@pytest.mark.parametrize(
    ("argv", "extra"),
    [(["train", "hamlet"], "train"), (["fixtures", "--check"], "suite"), (["conform", "--impl", "python"], "suite")],
)
def test_the_cli_names_the_extra_to_install(numpy_only: dict[str, str], argv: list[str], extra: str) -> None:
    done = run(["-m", "lstmparity.cli", "--help"], numpy_only)
    assert done.returncode == 0, done.stderr
    assert all(command in done.stdout for command in ("fixtures", "conform", "train", "bench"))
    done = run(["-m", "lstmparity.cli", *argv], numpy_only)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"pip install 'lstmparity[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
