"""Models people can use: scikit-learn-style estimators (R: ``lstm_fit()`` in R/fit.R).

* :class:`LSTMClassifier` — texts (strings or lists of words) and labels in; ``fit``,
  ``predict``, ``predict_proba``, ``decision_function``, ``score``, ``get_params`` /
  ``set_params``, ``save`` / :func:`load_estimator`. Two classes: sigmoid head; more:
  softmax head.
* :class:`CharLM` — a character language model on one text; ``fit``, ``generate``.

Tokenising, the vocabulary (``<pad>``, ``<unk>``, words seen ``min_count`` times in the
training part), padding and masks happen inside. ``fit`` holds out a ``validation``
fraction (chosen by the seeded shuffle both languages share), trains with Adam and
gradient clipping, stops early when the held-out loss has not improved for ``patience``
epochs and keeps the best epoch's weights. The defaults, the split, the vocabulary and
the training loop are R's ``lstm_fit()``'s: from the same initial weights, both give the
same trajectory.

With scikit-learn installed the classes derive from its ``BaseEstimator`` and
``ClassifierMixin`` (so ``Pipeline``, ``GridSearchCV`` and ``clone`` work); without it
they carry the same ``get_params`` / ``set_params``.

    >>> from lstmparity.training.estimators import LSTMClassifier
    >>> clf = LSTMClassifier(epochs=30, verbose=False).fit(texts, labels)   # doctest: +SKIP
    >>> clf.predict(["a new sentence"])                                     # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import math
from pathlib import Path
from typing import Any

import numpy as np

from lstmparity.core.activations import sigmoid
from lstmparity.core.cell import lstm_step_forward
from lstmparity.core.model import init_params, model_forward
from lstmparity.training.data import (
    build_vocab,
    char_dataset,
    char_vocab,
    encode_words,
    make_batch,
    rng_next,
    rng_seed,
    shuffle_order,
    tokenize,
)
from lstmparity.training.serialize import load_model, save_model
from lstmparity.training.train import TrainOptions, evaluate, train_model
from lstmparity.training.validate import DataError, check_positive, show


class _ParamsMixin:
    """get_params / set_params from the constructor's arguments (scikit-learn's convention)."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._get_param_names()}

    def set_params(self, **params: Any) -> Any:
        for key, value in params.items():
            if key not in self._get_param_names():
                raise ValueError(f"{type(self).__name__}: no parameter {key!r}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


try:  # scikit-learn is optional: with it, the estimators are its estimators
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import ClassifierMixin as _Classifier
except ImportError:  # pragma: no cover - depends on the environment
    class _Classifier:  # type: ignore[no-redef]
        """Stands in for scikit-learn's ClassifierMixin."""

    _Base = _ParamsMixin  # type: ignore[misc]


# --- shared helpers (the same steps as R/fit.R) -------------------------------------------


def as_words(X: Any, name: str = "X") -> list[list[str]]:
    """Texts -> lists of words: a string is tokenised, a list of words is taken as it is.
    Missing (None / NaN) or wordless texts are a DataError naming the position."""
    if isinstance(X, str):
        raise DataError(f"{name}: expected a list of texts, got one string (wrap it in a list)")
    out = []
    for i, x in enumerate(X):
        words = tokenize(x) if isinstance(x, str) else list(x) if isinstance(x, (list, tuple)) else None
        if words is None:
            raise DataError(f"{name}[{i}]: expected a string (or a list of words), got {show(x)}")
        if not words:
            raise DataError(f"{name}[{i}]: expected at least one word, got {show(x)}")
        out.append(words)
    return out


def as_labels(y: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(classes, codes): sorted distinct labels and 0-based codes. Labels are integers,
    booleans or strings; missing (None / NaN) and fractional labels are a DataError."""
    y = list(y)
    if len(y) != n:
        raise DataError(f"y: expected {n} labels (one per text), got {len(y)}")
    for i, v in enumerate(y):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise DataError(f"y[{i}]: missing label ({show(v)})")
        if isinstance(v, (float, np.floating)) and float(v) != int(v):
            raise DataError(f"y[{i}]: expected an integer, boolean or string label, got {show(float(v))}")
    values = np.asarray(y)
    classes, codes = np.unique(values, return_inverse=True)
    if len(classes) < 2:
        raise DataError(f"y: expected at least 2 classes, got only {show(classes[0].item())}")
    return classes, codes.astype(int)


def validation_split(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """(train, valid) indices (0-based, ascending): the first floor(fraction * n) of the seeded
    shuffle are held out. R's validation_split() gives the same sets (1-based)."""
    if not 0 <= fraction < 1:
        raise DataError(f"validation: expected a fraction in [0, 1), got {show(fraction)}")
    order, _ = shuffle_order(n, rng_seed(seed))
    n_valid = int(math.floor(fraction * n))
    valid = sorted(order[:n_valid])
    held = set(valid)
    return [i for i in range(n) if i not in held], valid


class LSTMClassifier(_Classifier, _Base):
    """Word embedding -> LSTM -> dense head, for text classification.

    Parameters: ``embed``, ``hidden`` sizes; ``epochs`` (most), ``batch_size``, ``lr`` (Adam),
    ``clip_norm`` (global gradient norm; None: no clipping); ``min_count``, ``max_len``
    (vocabulary threshold, words kept per text); ``validation`` (held-out fraction, 0 for none),
    ``patience`` (epochs without a better held-out loss before stopping; None: never);
    ``seed`` (weights, split, shuffle); ``verbose`` (progress).
    Fitted: ``classes_``, ``vocab_``, ``config_``, ``params_``, ``history_``.
    """

    def __init__(self, embed: int = 16, hidden: int = 16, epochs: int = 20, batch_size: int = 32,
                 lr: float = 0.01, clip_norm: float | None = 5.0, min_count: int = 2, max_len: int = 50,
                 validation: float = 0.1, patience: int | None = 5, seed: int = 0, verbose: bool = True) -> None:
        self.embed, self.hidden, self.epochs, self.batch_size = embed, hidden, epochs, batch_size
        self.lr, self.clip_norm, self.min_count, self.max_len = lr, clip_norm, min_count, max_len
        self.validation, self.patience, self.seed, self.verbose = validation, patience, seed, verbose

    def _options(self) -> TrainOptions:
        return TrainOptions(epochs=self.epochs, batch_size=self.batch_size,
                            optimizer={"name": "adam", "lr": self.lr},
                            clip=None if self.clip_norm is None else {"max_norm": self.clip_norm},
                            seed=self.seed, patience=self.patience if self.validation else None,
                            progress=bool(self.verbose))

    def fit(self, X: Any, y: Any, init: dict | None = None) -> LSTMClassifier:
        """Train on texts ``X`` and labels ``y``; ``init`` (parameters) replaces the seeded initial weights."""
        for name in ("embed", "hidden", "min_count", "max_len"):
            check_positive(name, getattr(self, name), whole=True)
        opts = self._options()
        words = as_words(X)
        classes, codes = as_labels(y, len(words))
        train_idx, valid_idx = validation_split(len(words), self.validation, self.seed)
        vocab = build_vocab([words[i] for i in train_idx], self.min_count)
        K = len(classes)
        config = {"D": self.embed, "H": self.hidden, "V": len(vocab), "K": 1 if K == 2 else K,
                  "head": "many_to_one_sigmoid" if K == 2 else "many_to_one_softmax"}

        def subset(idx: list[int]) -> dict:
            return {"tokens": [encode_words(words[i], vocab, self.max_len) for i in idx],
                    "targets": [int(codes[i]) for i in idx]}

        if init is None:
            init = init_params(config, self.seed)
            init["E"] = init["E"] * 0.1  # small embeddings: the LSTM starts in its linear range
        result = train_model(init, config, subset(train_idx), subset(valid_idx) if valid_idx else None, opts)
        self.classes_, self.vocab_, self.config_ = classes, vocab, config
        self.params_, self.history_, self.state_ = result.params, result.history, result.state
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise AttributeError(f"this {type(self).__name__} is not fitted yet: call fit(X, y) first")

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits: (n,) with two classes (log-odds of classes_[1]), else (n, K)."""
        self._check_fitted()
        data = {"tokens": [encode_words(w, self.vocab_, self.max_len) for w in as_words(X)]}
        data["targets"] = [0] * len(data["tokens"])
        out = []
        for start in range(0, len(data["tokens"]), 256):
            idx = list(range(start, min(start + 256, len(data["tokens"]))))
            trace, _ = model_forward(self.params_, self.config_, make_batch(data, idx))
            out.append(trace["logits"])
        logits = np.concatenate(out, axis=0)
        return logits[:, 0] if self.config_["head"] == "many_to_one_sigmoid" else logits

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n, n_classes) probabilities, columns in the order of classes_."""
        a = self.decision_function(X)
        if a.ndim == 1:
            p1 = sigmoid(a)
            return np.column_stack([1.0 - p1, p1])
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each text (ties: the first class)."""
        self._check_fitted()
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy."""
        return float(np.average(self.predict(X) == np.asarray(y), weights=sample_weight))

    def save(self, path: str | Path) -> None:
        """The model file R's load_model() / lstm_load() reads (weights, vocabulary, classes, settings)."""
        self._check_fitted()
        meta = {"task": "classifier", "classes": self.classes_.tolist(), "settings": self.get_params()}
        save_model(path, self.params_, self.config_, self.vocab_, meta)


class CharLM(_Base):
    """A character language model on one text: predict character t+1 from character t
    (one sequence, full BPTT, one-hot input learned from there, as the Hamlet demo).
    Fitted: ``vocab_``, ``config_``, ``params_``, ``history_``. ``generate`` samples."""

    def __init__(self, hidden: int = 25, epochs: int = 300, lr: float = 0.01, clip_norm: float | None = 5.0,
                 seed: int = 0, verbose: bool = True) -> None:
        self.hidden, self.epochs, self.lr, self.clip_norm = hidden, epochs, lr, clip_norm
        self.seed, self.verbose = seed, verbose

    def fit(self, text: str, y: Any = None) -> CharLM:
        if not isinstance(text, str) or len(text) < 2:
            raise DataError(f"text: expected a string of at least 2 characters, got {show(text)}")
        check_positive("hidden", self.hidden, whole=True)
        vocab = char_vocab(text)
        V = len(vocab)
        config = {"D": V, "H": self.hidden, "V": V, "K": V, "head": "many_to_many_softmax"}
        params = init_params(config, self.seed)
        params["E"] = np.eye(V)
        opts = TrainOptions(epochs=self.epochs, batch_size=1, optimizer={"name": "adam", "lr": self.lr},
                            clip=None if self.clip_norm is None else {"max_norm": self.clip_norm},
                            seed=self.seed, shuffle=False, progress=bool(self.verbose))
        data = char_dataset(text, vocab)
        result = train_model(params, config, data, None, opts)
        self.vocab_, self.config_, self.params_, self.history_ = vocab, config, result.params, result.history
        self.accuracy_ = evaluate(result.params, config, data)[1]
        return self

    def generate(self, n: int = 100, start: str | None = None, temperature: float = 1.0, seed: int = 0) -> str:
        """``n`` characters after ``start`` (default: the first character of the vocabulary), each
        drawn from softmax(logits / temperature) with the Park-Miller generator (R draws the same)."""
        if not hasattr(self, "params_"):
            raise AttributeError("this CharLM is not fitted yet: call fit(text) first")
        return generate_chars(self.params_, self.config_, self.vocab_, n, start, temperature, seed)

    def save(self, path: str | Path) -> None:
        """The model file R's ``lstm_load()`` reads back as an ``lstm_char_lm``."""
        if not hasattr(self, "params_"):
            raise AttributeError("this CharLM is not fitted yet: call fit(text) first")
        save_model(path, self.params_, self.config_, self.vocab_, {"task": "char_lm", "settings": self.get_params()})


def generate_chars(params: dict, config: dict, vocab: list[str], n: int, start: str | None,
                   temperature: float, seed: int) -> str:
    """Sample n characters: run ``start`` through the model, then feed back each draw.
    A draw is the first k with u < cumsum(p)[k], u = state / (2^31 - 1) (inverse CDF)."""
    check_positive("n", n, whole=True)
    check_positive("temperature", temperature)
    start = start if start else vocab[0]
    index = {ch: k for k, ch in enumerate(vocab)}
    for ch in start:
        if ch not in index:
            raise DataError(f"start: character {ch!r} is not in the model's vocabulary")
    h = np.zeros((1, config["H"]))
    c = np.zeros((1, config["H"]))
    state = rng_seed(seed)
    ids = [index[ch] for ch in start]
    out = []
    for t in range(len(ids) + n - 1):
        tok = ids[t] if t < len(ids) else out[-1]
        xw_t = (params["E"][tok] @ params["W"] + params["b"])[None, :]
        step = lstm_step_forward(xw_t, h, c, params["U"])
        h, c = step.h, step.c
        if t < len(ids) - 1:
            continue
        a = (h @ params["Wy"] + params["by"])[0] / temperature
        p = np.exp(a - a.max())
        p /= p.sum()
        state = rng_next(state)
        u = state / 2147483647
        out.append(int(min(np.searchsorted(np.cumsum(p), u, side="right"), len(p) - 1)))
    return start + "".join(vocab[k] for k in out)


def load_estimator(path: str | Path) -> LSTMClassifier:
    """An LSTMClassifier from a model file (written by ``save`` or by R's ``lstm_save()``)."""
    params, config, vocab, meta = load_model(path)
    if meta.get("task") != "classifier" or "classes" not in meta:
        raise DataError(f"{path}: meta.task: expected \"classifier\" with classes, got {show(meta.get('task'))}")
    clf = LSTMClassifier(**{k: v for k, v in meta.get("settings", {}).items()
                            if k in LSTMClassifier._get_param_names()})
    clf.classes_, clf.vocab_, clf.config_, clf.params_ = np.asarray(meta["classes"]), vocab, config, params
    clf.history_ = []
    return clf
