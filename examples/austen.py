"""Learning on a real corpus, measured honestly: which Austen novel is a sentence from?

    OPENBLAS_NUM_THREADS=1 .venv/bin/python examples/austen.py            # the table (docs/training.md)
    OPENBLAS_NUM_THREADS=1 .venv/bin/python examples/austen.py --select   # how the settings were chosen
    Rscript examples/austen.R                                             # our R, the same runs

Data: inst/extdata/austen_sentences.json (examples/make_austen_data.R, from Debian's
r-cran-janeaustenr): Sense and Sensibility (0) vs Pride and Prejudice (1), sentences of
8..40 words, a fixed split of 2000 train / 500 valid / 500 test (balanced).

The table: test accuracy (mean +- sd over seeds 0..4) of
* our LSTM in Python (embedding -> LSTM -> sigmoid head; Adam, clip-norm 5, batches of 32,
  the seeded shuffle, a fixed number of epochs),
* torch.nn.LSTM in float64 with the same architecture, optimiser, clipping, batches (the same
  shuffled order) and epochs, initialised by torch (seeded by the same seed; embeddings * 0.1 as
  ours),
* a bag-of-words logistic regression (binary word presence over the same vocabulary, L2,
  C chosen on the validation split; fitted by L-BFGS in torch, deterministic: sd 0),
and the mean seconds per training epoch. ``--select`` runs the grid the LSTM settings were chosen
from, on the validation split only (seed 0); the test split is read only for the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from lstmparity.core.model import init_params
from lstmparity.training.data import batch_indices, dataset_path, make_batch, read_reuters, shuffle_order, text_splits
from lstmparity.training.train import TrainOptions, evaluate, train_model

# Chosen with --select (validation accuracy, seed 0); read by examples/austen.R too.
SETTINGS = json.loads((Path(__file__).parent / "austen_settings.json").read_text())
SEEDS = SETTINGS.pop("seeds")
GRID = [{"hidden": h, "embed": h, "lr": lr} for h in (16, 32) for lr in (0.003, 0.01)]


def load(min_count: int, max_len: int) -> tuple[dict, list[str]]:
    raw = read_reuters(dataset_path("austen_sentences.json"), need=("train", "valid", "test"))
    return text_splits(raw, min_count, max_len)


def ours(sets: dict, vocab: list[str], s: dict, seed: int, valid_each_epoch: bool = False) -> dict:
    """Our NumPy LSTM: returns test (or per-epoch valid) accuracy and seconds per epoch."""
    config = {"D": s["embed"], "H": s["hidden"], "V": len(vocab), "K": 1, "head": "many_to_one_sigmoid"}
    params = init_params(config, seed)
    params["E"] = params["E"] * 0.1
    opts = TrainOptions(epochs=s["epochs"], batch_size=s["batch_size"], optimizer={"name": "adam", "lr": s["lr"]},
                        clip={"max_norm": s["clip_norm"]}, seed=seed, progress=False)
    result = train_model(params, config, sets["train"], sets["valid"] if valid_each_epoch else None, opts)
    secs = statistics.mean(row["seconds"] for row in result.history)
    if valid_each_epoch:
        return {"valid": [row["valid_accuracy"] for row in result.history], "seconds": secs}
    return {"test": evaluate(result.params, config, sets["test"])[1], "seconds": secs}


def torch_lstm(sets: dict, vocab: list[str], s: dict, seed: int) -> dict:
    """torch.nn.LSTM, float64, the same architecture / optimiser / clipping / batches / epochs."""
    import torch

    torch.set_num_threads(1)  # as our NumPy (OPENBLAS_NUM_THREADS=1): these matrices are too small for threads
    torch.manual_seed(seed)
    emb = torch.nn.Embedding(len(vocab), s["embed"]).double()
    lstm = torch.nn.LSTM(s["embed"], s["hidden"]).double()
    head = torch.nn.Linear(s["hidden"], 1).double()
    with torch.no_grad():
        emb.weight.mul_(0.1)
    params = [*emb.parameters(), *lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=s["lr"])

    def logits(batch: dict) -> torch.Tensor:
        tokens = torch.as_tensor(batch["tokens"])
        lengths = torch.as_tensor(batch["mask"].sum(axis=0) if "mask" in batch else
                                  np.full(tokens.shape[1], tokens.shape[0]), dtype=torch.int64)
        packed = torch.nn.utils.rnn.pack_padded_sequence(emb(tokens), lengths, enforce_sorted=False)
        _, (h_n, _) = lstm(packed)
        return head(h_n[0])[:, 0]

    train = sets["train"]
    n, rng, secs = len(train["tokens"]), 0, []
    from lstmparity.training.data import rng_seed

    rng = rng_seed(seed)
    for _ in range(s["epochs"]):
        order, rng = shuffle_order(n, rng)
        start = time.perf_counter()
        for idx in batch_indices(order, s["batch_size"]):
            batch = make_batch(train, idx)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits(batch), torch.as_tensor(batch["targets"], dtype=torch.float64))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, s["clip_norm"])
            opt.step()
        secs.append(time.perf_counter() - start)
    test = sets["test"]
    with torch.no_grad():
        correct = 0
        for idx in batch_indices(list(range(len(test["tokens"]))), 256):
            batch = make_batch(test, idx)
            correct += int(((logits(batch) > 0).numpy().astype(int) == batch["targets"]).sum())
    return {"test": correct / len(test["tokens"]), "seconds": statistics.mean(secs)}


def bag_of_words(sets: dict, vocab: list[str]) -> dict:
    """L2 logistic regression on binary word presence; C from {0.01, 0.1, 1, 10} on the validation split."""
    import torch

    def features(data: dict) -> torch.Tensor:
        X = torch.zeros(len(data["tokens"]), len(vocab), dtype=torch.float64)
        for n, seq in enumerate(data["tokens"]):
            X[n, [t for t in seq if t > 1]] = 1.0  # not <pad>, <unk>
        return X

    Xtr, Xva, Xte = (features(sets[k]) for k in ("train", "valid", "test"))
    ytr = torch.as_tensor(sets["train"]["targets"], dtype=torch.float64)

    def fit(C: float) -> tuple[torch.Tensor, torch.Tensor]:
        w = torch.zeros(len(vocab), dtype=torch.float64, requires_grad=True)
        b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([w, b], max_iter=500, tolerance_grad=1e-9, line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(Xtr @ w + b, ytr, reduction="sum")
            loss = loss + 0.5 / C * (w @ w)
            loss.backward()
            return loss

        opt.step(closure)
        return w.detach(), b.detach()

    def accuracy(X: torch.Tensor, data: dict, wb: tuple) -> float:
        pred = ((X @ wb[0] + wb[1]) > 0).numpy().astype(int)
        return float(np.mean(pred == np.asarray(data["targets"])))

    start = time.perf_counter()
    scores = {C: accuracy(Xva, sets["valid"], fit(C)) for C in (0.01, 0.1, 1.0, 10.0)}
    best = max(scores, key=lambda C: (scores[C], -C))
    test = accuracy(Xte, sets["test"], fit(best))
    return {"test": test, "C": best, "valid": scores[best], "seconds": time.perf_counter() - start}


def select() -> None:
    """The grid on the validation split (seed 0): validation accuracy after every epoch."""
    for g in GRID:
        s = {**SETTINGS, **g, "epochs": 15}
        sets, vocab = load(s["min_count"], s["max_len"])
        out = ours(sets, vocab, s, seed=0, valid_each_epoch=True)
        best = int(np.argmax(out["valid"]))
        print(f"hidden=embed={g['hidden']:2d} lr={g['lr']:<6} valid accuracy by epoch "
              f"{' '.join(f'{a:.3f}' for a in out['valid'])}  best {out['valid'][best]:.3f} at epoch {best + 1}",
              flush=True)


def table(run_torch: bool) -> None:
    s = SETTINGS
    sets, vocab = load(s["min_count"], s["max_len"])
    print(f"austen: {len(sets['train']['tokens'])} train / {len(sets['valid']['tokens'])} valid / "
          f"{len(sets['test']['tokens'])} test sentences, vocabulary {len(vocab)}; settings {json.dumps(s)}",
          flush=True)
    print(f"{'model':28s} {'test accuracy (5 seeds)':>24s} {'per seed':>40s} {'s/epoch':>8s}", flush=True)
    models = {"lstmparity (Python)": ours, "torch.nn.LSTM float64": torch_lstm}
    for name, train in models.items():
        if name.startswith("torch") and not run_torch:
            continue
        runs = [train(sets, vocab, s, seed) for seed in SEEDS]
        acc = [r["test"] for r in runs]
        print(f"{name:28s} {statistics.mean(acc):>13.4f} +- {statistics.stdev(acc):.4f}   "
              f"{' '.join(f'{a:.3f}' for a in acc):>40s} {statistics.mean(r['seconds'] for r in runs):8.3f}",
              flush=True)
    bow = bag_of_words(sets, vocab)
    print(f"{'bag-of-words logistic reg.':28s} {bow['test']:>13.4f} (deterministic; C = {bow['C']} chosen on "
          f"valid, {bow['valid']:.3f}; {bow['seconds']:.1f} s in all)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--select", action="store_true", help="run the settings grid on the validation split")
    p.add_argument("--no-torch", action="store_true", help="leave out the torch row")
    args = p.parse_args()
    if args.select:
        select()
    else:
        table(not args.no_torch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
