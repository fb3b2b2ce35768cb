"""Same initial weights + same data order => the same trajectory in Python and R.

Python saves the initial model (lstmparity model JSON) and the data; R (Rscript,
sourcing R/) loads both and trains 50 steps with the same options and seed, then
saves its step losses and final model. Losses and parameters must agree to 1e-9
relative (max |a - b| <= 1e-9 * max |b|, per tensor). Also: a model written by R
reads back bit-exactly in Python and vice versa.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from lstmparity.training.data import repo_path
from lstmparity.training.serialize import load_model, save_model
from lstmparity.training.train import TrainOptions, train_model
from train_helpers import tiny_lm, tiny_task

RTOL = 1e-9
RSCRIPT = shutil.which("Rscript")
pytestmark = pytest.mark.skipif(RSCRIPT is None, reason="Rscript not installed")

R_TRAIN = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "source.R")); lp <- lstmparity_source(file.path(args[1], "R"))
job <- jsonlite::fromJSON(args[2], simplifyVector = FALSE)
m <- lp$load_model(job$model)
ids <- function(s) as.integer(unlist(s)) + 1L  # files are 0-based
data <- list(tokens = lapply(job$tokens, ids),
             targets = if (m$config$head == "many_to_many_softmax") lapply(job$targets, ids) else unlist(job$targets))
clip <- job$clip
opts <- lp$train_options(epochs = job$epochs, batch_size = job$batch_size, optimizer = job$optimizer,
                         clip = clip, seed = job$seed, progress = FALSE)
res <- lp$train_model(m$params, m$config, data, NULL, opts)
lp$save_model(job$out_model, res$params, m$config)
writeLines(sprintf("%.17g", res$state$step_losses), job$out_losses)
"""


def rel_close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and float(np.max(np.abs(a - b))) <= rtol * float(np.max(np.abs(b)))


def run_r(tmp_path: Path, job: dict) -> None:
    script, job_file = tmp_path / "train.R", tmp_path / "job.json"
    script.write_text(R_TRAIN)
    job_file.write_text(json.dumps(job))
    proc = subprocess.run([RSCRIPT, str(script), str(repo_path()), str(job_file)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("task,optimizer,clip,batch_size,epochs", [
    (tiny_task, {"name": "adam", "lr": 0.05}, {"max_norm": 1.0}, 4, 10),                 # 5 batches x 10
    (tiny_lm, {"name": "sgd", "lr": 0.3, "momentum": 0.9}, {"value": 0.5}, 4, 25),     # 2 batches x 25
], ids=["classifier-adam-clipnorm", "charlm-sgd-momentum-clipvalue"])
def test_fifty_steps_agree_in_python_and_r(tmp_path, task, optimizer, clip, batch_size, epochs):
    params, config, data = task()
    save_model(tmp_path / "init.json", params, config)
    p0, c0, _, _ = load_model(tmp_path / "init.json")
    opts = TrainOptions(epochs=epochs, batch_size=batch_size, optimizer=optimizer, clip=clip, seed=5,
                        progress=False)
    stop = {"at": 50}

    def on_step(state):
        if state.step == stop["at"]:
            raise KeyboardInterrupt  # stop after exactly 50 steps

    py = train_model(p0, c0, data, None, opts, on_step=on_step)
    assert py.state.step == 50
    n_epochs = -(-50 // -(-len(data["tokens"]) // batch_size))
    job = {"model": str(tmp_path / "init.json"), "tokens": data["tokens"], "targets": data["targets"],
           "epochs": n_epochs, "batch_size": batch_size, "optimizer": optimizer, "clip": clip, "seed": 5,
           "out_model": str(tmp_path / "r_final.json"), "out_losses": str(tmp_path / "r_losses.txt")}
    run_r(tmp_path, job)
    r_losses = np.array([float(x) for x in (tmp_path / "r_losses.txt").read_text().split()])[:50]
    assert len(r_losses) == 50
    py_losses = np.array(py.state.step_losses)
    print("max |loss R - loss Py| / max |loss|:", np.max(np.abs(r_losses - py_losses)) / np.max(np.abs(py_losses)))
    assert rel_close(r_losses, py_losses)
    assert n_epochs * -(-len(data["tokens"]) // batch_size) == 50  # R stops at step 50 too
    r_params = load_model(tmp_path / "r_final.json")[0]
    for k in p0:
        assert rel_close(r_params[k], py.params[k]), k
    assert py.state.step_losses[-1] < py.state.step_losses[0]


def test_r_written_model_reads_back_exactly(tmp_path):
    params, config, _ = tiny_task()
    params = {k: v * np.pi / 3 for k, v in params.items()}
    save_model(tmp_path / "py.json", params, config, ["x", "y\u2014"], {"task": "t"})
    script = tmp_path / "rt.R"
    script.write_text(r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "source.R")); lp <- lstmparity_source(file.path(args[1], "R"))
m <- lp$load_model(args[2])
lp$save_model(args[3], m$params, m$config, m$vocab, m$meta)
""")
    proc = subprocess.run([RSCRIPT, str(script), str(repo_path()), str(tmp_path / "py.json"),
                           str(tmp_path / "r.json")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    p2, c2, vocab, meta = load_model(tmp_path / "r.json")
    for k in params:
        assert np.array_equal(p2[k], params[k]), k
    assert c2 == config and vocab == ["x", "y\u2014"] and meta == {"task": "t"}
