"""Checks on data and settings before anything trains (R: R/validate.R, same names, same messages).

Every check raises :class:`DataError` with one line naming the field and the offending
value, e.g. ``reuters.json: documents[3].label: expected one of 0, 1, got 2``. Values
from a file are shown as JSON (``null``, ``"1"``, ``0.5``), so a message names the
value as it is written in the file, and R and Python print the same line for the
same file. The committed corpus of bad inputs (tests/bad_data/cases.json) is run
through these checks in both languages and through ``lstmparity train``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

SPLITS = ("train", "valid", "test")


class DataError(ValueError):
    """Bad input data or settings: one line naming the field and the value."""


def show(value: Any) -> str:
    """A value as a message shows it: JSON for file values (``null``, ``"1"``, ``0.5``, ``NaN``)."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:.15g}"
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return repr(value)


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def has_words(text: Any) -> bool:
    return isinstance(text, str) and re.search(r"[a-z]", text.lower()) is not None


# --- text-classification files (lstmparity-text-classification) -------------------------


def check_text_file(raw: Any, path: str, need: tuple[str, ...] = ("train", "test")) -> None:
    """A parsed text-classification file: ``labels`` (>= 2 names) and ``documents``, each with a
    ``text`` holding at least one word, an integer ``label`` in 0..len(labels)-1 and a ``split``
    in train / valid / test; every split in ``need`` must have a document."""
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a JSON object with 'labels' and 'documents'")
    labels = raw.get("labels")
    if not isinstance(labels, list) or len(labels) < 2 or not all(isinstance(s, str) for s in labels):
        raise DataError(f"{path}: labels: expected a list of at least 2 names, got {show(labels)}")
    docs = raw.get("documents")
    if not isinstance(docs, list) or not docs:
        raise DataError(f"{path}: documents: expected a non-empty list, got {show(docs)}")
    allowed = ", ".join(str(k) for k in range(len(labels)))
    for i, d in enumerate(docs):
        where = f"{path}: documents[{i}]"
        if not isinstance(d, dict):
            raise DataError(f"{where}: expected an object with text, label, split, got {show(d)}")
        if not has_words(d.get("text")):
            raise DataError(f"{where}.text: expected a string with at least one word, got {show(d.get('text'))}")
        label = d.get("label")
        if not (is_whole(label) and 0 <= label < len(labels)):
            raise DataError(f"{where}.label: expected one of {allowed}, got {show(label)}")
        if d.get("split") not in SPLITS:
            raise DataError(f'{where}.split: expected "train", "valid" or "test", got {show(d.get("split"))}')
    present = {d["split"] for d in docs}
    for split in need:
        if split not in present:
            raise DataError(f'{path}: documents: no document has split "{split}"')


# --- token data sets (what train_model takes) ---------------------------------------------


def check_dataset(dataset: dict, config: dict, name: str = "train_set") -> None:
    """Token ids in 0..V-1, no empty sequence, targets that fit the head (0-based)."""
    tokens, targets = dataset.get("tokens"), dataset.get("targets")
    if not tokens:
        raise DataError(f"{name}.tokens: expected at least one sequence, got {show(tokens)}")
    if targets is None or len(targets) != len(tokens):
        n = "none" if targets is None else len(targets)
        raise DataError(f"{name}.targets: expected {len(tokens)} (one per sequence), got {n}")
    V, K, head = config.get("V"), config.get("K"), config["head"]
    n_out = 2 if head == "many_to_one_sigmoid" else K
    for n, (seq, y) in enumerate(zip(tokens, targets, strict=True)):
        if len(seq) == 0:
            raise DataError(f"{name}.tokens[{n}]: expected at least one token, got []")
        for t, tok in enumerate(seq):
            if not (is_whole(tok) and 0 <= tok < V):
                raise DataError(f"{name}.tokens[{n}][{t}]: expected a token id in 0..{V - 1}, got {show(tok)}")
        ys = y if head == "many_to_many_softmax" else [y]
        if head == "many_to_many_softmax" and len(ys) != len(seq):
            raise DataError(f"{name}.targets[{n}]: expected {len(seq)} targets (one per token), got {len(ys)}")
        for y_t in ys:
            if not (is_whole(y_t) and 0 <= y_t < n_out):
                raise DataError(f"{name}.targets[{n}]: expected a class in 0..{n_out - 1}, got {show(y_t)}")


# --- training settings --------------------------------------------------------------------


def check_positive(name: str, value: Any, whole: bool = False) -> None:
    """A positive (whole) number, or DataError naming it."""
    ok = is_whole(value) if whole else (isinstance(value, (int, float)) and not isinstance(value, bool))
    if not ok or not value > 0 or (isinstance(value, float) and not math.isfinite(value)):
        kind = "a positive whole number" if whole else "a positive number"
        raise DataError(f"{name}: expected {kind}, got {show(value)}")


def check_options(opts: Any) -> None:
    """epochs, batch_size: positive whole numbers; lr positive; clip / patience positive when given."""
    check_positive("epochs", opts.epochs, whole=True)
    check_positive("batch_size", opts.batch_size, whole=True)
    check_positive("lr", opts.optimizer.get("lr"))
    for key, value in (opts.clip or {}).items():
        check_positive(f"clip.{key}", value)
    if opts.patience is not None:
        check_positive("patience", opts.patience, whole=True)
    if opts.checkpoint_every is not None:
        check_positive("checkpoint_every", opts.checkpoint_every, whole=True)


def check_resume(path: str, ck_config: dict, ck_options: dict, config: dict, options: dict) -> None:
    """A checkpoint continues only the run it came from: the same model and the same settings
    (epochs may differ: resuming with more epochs trains on)."""
    defaults = {"cell": "lstm", "reset_after": True}  # what a config that does not name them runs
    for key in ("D", "H", "V", "K", "head", "cell", "reset_after"):
        ck, now = ck_config.get(key, defaults.get(key)), config.get(key, defaults.get(key))
        if ck != now:
            raise DataError(f"{path}: config.{key}: the checkpoint has {show(ck)}, this run "
                            f"{show(now)} (a checkpoint of another task or model)")
    for key in sorted(set(ck_options) | set(options)):
        if key in ("epochs", "progress", "checkpoint", "checkpoint_every"):
            continue
        if ck_options.get(key) != options.get(key):
            raise DataError(f"{path}: options.{key}: the checkpoint was trained with {show(ck_options.get(key))}, "
                            f"this run asks for {show(options.get(key))}; resume with the same settings")
