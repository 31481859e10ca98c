"""Models trained together (engine/training/batched.py) end as each would alone: the same history, weights,
outcome, best epoch, marks and optimiser state as `TrainingSession(settings).run()`."""

import contextlib

import pytest
import torch

from engine import Settings, TrainingSession, load_checkpoint, save_checkpoint
from engine.training.batched import batch_groups, train_together

MOONS = Settings(dataset="moons", samples=300, noise=0.3, hidden=[8, 6], epochs=30, device="cpu", val_size=0.2,
                 seed=4, optimizer="sgd", lr=0.2)
BLOBS = Settings(dataset="blobs", classes=3, samples=240, cluster_std=2.0, hidden=[7], epochs=25, device="cpu",
                 seed=1, optimizer="sgd", lr=0.1)

# each differs from the others in what a sweep varies; the group also mixes optimiser kinds
MIX = [
    dict(), dict(lr=0.05, momentum=0.9, init_seed=1), dict(lr=0.1, momentum=0.8, nesterov=True, shuffle_seed=2),
    dict(optimizer="adam", lr=0.01, init="xavier_uniform"), dict(optimizer="adamw", lr=0.01, weight_decay=0.1),
    dict(optimizer="rmsprop", lr=0.003), dict(optimizer="rmsprop", lr=0.003, momentum=0.5, weight_decay=0.01),
    dict(l1=1e-3, init_seed=3), dict(weight_decay=0.01, momentum=0.5), dict(dropout=0.3, init_seed=5, epochs=20),
    dict(schedule="cosine", lr=0.5, epochs=12), dict(schedule="step", step_size=4, gamma=0.5),
    dict(optimizer="sgd", lr=0.5, momentum=0.9, patience=3, epochs=60),  # stops early, the best weights restored
]


@contextlib.contextmanager
def default_dtype(dtype):
    kept = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(kept)


def alone(settings):
    sessions = [TrainingSession(s) for s in settings]
    for s in sessions:
        s.run()
    return sessions


def together(settings, **kwargs):
    sessions = [TrainingSession(s) for s in settings]
    assert batch_groups(sessions) == [list(range(len(sessions)))]
    train_together(sessions, **kwargs)
    return sessions


def assert_same_run(a: TrainingSession, b: TrainingSession, tolerance: float) -> None:
    """Every number of every epoch's record within `tolerance` (relative above 1), and the run's end the same."""
    assert [r.epoch for r in a.history.records] == [r.epoch for r in b.history.records]
    for r, q in zip(a.history.records, b.history.records):
        for name in ("train_loss", "val_loss", "test_loss", "train_accuracy", "val_accuracy", "test_accuracy", "lr"):
            x, y = getattr(r, name), getattr(q, name)
            assert (x is None) == (y is None) and (x is None or abs(x - y) <= tolerance * max(1.0, abs(x))), (r.epoch, name, x, y)
    assert a.outcome == b.outcome
    assert a.history.marks == b.history.marks
    assert a.best.epoch == b.best.epoch
    torch.testing.assert_close(b.params.theta, a.params.theta, rtol=0, atol=tolerance * 10)


def mix(base, batch_size):
    return [base.replace(batch_size=batch_size, **extra) for extra in MIX]


@pytest.mark.parametrize("batch_size", [0, 32], ids=["full-batch", "mini-batches"])
@pytest.mark.parametrize("base", [MOONS, BLOBS], ids=["two-classes", "three-classes"])
def test_in_float64_every_model_of_a_group_has_the_history_it_has_alone(base, batch_size):
    with default_dtype(torch.float64):
        settings = mix(base, batch_size)
        expected, got = alone(settings), together(settings)
    assert all(s.params.theta.dtype == torch.float64 and s.X_train.dtype == torch.float64 for s in got)
    for a, b in zip(expected, got):
        assert_same_run(a, b, 1e-9)
    assert {s.history.epoch for s in got} >= {12, 20, base.epochs}  # models with fewer epochs left the group early
    if base is MOONS:
        stopped = got[-1]
        assert stopped.outcome.reason == "early_stopping" and stopped.best.epoch < stopped.history.epoch < 60


def test_in_float32_every_model_is_within_1e_4_of_its_loss_alone():
    settings = mix(MOONS, 32)
    expected, got = alone(settings), together(settings)
    assert got[0].params.theta.dtype == torch.float32
    for a, b in zip(expected, got):
        assert a.outcome.reason == b.outcome.reason
        assert len(a.history.records) == len(b.history.records)
        for r, q in zip(a.history.records, b.history.records):
            assert abs(r.train_loss - q.train_loss) <= 1e-4 and abs(r.test_loss - q.test_loss) <= 1e-4


def test_a_diverging_model_ends_as_alone_and_leaves_the_others_undisturbed():
    base = Settings(dataset="circles", samples=300, activation="identity", hidden=[10, 10, 10], epochs=30,
                    device="cpu", optimizer="sgd")
    with default_dtype(torch.float64):
        settings = [base.replace(lr=0.1), base.replace(lr=100), base.replace(lr=0.05, momentum=0.9, init_seed=2)]
        expected, got = alone(settings), together(settings)
    assert [s.outcome.reason for s in got] == ["completed", "diverged", "completed"]
    assert "lower learning rate" in got[1].outcome.message and got[1].history.epoch < 30
    assert torch.isfinite(got[1].params.theta).all()
    for a, b in zip(expected, got):
        assert_same_run(a, b, 1e-9)


def test_a_resumed_model_continues_in_a_group_from_where_it_left_off():
    def half_trained():  # an Adam run of 5 epochs, continued to 20: its step count differs from the others'
        s = TrainingSession(MOONS.replace(optimizer="adam", lr=0.02, epochs=5))
        s.run()
        s.change(epochs=20)
        return s

    with default_dtype(torch.float64):
        reference = half_trained()
        reference.run()
        sessions = [half_trained(), TrainingSession(MOONS.replace(optimizer="adam", lr=0.01, epochs=20))]
        train_together(sessions)
        fresh = alone([MOONS.replace(optimizer="adam", lr=0.01, epochs=20)])[0]
    assert_same_run(reference, sessions[0], 1e-9)
    assert_same_run(fresh, sessions[1], 1e-9)
    assert [m.note for m in sessions[0].history.marks] == ["epochs 5 → 20"]


def test_a_checkpoint_saved_after_training_together_resumes_as_the_run_alone(tmp_path):
    s = MOONS.replace(batch_size=32, optimizer="sgd", momentum=0.9, epochs=16)
    with default_dtype(torch.float64):
        straight = alone([s])[0]
        halves = together([s.replace(epochs=8), s.replace(epochs=8, lr=0.05)])
        save_checkpoint(halves[0], tmp_path / "half.pt")
        resumed = load_checkpoint(tmp_path / "half.pt", {"epochs": 16})
        resumed.run()  # its momentum buffer came from the stack
    straight.history.marks = resumed.history.marks  # the resumed one notes its change of epochs
    assert_same_run(straight, resumed, 1e-9)


def test_stopping_between_epochs_keeps_each_model_at_its_last_whole_epoch():
    settings = [MOONS.replace(lr=0.1), MOONS.replace(lr=0.3, epochs=3), MOONS.replace(optimizer="adam", lr=0.01)]
    epochs = []
    sessions = together(settings, should_stop=lambda: len(epochs) >= 5, on_epoch=epochs.append)
    assert epochs == [1, 2, 3, 4, 5]
    assert [(s.outcome.reason, s.history.epoch) for s in sessions] == [("stopped", 5), ("completed", 3),
                                                                         ("stopped", 5)]
    five = alone([settings[0].replace(epochs=5)])[0]
    torch.testing.assert_close(sessions[0].params.theta, five.params.theta, rtol=0, atol=1e-6)


def test_batch_groups_puts_apart_what_cannot_share_a_step():
    sessions = [TrainingSession(s) for s in [
        MOONS, MOONS.replace(lr=0.01, optimizer="adam", init_seed=9, epochs=5),  # 0, 1: together
        MOONS.replace(hidden=[8]),  # 2: another shape
        MOONS.replace(batch_size=32), MOONS.replace(batch_size=32, shuffle_seed=3),  # 3, 4: mini-batches of 32
        MOONS.replace(batch_size=64),  # 5: another batch size
        MOONS.replace(activation="tanh"),  # 6: another activation
        MOONS.replace(data_seed=5),  # 7: other data
        MOONS.replace(val_size=0.0),  # 8: another split
        MOONS.replace(batch_size=10_000),  # 9: larger than the data: a full batch, as 0 and 1
    ]]
    assert batch_groups(sessions) == [[0, 1, 9], [2], [3, 4], [5], [6], [7], [8]]


def test_a_group_of_one_trains_as_alone():
    expected, got = alone([MOONS]), together([MOONS])
    assert_same_run(expected[0], got[0], 0.0)


def test_groups_trained_in_worker_processes_come_back_as_trained_here():
    from engine.training.parallel_groups import train_groups

    settings = [MOONS, MOONS.replace(lr=0.05, momentum=0.9), MOONS.replace(hidden=[5]), MOONS.replace(patience=2)]
    here = [TrainingSession(s) for s in settings]
    for group in batch_groups(here):
        train_together([here[i] for i in group])
    there = [TrainingSession(s) for s in settings]
    ticks = []
    outcomes = train_groups(there, on_epoch=ticks.append, workers=2)
    assert outcomes == [s.outcome for s in here]
    assert ticks == list(range(1, len(ticks) + 1)) and len(ticks) >= 2 * MOONS.epochs  # two groups' epochs
    for a, b in zip(here, there):
        assert a.history.records == b.history.records and torch.equal(a.params.theta, b.params.theta)
        assert a.optimizer.state_dict()["state"].keys() == b.optimizer.state_dict()["state"].keys()


def test_worker_processes_stop_between_epochs_when_asked():
    from engine.training.parallel_groups import train_groups

    sessions = [TrainingSession(MOONS.replace(epochs=100_000)), TrainingSession(MOONS.replace(hidden=[5], epochs=100_000))]
    ticks = []
    outcomes = train_groups(sessions, should_stop=lambda: len(ticks) >= 20, on_epoch=ticks.append, workers=2)
    assert [o.reason for o in outcomes] == ["stopped", "stopped"]
    # each at its last whole epoch (a worker still starting when the stop came may have none)
    assert all(s.history.epoch == s.outcome.epoch < 100_000 for s in sessions)
    assert sum(s.history.epoch for s in sessions) >= 20
