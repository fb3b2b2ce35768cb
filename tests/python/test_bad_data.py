"""The committed corpus of bad inputs (tests/bad_data/cases.json), in Python and through the CLI.

Each case must stop with one line naming the field and the value, before anything trains
or is written (R runs the same corpus: tests/testthat/test-bad-data.R).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from lstmparity.training.data import read_reuters, repo_path
from lstmparity.training.estimators import LSTMClassifier
from lstmparity.training.train import TrainOptions, train_model
from lstmparity.training.validate import DataError, check_dataset, check_options

CASES = json.loads(repo_path("tests", "bad_data", "cases.json").read_text())["cases"]
LSTMPARITY = shutil.which("lstmparity") or str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "lstmparity")


def of_kind(*kinds: str) -> list:
    return [pytest.param(c, id=c["name"]) for c in CASES if c["kind"] in kinds]


def write_input(case: dict, folder: Path) -> Path:
    path = folder / f"{case['name']}.json"
    path.write_text(case["input"] if case["kind"] == "file_text" else json.dumps(case["input"]))
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LSTMPARITY, "train", *args, "--quiet", "--threads", "0"], capture_output=True, text=True,
                          timeout=300)


def assert_one_line_error(proc: subprocess.CompletedProcess, message: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and "accuracy" not in proc.stdout


def test_the_corpus_covers_every_kind():
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"file", "file_text", "dataset", "options", "fit", "checkpoint"}
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", of_kind("file", "file_text"))
def test_bad_files_stop_with_one_line(case, tmp_path):
    path = write_input(case, tmp_path)
    with pytest.raises(DataError) as err:
        read_reuters(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ") and case["error"] in message


@pytest.mark.parametrize("case", of_kind("file", "file_text"))
def test_bad_files_stop_the_cli_and_write_nothing(case, tmp_path):
    path = write_input(case, tmp_path)
    saved = tmp_path / "model.json"
    proc = cli("reuters", "--data", str(path), "--epochs", "1", "--save", str(saved))
    assert_one_line_error(proc, f"{path}: {case['error']}" if case["kind"] == "file" else case["error"])
    assert not saved.exists()


@pytest.mark.parametrize("case", of_kind("dataset"))
def test_bad_token_data_stop_training(case):
    with pytest.raises(DataError, match=None) as err:
        check_dataset(case["input"], case["config"], "train_set")
    assert str(err.value) == case["error_py"]
    from lstmparity.core.model import init_params

    with pytest.raises(DataError):  # train_model runs the same check before its first step
        train_model(init_params(case["config"]), case["config"], case["input"], None, TrainOptions(progress=False))


@pytest.mark.parametrize("case", of_kind("options"))
def test_bad_settings_stop_before_training(case):
    field, value = next(iter(case["input"].items()))
    opts = TrainOptions(optimizer={"name": "adam", "lr": value}) if field == "lr" else TrainOptions(**{field: value})
    with pytest.raises(DataError) as err:
        check_options(opts)
    assert str(err.value) == case["error"]
    with pytest.raises(DataError) as err:
        LSTMClassifier(**{field: value}, verbose=False).fit(["oil rose", "shares fell"], [1, 0])
    assert str(err.value) == case["error"]


@pytest.mark.parametrize("case", [c for c in of_kind("options") if c.values[0]["cli"]])
def test_bad_settings_stop_the_cli(case):
    assert_one_line_error(cli("reuters", *case["cli"]), case["error"])


@pytest.mark.parametrize("case", of_kind("fit"))
def test_bad_texts_and_labels_stop_fit(case):
    y = [math.nan if v is None and case["name"] == "fit_label_nan" else v for v in case["input"]["y"]]
    clf = LSTMClassifier(epochs=1, verbose=False)
    with pytest.raises(DataError) as err:
        clf.fit(case["input"]["x"], y)
    assert str(err.value) == case["error_py"]
    assert not hasattr(clf, "params_")  # nothing fitted


def test_a_nan_label_names_its_position():
    with pytest.raises(DataError, match=r"^y\[1\]: missing label \(NaN\)$"):
        LSTMClassifier(verbose=False).fit(["oil rose", "shares fell"], [1, math.nan])


@pytest.fixture(scope="module")
def hamlet_checkpoint(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ck") / "hamlet.json"
    proc = cli("hamlet", "--epochs", "2", "--checkpoint", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.mark.parametrize("case", of_kind("checkpoint"))
def test_bad_checkpoints_stop_the_cli(case, hamlet_checkpoint, tmp_path):
    path = tmp_path / "ck.json"
    text = hamlet_checkpoint.read_text()
    path.write_text(text[: len(text) // 2] if case["make"] == "truncate" else text)
    before = path.read_bytes()
    task, extra = ("reuters", []) if case["make"] == "other_task" else ("hamlet", [])
    if case["make"] == "change_lr":
        extra = ["--lr", "0.02"]
    proc = cli(task, "--resume", str(path), "--epochs", "4", *extra)
    assert_one_line_error(proc, f"{path}: {case['error']}")
    assert path.read_bytes() == before  # the checkpoint is left as it was
