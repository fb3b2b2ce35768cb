"""`lstmparity train {hamlet,reuters}`: run a demo, print accuracy and ms/epoch, save the model.

    lstmparity train hamlet                         # 1000 epochs, Adam lr 0.01, clip-norm 5
    lstmparity train reuters --save out/reuters.json --plot out/reuters.png
    lstmparity train hamlet --checkpoint ck.json    # Ctrl-C saves ck.json ...
    lstmparity train hamlet --resume ck.json        # ... and this continues to the same result

Bad data or settings (a label outside the file's labels, a missing text, a misspelled
split, --epochs 0, --lr -1, a checkpoint of another task or with other settings) stop
the command before it trains, with one line naming the field and the value (exit 2).
"""

from __future__ import annotations

import argparse
import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="train a demo model (hamlet: character LM; reuters: acq vs crude)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", choices=("hamlet", "reuters"))
    p.add_argument("--epochs", type=int, help="default: hamlet 1000, reuters 25 (with --resume: the total)")
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (default 0.01)")
    p.add_argument("--clip-norm", type=float, default=5.0, help="clip gradients to this global norm (default 5)")
    p.add_argument("--seed", type=int, default=0, help="initial weights and shuffling (default 0)")
    p.add_argument("--data", help="data file (default: the installed hamlet.txt or reuters_acq_crude.json)")
    p.add_argument("--save", help="write the trained model (JSON: weights + vocabulary + config)")
    p.add_argument("--plot", help="write the training curves (PNG)")
    p.add_argument("--checkpoint", help="checkpoint file, written during training (see --checkpoint-every), "
                                        "at the end and on Ctrl-C")
    p.add_argument("--checkpoint-every", type=int, metavar="N",
                   help="write the checkpoint every N epochs (default: whenever 20x the last write's time has "
                        "passed, so writing costs at most ~5%%)")
    p.add_argument("--resume", help="continue from this checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="BLAS threads (default 1: these matrices are too small for threads to pay; "
                        "0 = the library's default). Restarts the command with OPENBLAS_NUM_THREADS etc. = N")
    p.set_defaults(func=run)


def _restart_with_threads(n: int) -> None:
    """BLAS reads its thread count when it loads (NumPy's already has): set the variables, run again."""
    if n <= 0 or all(os.environ.get(v) == str(n) for v in THREAD_VARS):
        return
    env = {**os.environ, **{v: str(n) for v in THREAD_VARS}}
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", "lstmparity.cli", *sys.argv[1:]], env)


def run(args: argparse.Namespace) -> int:
    _restart_with_threads(args.threads)
    from lstmparity.training.validate import DataError

    try:
        return _train(args)
    except DataError as e:
        print(f"lstmparity train: error: {e}", file=sys.stderr)
        return 2


def _train(args: argparse.Namespace) -> int:
    from lstmparity.training.demos import train_hamlet, train_reuters
    from lstmparity.training.serialize import load_checkpoint, save_model
    from lstmparity.training.validate import check_positive

    epochs = args.epochs if args.epochs is not None else (1000 if args.task == "hamlet" else 25)
    check_positive("epochs", epochs, whole=True)
    check_positive("lr", args.lr)
    check_positive("clip_norm", args.clip_norm)
    state = load_checkpoint(args.resume)[0] if args.resume else None
    checkpoint = args.checkpoint or args.resume
    common = {"epochs": epochs, "lr": args.lr, "max_norm": args.clip_norm, "seed": args.seed,
              "progress": not args.quiet, "path": args.data, "checkpoint": checkpoint,
              "checkpoint_every": args.checkpoint_every, "state": state, "resume_from": args.resume}
    if args.task == "hamlet":
        out = train_hamlet(**common)
        what = "greedy next-character accuracy"
    else:
        out = train_reuters(**common)
        what = "test-split accuracy (a demo: its settings were tuned on this split, not a held-out estimate)"
    result = out["result"]
    if result.interrupted:
        where = f"; checkpoint saved to {checkpoint} (resume with --resume {checkpoint})" if checkpoint else ""
        print(f"interrupted after {result.state.step} steps{where}", file=sys.stderr)
        return 130
    last = result.history[-1] if result.history else {}
    print(f"{args.task}: {what} {out['accuracy']:.4f} after {last.get('epoch', 0)} epochs, "
          f"{out['ms_per_epoch']:.1f} ms/epoch mean, {out['ms_per_epoch_median']:.1f} median "
          "(forward + backward + update)")
    first = next((row["epoch"] for row in result.history if row["accuracy"] >= 0.99), None)
    if first is not None:
        print(f"training accuracy first reached 99% at epoch {first}")
    if args.save:
        save_model(args.save, result.params, out["config"], out["vocab"], {"task": args.task})
        print(f"saved {args.save}")
    if args.plot:
        from lstmparity.training.plots import plot_history

        plot_history(result.history, args.plot, title=args.task)
        print(f"wrote {args.plot}")
    return 0
