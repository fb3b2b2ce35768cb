"""Training loop, demos (short runs), save/load and checkpoint / resume."""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.training.data import batch_indices, make_batch, rng_seed, shuffle_order
from lstmparity.training.demos import train_hamlet, train_reuters
from lstmparity.training.serialize import load_checkpoint, load_model, save_model
from lstmparity.training.train import TrainOptions, evaluate, train_model
from train_helpers import tiny_lm, tiny_task


def test_shuffle_is_a_seeded_permutation_with_known_values():
    order, state = shuffle_order(10, rng_seed(3))
    assert order == [3, 1, 2, 6, 8, 7, 5, 9, 4, 0]  # the same list R's shuffle_order() gives (1-based there)
    assert sorted(shuffle_order(57, state)[0]) == list(range(57))
    assert shuffle_order(10, rng_seed(3)) == (order, state)


def test_make_batch_pads_at_the_end_and_masks():
    data = {"tokens": [[1, 2, 3], [4]], "targets": [1, 0]}
    batch = make_batch(data, [0, 1])
    assert batch["tokens"].tolist() == [[1, 4], [2, 0], [3, 0]]
    assert batch["mask"].tolist() == [[1, 1], [1, 0], [1, 0]]
    assert batch["targets"].tolist() == [1, 0]
    assert batch_indices([5, 6, 7], 2) == [[5, 6], [7]]
    assert "mask" not in make_batch({"tokens": [[1, 2], [3, 4]], "targets": [1, 0]}, [0, 1])  # nothing padded


@pytest.mark.parametrize("task", [tiny_task, tiny_lm], ids=["many_to_one_sigmoid", "many_to_many_softmax"])
@pytest.mark.parametrize("optimizer,clip", [({"name": "adam", "lr": 0.05}, {"max_norm": 1.0}),
                                            ({"name": "sgd", "lr": 0.5, "momentum": 0.9}, {"value": 0.5})],
                         ids=["adam-clipnorm", "sgd-clipvalue"])
def test_loss_falls(task, optimizer, clip):
    params, config, data = task()
    opts = TrainOptions(epochs=15, batch_size=4, optimizer=optimizer, clip=clip, progress=False)
    result = train_model(params, config, data, data, opts)
    losses = [row["loss"] for row in result.history]
    assert losses[-1] < 0.8 * losses[0]
    assert result.history[-1]["valid_loss"] == pytest.approx(evaluate(result.params, config, data)[0])


def test_hamlet_loss_falls():
    out = train_hamlet(epochs=15, progress=False)
    losses = [row["loss"] for row in out["result"].history]
    assert losses[-1] < losses[0] - 0.3
    assert out["config"]["V"] == 32 and len(out["vocab"]) == 32


def test_reuters_loss_falls():
    out = train_reuters(epochs=4, progress=False)
    losses = [row["loss"] for row in out["result"].history]
    assert losses[-1] < 0.8 * losses[0]
    assert "valid_accuracy" in out["result"].history[-1]


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_every_cell_trains_saves_and_resumes(tmp_path, cell):
    """The training loop, the optimisers, masks (padded batches), the embedding and the heads for the GRU and the
    RNN; a saved model and a checkpoint keep the cell (and a checkpoint of another cell is refused)."""
    from lstmparity.core.model import init_params
    from lstmparity.training.validate import DataError

    _, config, data = tiny_task()
    config = {**config, "cell": cell} if cell == "rnn" else {**config, "cell": cell, "reset_after": False}
    params = init_params(config, seed=1)
    opts = TrainOptions(epochs=12, batch_size=4, optimizer={"name": "adam", "lr": 0.05}, clip={"max_norm": 1.0},
                        progress=False, checkpoint=str(tmp_path / "ck.json"))
    result = train_model(params, config, data, data, opts)
    losses = [row["loss"] for row in result.history]
    assert losses[-1] < 0.8 * losses[0]
    save_model(tmp_path / "m.json", result.params, config)
    p2, c2, _, _ = load_model(tmp_path / "m.json")
    assert c2 == config and list(p2) == list(result.params)
    assert evaluate(p2, c2, data) == evaluate(result.params, config, data)
    from lstmparity.training.validate import check_resume

    _, ck_config, ck_options = load_checkpoint(tmp_path / "ck.json")
    lstm = {k: v for k, v in config.items() if k not in ("cell", "reset_after")}
    with pytest.raises(DataError, match=f'config.cell: the checkpoint has "{cell}", this run "lstm"'):
        check_resume("ck.json", ck_config, ck_options, lstm, ck_options)


def test_early_stopping_stops_and_restores_the_best():
    params, config, data = tiny_task()
    flipped = {"tokens": data["tokens"], "targets": [1 - y for y in data["targets"]]}  # gets worse as we learn
    opts = TrainOptions(epochs=200, batch_size=4, optimizer={"name": "adam", "lr": 0.05}, patience=2,
                        progress=False)
    result = train_model(params, config, data, flipped, opts)
    assert result.state.stopped and len(result.history) < 200
    best = result.state.best
    assert all(np.array_equal(result.params[k], best["params"][k]) for k in params)


def test_save_load_round_trip_is_exact(tmp_path):
    params, config, _ = tiny_task()
    params = {k: v * np.pi / 3 for k, v in params.items()}  # full-precision values
    path = tmp_path / "model.json"
    save_model(path, params, config, ["a", "b\u2014", "c"], {"task": "test"})
    p2, c2, vocab, meta = load_model(path)
    assert list(p2) == ["E", "W", "U", "b", "Wy", "by"]
    for k in params:
        assert p2[k].shape == params[k].shape and np.array_equal(p2[k], params[k]), k
    assert c2 == config and vocab == ["a", "b\u2014", "c"] and meta == {"task": "test"}
    assert not list(tmp_path.glob(".*tmp"))  # the temporary file was renamed away


def _interrupt_at(step: int):
    def on_step(state):
        if state.step == step:
            raise KeyboardInterrupt
    return on_step


@pytest.mark.parametrize("stop_at", [7, 10, 23])  # mid-epoch, at an epoch boundary, late
def test_checkpoint_resume_gives_the_uninterrupted_result(tmp_path, stop_at):
    params, config, data = tiny_task()
    ck = str(tmp_path / "ck.json")
    opts = TrainOptions(epochs=6, batch_size=4, optimizer={"name": "adam", "lr": 0.05}, clip={"max_norm": 1.0},
                        seed=11, progress=False)
    full = train_model(params, config, data, data, opts)

    first = train_model(params, config, data, data, TrainOptions(**{**opts.__dict__, "checkpoint": ck}),
                        on_step=_interrupt_at(stop_at))
    assert first.interrupted and first.state.step == stop_at
    state, _, _ = load_checkpoint(ck)
    assert state.step == stop_at
    resumed = train_model(params, config, data, data, opts, state=state)
    assert not resumed.interrupted and resumed.state.step == full.state.step == 30
    for k in params:
        assert np.array_equal(resumed.params[k], full.params[k]), k
    strip = [{k: v for k, v in row.items() if k != "seconds"} for row in full.history]
    assert [{k: v for k, v in row.items() if k != "seconds"} for row in resumed.history] == strip
    assert resumed.state.step_losses == full.state.step_losses


def test_trained_model_runs_the_same_in_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch not installed (optional extra: pip install -e '.[torch]')")
    from lstmparity.core.model import model_forward
    from lstmparity.training.serialize import from_torch_state_dict, to_torch_state_dict

    params, config, data = tiny_task()
    params = train_model(params, config, data, None, TrainOptions(epochs=3, batch_size=4, progress=False)).params
    batch = make_batch(data, list(range(6)))
    batch = {**batch, "mask": np.ones_like(batch["mask"])}  # torch's nn.LSTM has no mask: full sequences
    V, D, H = params["E"].shape + (params["U"].shape[0],)
    net = torch.nn.ModuleDict({"embedding": torch.nn.Embedding(V, D), "lstm": torch.nn.LSTM(D, H),
                               "head": torch.nn.Linear(H, 1)}).double()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch_state_dict(params).items()})
    with torch.no_grad():
        h, _ = net["lstm"](net["embedding"](torch.from_numpy(batch["tokens"])))
        logits = net["head"](h[-1]).numpy()
    ours = model_forward(params, config, batch)[0]["logits"]
    assert np.max(np.abs(logits - ours)) <= 1e-12 * np.max(np.abs(ours))
    back = from_torch_state_dict(net.state_dict())
    for k in params:
        assert np.array_equal(back[k], params[k]), k


@pytest.mark.parametrize("every,expected", [(3, [3, 6, 7]), (None, None)], ids=["every-3", "adaptive"])
def test_checkpoints_are_written_every_n_epochs_or_when_cheap(tmp_path, monkeypatch, every, expected):
    import lstmparity.training.train as train  # the loop's own name for save_checkpoint

    written = []
    original = train.save_checkpoint
    monkeypatch.setattr(train, "save_checkpoint",
                        lambda path, state, *a: (written.append(state.epoch), original(path, state, *a)))
    params, config, data = tiny_task()
    opts = TrainOptions(epochs=7, batch_size=4, progress=False, checkpoint=str(tmp_path / "ck.json"),
                        checkpoint_every=every)
    train_model(params, config, data, None, opts)
    if expected is not None:
        assert written == expected  # every 3rd epoch, and the last
    else:
        assert written[0] == 1 and written[-1] == 7  # the first epoch (nothing measured yet), and the last
    assert load_checkpoint(tmp_path / "ck.json")[0].epoch == 7
