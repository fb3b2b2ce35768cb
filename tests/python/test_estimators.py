"""LSTMClassifier / CharLM: fit, predict, save / load, scikit-learn's conventions, and the same
trajectory as R's lstm_fit() from the same initial weights."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from lstmparity.core.model import init_params
from lstmparity.training.data import dataset_path, read_text, repo_path, tokenize_texts
from lstmparity.training.estimators import CharLM, LSTMClassifier, load_estimator, validation_split
from lstmparity.training.serialize import save_model
from lstmparity.training.validate import DataError

RSCRIPT = shutil.which("Rscript")
OIL = ["oil prices rose", "crude oil output fell", "opec cut oil output", "oil and gas prices"]
FIRM = ["the company bought shares", "a merger of two firms", "shares of the bank", "the firm was acquired"]
X = (OIL + FIRM) * 4
Y = ([1] * 4 + [0] * 4) * 4
NEW = ["oil output rose", "the bank bought a firm", "words never seen"]


def test_fit_predict_and_pickle_give_the_same_predictions(tmp_path):
    clf = LSTMClassifier(epochs=30, min_count=1, validation=0.25, verbose=False).fit(X, Y)
    proba = clf.predict_proba(NEW)
    assert proba.shape == (3, 2) and np.allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-15)  # 1 - p + p
    assert list(clf.classes_) == [0, 1]
    assert clf.predict(NEW).tolist() == (proba[:, 1] > 0.5).astype(int).tolist()
    assert clf.score(X, Y) > 0.9  # a separable toy task is learned
    back = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(back.predict_proba(NEW), proba)
    clf.save(tmp_path / "m.json")
    assert np.array_equal(load_estimator(tmp_path / "m.json").predict_proba(NEW), proba)


def test_string_labels_and_more_classes():
    labels = ["crude" if y else "acq" for y in Y]
    clf = LSTMClassifier(epochs=2, min_count=1, verbose=False).fit(X, labels)
    assert list(clf.classes_) == ["acq", "crude"] and set(clf.predict(NEW)) <= {"acq", "crude"}
    three = (["a", "b", "c", "a"] * 8)
    clf3 = LSTMClassifier(epochs=2, min_count=1, verbose=False).fit(X, three)
    assert clf3.config_["head"] == "many_to_one_softmax" and clf3.predict_proba(NEW).shape == (3, 3)


def test_get_and_set_params_follow_scikit_learn():
    clf = LSTMClassifier(hidden=8)
    params = clf.get_params()
    assert params["hidden"] == 8 and params["epochs"] == 20 and params["lr"] == 0.01
    assert clf.set_params(lr=0.1, epochs=3) is clf and clf.lr == 0.1 and clf.epochs == 3
    with pytest.raises(ValueError):
        clf.set_params(no_such_setting=1)
    assert not hasattr(clf, "params_")  # unfitted
    with pytest.raises(AttributeError, match="not fitted"):
        clf.predict(NEW)


def test_usable_in_a_scikit_learn_grid_search():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    assert sklearn.base.is_classifier(LSTMClassifier())
    assert clone(LSTMClassifier(hidden=4)).get_params()["hidden"] == 4
    search = GridSearchCV(LSTMClassifier(epochs=3, min_count=1, verbose=False), {"hidden": [4, 8]}, cv=2)
    search.fit(X, Y)
    assert search.best_params_["hidden"] in (4, 8) and search.predict(NEW).shape == (3,)


def test_the_validation_split_is_seeded_and_pinned():
    assert validation_split(10, 0.3, 0) == ([0, 1, 3, 6, 7, 8, 9], [2, 4, 5])  # R: c(3, 5, 6) (1-based)
    with pytest.raises(DataError, match=r"^validation: expected a fraction in \[0, 1\), got 1$"):
        validation_split(10, 1, 0)


def test_tokenize_texts_and_installed_data():
    assert tokenize_texts(["To be,", "OR not"]) == [["to", "be"], ["or", "not"]]
    assert len(read_text(dataset_path("hamlet.txt"))) == 866


def test_char_lm_learns_and_generates_reproducibly():
    lm = CharLM(epochs=15, verbose=False).fit(read_text(dataset_path("hamlet.txt")))
    assert lm.history_[-1]["loss"] < lm.history_[0]["loss"] - 0.3
    text = lm.generate(40, start="to be", seed=3)
    assert len(text) == 45 and text.startswith("to be") and lm.generate(40, start="to be", seed=3) == text
    with pytest.raises(DataError, match="start: character 'X'"):
        lm.generate(5, start="X")


R_FIT = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "source.R")); lp <- lstmparity_source(file.path(args[1], "R"))
job <- jsonlite::fromJSON(args[2], simplifyVector = TRUE)
init <- lp$load_model(job$init)$params
fit <- lp$lstm_fit(job$x, job$y, embed = 4, hidden = 5, epochs = 6, batch_size = 4, lr = 0.05, min_count = 1,
                   validation = 0.25, patience = 10, seed = 3, verbose = FALSE, init = init)
lp$lstm_save(fit, job$out_model)
writeLines(jsonlite::toJSON(list(loss = fit$history$loss, valid_loss = fit$history$valid_loss,
                                 prob = lp$predict.lstm_fit(fit, job$new, type = "prob")), digits = NA), job$out)
"""


@pytest.mark.skipif(RSCRIPT is None, reason="Rscript not installed")
def test_python_and_r_fits_agree_from_the_same_initial_weights(tmp_path):
    """LSTMClassifier.fit and lstm_fit(): the same split, vocabulary, batches and updates, so from the
    same initial weights the epoch losses and held-out losses agree to 1e-9 relative (the bound of
    test_train_parity.py: the two float64 loops differ only in the order of some sums, ~1e-16 per step),
    and R's saved model predicts in Python what it predicts in R."""
    settings = {"embed": 4, "hidden": 5, "epochs": 6, "batch_size": 4, "lr": 0.05, "min_count": 1,
                "validation": 0.25, "patience": 10, "seed": 3, "verbose": False}
    probe = LSTMClassifier(**settings).set_params(epochs=1).fit(X, Y)  # only for the config / vocabulary size
    init = init_params(probe.config_, seed=11)
    save_model(tmp_path / "init.json", init, probe.config_)
    py = LSTMClassifier(**settings).fit(X, Y, init=init)
    job = {"init": str(tmp_path / "init.json"), "x": X, "y": Y, "new": NEW, "out": str(tmp_path / "r.json"),
           "out_model": str(tmp_path / "r_model.json")}
    (tmp_path / "job.json").write_text(json.dumps(job))
    (tmp_path / "fit.R").write_text(R_FIT)
    proc = subprocess.run([RSCRIPT, str(tmp_path / "fit.R"), str(repo_path()), str(tmp_path / "job.json")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    r = json.loads((tmp_path / "r.json").read_text())
    for key in ("loss", "valid_loss"):
        ours = np.array([row[key] for row in py.history_])
        assert ours.shape == (6,) and np.allclose(ours, r[key], rtol=1e-9, atol=0), key
    assert np.allclose(py.predict_proba(NEW)[:, 1], r["prob"], rtol=1e-9, atol=0)
    from_r = load_estimator(Path(tmp_path / "r_model.json"))  # R's saved model, read by Python
    assert np.allclose(from_r.predict_proba(NEW)[:, 1], r["prob"], rtol=1e-12, atol=0)
    assert list(from_r.classes_) == [0, 1] and from_r.vocab_ == py.vocab_


R_GENERATE = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "source.R")); lp <- lstmparity_source(file.path(args[1], "R"))
lm <- lp$lstm_load(args[2])
cat(lp$generate.lstm_char_lm(lm, 200, start = "to be", temperature = 0.8, seed = 7))
"""


@pytest.mark.skipif(RSCRIPT is None, reason="Rscript not installed")
def test_r_generates_the_characters_python_generates(tmp_path):
    """The same model and seed draw the same 200 characters in both languages: the Park-Miller
    draws are exact, and a draw changes only if a cumulative probability lands within rounding
    (~1e-16) of u, which these 200 draws do not."""
    lm = CharLM(epochs=30, verbose=False).fit(read_text(dataset_path("hamlet.txt")))
    lm.save(tmp_path / "lm.json")
    (tmp_path / "gen.R").write_text(R_GENERATE)
    proc = subprocess.run([RSCRIPT, str(tmp_path / "gen.R"), str(repo_path()), str(tmp_path / "lm.json")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == lm.generate(200, start="to be", temperature=0.8, seed=7)
