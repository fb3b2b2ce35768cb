"""Data sets, vocabularies, padded mini-batches and a seeded shuffle that R reproduces exactly.

A data set is a dict ``{"tokens": [seq, ...], "targets": [...]}`` of 0-based
token ids. ``targets[n]`` is a sequence as long as ``tokens[n]`` (one target per
step: the many-to-many heads) or a single int (one per sequence: the
many-to-one heads).

Batches are padded at the end to the longest sequence of the batch; the mask is
1 on real steps and 0 on padding (and left out when nothing is padded), so ``h_{T-1}`` is the state at each
sequence's last real step. Padding uses token 0 and target 0 (masked out).

The shuffle uses the Park-Miller "minimal standard" generator
(``s <- 16807 s mod (2^31 - 1)``): every product is below 2^46, so the same
double arithmetic runs in R (``R/data.R``) and gives the same orders.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

PM_MODULUS = 2147483647  # 2^31 - 1
PM_MULTIPLIER = 16807
PAD, UNK = "<pad>", "<unk>"


def rng_seed(seed: int) -> int:
    """A generator state in 1 .. 2^31 - 2 from any integer seed."""
    return int(seed) % (PM_MODULUS - 1) + 1


def rng_next(state: int) -> int:
    """The next Park-Miller state."""
    return (PM_MULTIPLIER * state) % PM_MODULUS


def shuffle_order(n: int, state: int) -> tuple[list[int], int]:
    """A permutation of 0..n-1 (Fisher-Yates, from the back) and the new generator state.

    Step k = n-1 .. 1 draws j = floor(u * (k + 1)), u = state / (2^31 - 1), and swaps k and j.
    """
    order = list(range(n))
    for k in range(n - 1, 0, -1):
        state = rng_next(state)
        j = int(np.floor(state / PM_MODULUS * (k + 1)))
        order[k], order[j] = order[j], order[k]
    return order, state


def batch_indices(order: list[int], batch_size: int) -> list[list[int]]:
    """Consecutive slices of ``order`` of ``batch_size`` (the last may be shorter)."""
    return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


def make_batch(dataset: dict, idx: list[int]) -> dict[str, np.ndarray]:
    """Inputs for model_forward: tokens (T, B) int, mask (T, B) float, targets (T, B) or (B,).

    Without padding (all sequences of the batch equally long) there is no ``mask``: an
    all-ones mask gives the same numbers, and the unmasked step is cheaper.
    """
    seqs = [dataset["tokens"][n] for n in idx]
    T, B = max(len(s) for s in seqs), len(seqs)
    tokens = np.zeros((T, B), dtype=np.int64)
    mask = np.zeros((T, B))
    for b, s in enumerate(seqs):
        tokens[: len(s), b] = s
        mask[: len(s), b] = 1.0
    targets = [dataset["targets"][n] for n in idx]
    if isinstance(targets[0], (list, tuple, np.ndarray)):
        y = np.zeros((T, B), dtype=np.int64)
        for b, s in enumerate(targets):
            y[: len(s), b] = s
    else:
        y = np.asarray(targets)
    if mask.all():
        return {"tokens": tokens, "targets": y}
    return {"tokens": tokens, "mask": mask, "targets": y}


# --- characters (Hamlet) -------------------------------------------------------------------


def char_vocab(text: str) -> list[str]:
    """The distinct characters of text, sorted by code point."""
    return sorted(set(text))


def char_dataset(text: str, vocab: list[str]) -> dict:
    """One sequence: predict character t+1 from character t (T = len(text) - 1)."""
    index = {ch: k for k, ch in enumerate(vocab)}
    ids = [index[ch] for ch in text]
    return {"tokens": [ids[:-1]], "targets": [ids[1:]]}


def read_text(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")


# --- words (Reuters) -----------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Lower-case words: maximal runs of the letters a-z (numbers and punctuation dropped).
    One text; tokenize_texts() takes a list."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize(): expected one string, got {type(text).__name__} (use tokenize_texts())")
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(docs: list[list[str]], min_count: int = 2) -> list[str]:
    """["<pad>", "<unk>", words seen >= min_count times, by count then alphabetically]."""
    counts = Counter(w for doc in docs for w in doc)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return [PAD, UNK, *words]


def encode_words(words: list[str], vocab: list[str], max_len: int) -> list[int]:
    """Ids of the first max_len words; unknown words map to <unk> (id 1)."""
    index = {w: k for k, w in enumerate(vocab)}
    return [index.get(w, 1) for w in words[:max_len]]


def read_reuters(path: str | Path | None = None, need: tuple[str, ...] = ("train", "test")) -> dict:
    """A text-classification file (default: the Reuters acq/crude demo data), checked
    (validate.check_text_file): a bad file is a DataError naming the document and field."""
    from lstmparity.training.validate import DataError, check_text_file

    path = path or dataset_path("reuters_acq_crude.json")
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataError(f"{path}: cannot read a JSON file: {str(e).splitlines()[0]}") from None
    check_text_file(raw, str(path), need)
    return raw


DEMO_TEXTS = {"reuters": "reuters_acq_crude.json", "austen": "austen_sentences.json"}


def demo_texts(name: str, split: str | None = None) -> tuple[list[str], list[str]]:
    """(texts, labels) of an installed demo corpus: "reuters" (70 news texts, acq / crude) or
    "austen" (3000 sentences, Sense and Sensibility / Pride and Prejudice); labels are the class
    names. ``split``: "train", "valid" or "test" only (None: all). R: demo_texts()."""
    if name not in DEMO_TEXTS:
        from lstmparity.training.validate import DataError

        raise DataError(f"name: expected one of {', '.join(map(repr, DEMO_TEXTS))}, got {name!r}")
    raw = read_reuters(dataset_path(DEMO_TEXTS[name]), need=())
    docs = [d for d in raw["documents"] if split is None or d["split"] == split]
    return [d["text"] for d in docs], [raw["labels"][d["label"]] for d in docs]


def text_datasets(raw: dict, min_count: int = 2, max_len: int = 100) -> tuple[dict, dict, list[str]]:
    """(train, test, vocab) from a text-classification file; vocab from the train split only
    (documents of split "valid" are left out: use text_splits() for all three)."""
    sets, vocab = text_splits(raw, min_count, max_len)
    return sets["train"], sets["test"], vocab


def text_splits(raw: dict, min_count: int = 2, max_len: int = 100) -> tuple[dict[str, dict], list[str]]:
    """({"train", "valid", "test"}: data sets, vocab); vocab from the train split only."""
    docs = raw["documents"]
    words = [tokenize(d["text"]) for d in docs]
    vocab = build_vocab([w for w, d in zip(words, docs, strict=True) if d["split"] == "train"], min_count)
    sets = {s: {"tokens": [], "targets": []} for s in ("train", "valid", "test")}
    for w, d in zip(words, docs, strict=True):
        sets[d["split"]]["tokens"].append(encode_words(w, vocab, max_len))
        sets[d["split"]]["targets"].append(int(d["label"]))
    return sets, vocab


def dataset_path(name: str) -> Path:
    """A demo data file shipped with the package (``hamlet.txt``, ``reuters_acq_crude.json``,
    ``austen_sentences.json``): package data ``lstmparity/datasets/`` when installed from a wheel,
    ``inst/extdata/`` of the repository when installed editable (R installs the same folder)."""
    for folder in (Path(__file__).resolve().parents[1] / "datasets", repo_path("inst", "extdata")):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name}: not among the package's data files (lstmparity/datasets, inst/extdata)")


def tokenize_texts(texts: list[str]) -> list[list[str]]:
    """tokenize() of every text (R: tokenize_texts(), which returns a list)."""
    if isinstance(texts, str):
        raise TypeError("tokenize_texts(): expected a list of texts, got one string (use tokenize())")
    return [tokenize(t) for t in texts]


def repo_path(*parts: str) -> Path:
    """A path inside the repository (the package is installed editable from it)."""
    return Path(__file__).resolve().parents[3].joinpath(*parts)
