import threading

import numpy as np
import pytest
import torch

from engine import Settings, TrainingSession, load_checkpoint, save_checkpoint
from engine.errors import ResourceError
from engine.schema import OPTIMIZERS
from engine.standalone import LearningRate

CIRCLES = Settings(dataset="circles", hidden=[16, 16], epochs=300, device="cpu")


@pytest.mark.parametrize("optimizer,extra", [
    ("sgd", dict(lr=0.3, momentum=0.9)), ("sgd", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("adam", dict(lr=0.01)), ("adamw", dict(lr=0.01, weight_decay=0.01)),
    ("rmsprop", dict(lr=0.003)), ("rmsprop", dict(lr=0.003, momentum=0.5)),
])
def test_every_optimiser_learns_circles(optimizer, extra):
    session = TrainingSession(CIRCLES.replace(optimizer=optimizer, **extra))
    outcome = session.run()
    assert outcome.reason == "completed" and session.history.epoch == 300
    assert session.evaluate()["test"].accuracy > 0.95


def test_every_optimiser_is_covered():
    assert set(OPTIMIZERS) == {"sgd", "adam", "adamw", "rmsprop"}


def test_mini_batches_learn_too():
    session = TrainingSession(CIRCLES.replace(batch_size=32, epochs=40))
    session.run()
    assert session.evaluate()["test"].accuracy > 0.95


def test_multiclass_learns_blobs():
    session = TrainingSession(Settings(dataset="blobs", classes=3, cluster_std=1.0, epochs=200, device="cpu"))
    session.run()
    result = session.evaluate()["test"]
    assert result.accuracy > 0.9
    assert len(result.confusion_matrix) == 3 and sum(map(sum, result.confusion_matrix)) == 200


def test_history_has_every_epoch_with_losses_accuracies_and_lr(small):
    session = TrainingSession(small.replace(schedule="step", step_size=5, gamma=0.5, lr=0.1))
    session.run()
    records = session.history.records
    assert [r.epoch for r in records] == list(range(1, 21))
    assert [r.lr for r in records[:11:5]] == [0.1, 0.05, 0.025]
    assert all(0 <= r.train_accuracy <= 1 and r.test_loss > 0 for r in records)
    assert records[-1].train_loss < records[0].train_loss


@pytest.mark.parametrize("extra", [dict(), dict(batch_size=16, dropout=0.2, optimizer="sgd", momentum=0.9,
                                                 lr=0.05, l1=1e-4, schedule="cosine")])
def test_a_rerun_gives_an_identical_history(small, extra):
    s = small.replace(**extra)
    first, second = TrainingSession(s), TrainingSession(s)
    first.run()
    second.run()
    assert first.history.records == second.history.records
    other = TrainingSession(s.replace(seed=1))
    other.run()
    assert other.history.records != first.history.records


def test_a_checkpoint_resumes_at_the_next_epoch_with_identical_weights(tmp_path, small):
    s = small.replace(batch_size=32, dropout=0.1, optimizer="adam", schedule="plateau", patience=0, epochs=16)
    straight = TrainingSession(s)
    straight.run()
    half = TrainingSession(s.replace(epochs=8))
    half.run()
    save_checkpoint(half, tmp_path / "half.pt")
    resumed = load_checkpoint(tmp_path / "half.pt", {"epochs": 16})
    assert resumed.history.epoch == 8
    resumed.run()
    assert resumed.history.records[8].epoch == 9
    assert resumed.history.records == straight.history.records
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(a, b)


def test_early_stopping_restores_the_best_weights():
    s = Settings(dataset="moons", samples=200, noise=0.4, hidden=[128, 128], lr=0.05, epochs=2000,
                 patience=15, device="cpu")
    session = TrainingSession(s)
    outcome = session.run()
    assert outcome.reason == "early_stopping"
    assert session.history.epoch == session.best_epoch + 15 < 2000
    best = session.history.records[session.best_epoch - 1]
    assert session.evaluate()["test"].loss == pytest.approx(best.test_loss, rel=1e-5)


def test_a_diverging_loss_stops_and_keeps_the_last_finite_weights():
    s = Settings(dataset="circles", optimizer="sgd", lr=100, activation="identity", hidden=[10, 10, 10],
                 epochs=50, device="cpu")
    session = TrainingSession(s)
    outcome = session.run()
    assert outcome.reason == "diverged" and "lower learning rate" in outcome.message
    assert session.history.epoch == outcome.epoch < 50
    assert all(torch.isfinite(p).all() for p in session.model.parameters())
    assert np.isfinite(session.evaluate()["train"].loss)


def drained(feed, kind):
    return [e for e in feed.drain() if isinstance(e, kind)]


def test_pause_step_and_stop_from_another_thread(small):
    from engine import EpochDone, Feed, RunEnded

    session = TrainingSession(small.replace(epochs=100_000))
    feed = Feed()
    session.attach(feed)
    session.controls.pause()
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(o=session.run()))
    worker.start()
    session.controls.step()
    session.controls.step()
    while session.history.epoch < 2:  # two single epochs, then it waits paused
        worker.join(0.01)
    assert worker.is_alive() and session.history.epoch == 2
    session.controls.resume()
    while session.history.epoch < 50:
        worker.join(0.01)
    session.controls.stop()
    worker.join(5)
    assert not worker.is_alive() and outcome["o"].reason == "stopped"
    events = feed.drain()
    epochs = [e.record.epoch for e in events if isinstance(e, EpochDone)]
    assert epochs == list(range(1, session.history.epoch + 1))
    assert isinstance(events[-1], RunEnded) and events[-1].outcome.reason == "stopped"


def test_a_paused_run_answers_map_and_report_requests_and_stays_paused(small):
    from engine import Feed, GridReady, MapRequest, ReportReady, data_box

    session = TrainingSession(small.replace(epochs=100_000))
    feed = Feed()
    session.attach(feed)
    session.controls.pause()
    worker = threading.Thread(target=session.run)
    worker.start()
    feed.want_report(True)
    feed.want_map(MapRequest(data_box(session.split), 30, 12))
    got = {}
    while not {ReportReady, GridReady} <= set(got):
        worker.join(0.01)
        got.update({type(e): e for e in feed.drain()})
    assert set(got[ReportReady].report) == {"train", "test"} and got[GridReady].grid.probabilities.shape == (12, 30, 2)
    assert session.history.epoch == 0 and worker.is_alive()
    session.controls.stop()
    worker.join(5)
    assert not worker.is_alive() and session.history.epoch == 0


def test_a_session_without_a_feed_reports_nothing_and_one_with_a_feed_reports_every_epoch(small):
    from engine import EpochDone, Feed, Marked, RunEnded, ThreadsChosen

    quiet = TrainingSession(small)
    quiet.run()
    assert quiet.feed is None and quiet.history.epoch == small.epochs
    session = TrainingSession(small)
    feed = Feed()
    session.attach(feed)
    session.run()
    session.change(epochs=small.epochs + 5)
    session.run()
    events = feed.drain()
    kinds = [type(e) for e in events]
    assert kinds.count(EpochDone) == small.epochs + 5 and kinds.count(RunEnded) == 2
    assert kinds.count(ThreadsChosen) == 1 and kinds[0] == ThreadsChosen  # measured once, as the first run began
    assert kinds.index(Marked) == small.epochs + 2  # after the first run's end, before the next epochs
    assert events[-1].outcome.reason == "completed" and events[-1].outcome.epoch == small.epochs + 5
    assert feed.drain() == []


def test_continue_with_a_new_learning_rate_is_marked(small):
    session = TrainingSession(small)
    session.run()
    session.change(epochs=30, lr=0.001)
    session.run()
    assert session.history.epoch == 30 and session.history.records[-1].lr == 0.001
    assert session.history.marks[-1].epoch == 20 and "lr 0.01 → 0.001" in session.history.marks[-1].note


def test_decision_grids_arrive_through_the_feed(small):
    from engine import Feed, GridReady, MapRequest, data_box

    session = TrainingSession(small)
    feed = Feed()
    session.attach(feed)
    feed.want_map(MapRequest(data_box(session.split), 40, 20))
    session.run()
    grids = drained(feed, GridReady)
    assert grids[-1].epoch == small.epochs  # the last one shows the final weights
    assert grids[-1].grid.probabilities.shape == (20, 40, 2)
    assert np.allclose(grids[-1].grid.probabilities.sum(axis=2), 1, atol=1e-5)


def test_l1_and_weight_decay_shrink_the_weights(small):
    def norm(**extra):
        session = TrainingSession(small.replace(optimizer="sgd", lr=0.1, epochs=50, **extra))
        session.run()
        return sum(float(layer.weight.detach().abs().sum()) for layer in session.model.layers)

    plain = norm()
    assert norm(l1=0.01) < plain and norm(weight_decay=0.05) < plain


def test_schedules():
    cosine = LearningRate(1.0, "cosine", 100, 10, 0.5, 5)
    assert cosine.at(1) == 1.0 and cosine.at(51) == pytest.approx(0.5) and cosine.at(100) < 0.01
    plateau = LearningRate(1.0, "plateau", 100, 10, 0.5, 2)
    for loss in (1.0, 0.9, 0.9, 0.9, 0.9):
        plateau.observe(loss)
    assert plateau.at(6) == 0.5


def test_settings_too_large_for_memory_are_refused_before_allocating():
    with pytest.raises(ResourceError, match=r"needs about [\d.]+ (GiB|TiB)"):
        TrainingSession(Settings(samples=10_000_000, hidden=[100_000, 100_000], device="cpu"))


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_asked_for_but_absent_falls_back_to_cpu_with_a_notice(small):
    session = TrainingSession(small.replace(device="cuda"))
    assert session.device.type == "cpu" and "CUDA was asked for" in session.device_notice


def test_a_large_network_after_a_small_one_has_its_threads_measured_and_set():
    import subprocess
    import sys

    code = """
import torch
from engine import Settings, TrainingSession
small = TrainingSession(Settings(dataset="circles", samples=200, hidden=[4], epochs=1, device="cpu"))
small.run()
print(small.thread_choice.why, torch.get_num_threads())
wide = TrainingSession(Settings(dataset="circles", samples=1000, hidden=[1024, 1024], epochs=1, device="cpu"))
wide.run()
print(wide.thread_choice.why, wide.thread_choice.threads, torch.get_num_threads(), len(wide.thread_choice.seconds_per_step))
"""
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines[0] == "small steps 1"  # overhead-bound: one thread, not measured
    why, chosen, now, timed = lines[1].split()
    from engine.training import threads

    if threads.MACHINE > 1:  # a machine of one core has nothing to choose between
        assert why == "measured" and chosen == now and timed == "2"  # one and the most, timed; the faster set


def test_a_logit_of_exactly_zero_counts_as_class_0_in_the_history_as_in_the_report():
    # zero initial weights: every logit is 0 and stays 0 for ReLU units that never wake
    session = TrainingSession(Settings(dataset="circles", samples=200, hidden=[4], init="zeros", epochs=3,
                                       device="cpu"))
    session.run()
    report = session.evaluate()
    last = session.history.records[-1]
    assert last.train_accuracy == pytest.approx(report["train"].accuracy) == pytest.approx(0.5)
    assert last.test_accuracy == pytest.approx(report["test"].accuracy)
