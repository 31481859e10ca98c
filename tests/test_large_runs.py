"""Large runs stay live: an epoch over many rows can be given up between two mini-batches, or two chunks of
one large batch, and leaves no trace; a long epoch says how far it has come; a map draws a fixed number of
points however many rows there are; the end-of-run report is counted from one confusion matrix."""

import threading

import numpy as np
import pytest
import torch

from engine import EpochDone, EpochProgress, Feed, Settings, TrainingSession
from engine.datasets.shown_points import POINTS, shown_points
from engine.decision_map import MapRequest, data_box
from engine.evaluation import classification_report, confusion_matrix
from engine.training import session as session_module
from engine.training.controls import Controls

# 10,000 rows through 64 units: a full batch of 8,000 training rows is two chunks of 4,096 (and a bit)
LARGE = Settings(dataset="circles", samples=10_000, hidden=[64], epochs=3, device="cpu")


class StopOnAsking(Controls):
    """Controls that ask for a stop (or a pause) the `at`-th time the loop asks whether to go on inside an
    epoch (before each mini-batch, and each chunk but the first of a large batch): a person pressing F7 (or F5)
    in the middle of an epoch, at a place a test can name."""

    def __init__(self, at: int, pause: bool = False):
        super().__init__()
        self.at, self.pause_instead, self.asked = at, pause, 0
        self.fired = threading.Event()

    @property
    def stop_requested(self) -> bool:
        self.asked += 1
        if self.asked == self.at and not self.fired.is_set():
            if self.pause_instead:
                self.pause()
            else:
                self.stop()
            self.fired.set()
        return super().stop_requested


def state_of(session: TrainingSession) -> dict:
    return {"theta": session.params.theta.clone(), "steps": session.optimizer.steps,
            **{name: b.clone() for name, b in session.optimizer.buffers.items()}}


def same_state(a: dict, b: dict) -> bool:
    return all(torch.equal(a[k], b[k]) if isinstance(a[k], torch.Tensor) else a[k] == b[k] for k in a)


def records(session: TrainingSession) -> list:
    return [(r.epoch, r.train_loss, r.test_loss, r.train_accuracy, r.test_accuracy) for r in session.history.records]


@pytest.mark.parametrize("batch_size", [0, 512])
def test_a_stop_inside_an_epoch_ends_it_without_a_record_and_keeps_the_last_whole_epoch(batch_size):
    settings = LARGE.replace(batch_size=batch_size)
    session = TrainingSession(settings.replace(epochs=1))
    assert session.step.chunk < len(session.y_train)  # the full batch is summed in chunks
    session.run()
    after_one = state_of(session)
    session.change(epochs=3)
    session.controls = StopOnAsking(at=2)  # inside epoch 2: before its second chunk, or its second mini-batch
    outcome = session.run()
    assert session.controls.fired.is_set()
    assert outcome.reason == "stopped" and session.history.epoch == 1 and len(session.history.records) == 1
    assert same_state(state_of(session), after_one)  # weights and the optimiser's moments of epoch 1

    session.controls = Controls()
    session.run()  # continued: the same numbers as a run never stopped
    whole = TrainingSession(settings)
    whole.run()
    assert records(session) == records(whole)
    assert same_state(state_of(session), state_of(whole))


@pytest.mark.parametrize("batch_size", [0, 512])
def test_a_pause_inside_an_epoch_gives_it_up_and_the_epoch_begins_again_once_resumed(batch_size):
    settings = LARGE.replace(batch_size=batch_size)
    session = TrainingSession(settings)
    feed = Feed()
    session.attach(feed)
    session.controls = StopOnAsking(at=4, pause=True)  # in epoch 2's second chunk, or epoch 1's 4th batch
    worker = threading.Thread(target=session.run)
    worker.start()
    assert session.controls.fired.wait(60)
    session.controls.resume()
    worker.join(60)
    assert not worker.is_alive()
    done = [e.record.epoch for e in feed.drain() if isinstance(e, EpochDone)]
    assert done == [1, 2, 3]  # the epoch given up is not recorded, nor recorded twice
    whole = TrainingSession(settings)
    whole.run()
    assert records(session) == records(whole)


def test_a_long_epoch_says_how_far_it_has_come(monkeypatch):
    monkeypatch.setattr(session_module, "PROGRESS_AFTER", 0.0)  # "long": from its start, here
    monkeypatch.setattr(session_module, "PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(session_module, "INSIDE_EVERY", 0.0)
    session = TrainingSession(LARGE.replace(epochs=1))
    feed = Feed()
    session.attach(feed)
    session.run()
    progress = [e for e in feed.drain() if isinstance(e, EpochProgress)]
    rows = len(session.y_train)
    assert all(e.epoch == 1 and e.rows == rows and 0 <= e.rows_done < rows for e in progress)
    assert any(e.rows_done >= session.step.chunk for e in progress)  # between two chunks of the one batch
    assert [e.rows_done for e in progress] == sorted(e.rows_done for e in progress)


def test_the_points_a_map_draws_are_a_fixed_stratified_sample_of_a_large_set():
    rng = np.random.default_rng(1)
    train, test = rng.choice(3, 800_000, p=[0.6, 0.3, 0.1]), rng.choice(3, 200_000, p=[0.6, 0.3, 0.1])
    shown = shown_points(train, test)
    assert shown.sampled and shown.total == 1_000_000 and abs(shown.count - POINTS) <= 3
    assert abs(len(shown.train) - 0.8 * POINTS) <= 2  # each part by its share...
    for labels, rows in ((train, shown.train), (test, shown.test)):
        assert len(np.unique(rows)) == len(rows) and rows.max() < len(labels)
        shares = np.bincount(labels[rows], minlength=3) / len(rows)
        assert np.allclose(shares, [0.6, 0.3, 0.1], atol=0.02)  # ...and each class within it
    rare = shown_points(np.r_[np.zeros(9_998, int), [1, 1]], np.zeros(100, int))
    assert set(np.unique(np.r_[np.zeros(9_998, int), [1, 1]][rare.train])) == {0, 1}  # one of every class at least
    small = shown_points(np.zeros(300, int), np.zeros(100, int))
    assert not small.sampled and small.count == 400


def test_a_session_draws_the_same_number_of_points_for_twenty_thousand_rows_as_for_a_million():
    for samples in (20_000, 1_000_000):
        session = TrainingSession(Settings(dataset="circles", samples=samples, hidden=[4], epochs=1, device="cpu"))
        grid = session.decision_grid(MapRequest(data_box(session.split), 30, 20))
        shown = session.split.shown
        assert shown.total == samples and shown.count <= POINTS + 3
        assert len(grid.train_correct) == len(shown.train) and len(grid.test_correct) == len(shown.test)


def test_the_report_counted_from_one_confusion_matrix_is_scikit_learns():
    from sklearn.metrics import confusion_matrix as sk_matrix
    from sklearn.metrics import precision_recall_fscore_support

    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 5000)
    predicted = np.where(rng.random(5000) < 0.7, y, rng.integers(0, 3, 5000))  # class 3 never predicted
    matrix = confusion_matrix(torch.from_numpy(y), torch.from_numpy(predicted), 5)  # class 4 never occurs
    assert (matrix == sk_matrix(y, predicted, labels=range(5))).all()
    report = classification_report(matrix, list("abcde"))
    p, r, f, support = precision_recall_fscore_support(y, predicted, labels=range(5), zero_division=0)
    for k, name in enumerate("abcde"):
        got = report["classes"][name]
        assert np.allclose([got["precision"], got["recall"], got["f1"]], [p[k], r[k], f[k]])
        assert got["support"] == support[k]
    for average in ("macro", "weighted"):
        expected = precision_recall_fscore_support(y, predicted, labels=range(5), average=average, zero_division=0)
        got = report[f"{average} avg"]
        assert np.allclose([got["precision"], got["recall"], got["f1"]], expected[:3])


def test_the_status_line_shows_a_long_epoch_s_rows_and_its_pace_before_the_first_epoch_ends():
    from tui.app.drawing.one_line import fit
    from tui.app.messages import RunState
    from tui.app.views.training import Progress, status_parts

    progress = Progress(epoch=0, epochs=1000, rate_from=(0, 0.0), device="cpu", threads="1 thread",
                        inside=(1, 400_000, 800_000, 1.5))
    line = fit(status_parts(RunState.RUNNING, "", progress, None, None), 96).plain
    # half the rows in 1.5 s: 3 s an epoch, said before any epoch is whole (not "0 epochs/s")
    assert line == "epoch 0/1,000 · 3.0 s/epoch · 400k/800k rows · 1.5 s · 1 cpu thread · running"
    narrow = fit(status_parts(RunState.RUNNING, "", progress, None, None), 44).plain
    assert narrow == "epoch 0/1,000 · 400k/800k rows · running"  # 80 columns'


def test_the_legend_says_when_the_map_draws_a_sample():
    from tui.app.widgets.class_legend import legend_line
    from tui.text.formats import sample_words

    assert sample_words(4000, 4000) is None
    wide = legend_line(["outer", "inner"], False, 100, sample=sample_words(4000, 1_000_000)).plain
    assert wide.endswith("4,000 of 1M points") and "○ test" in wide
    assert "of 1M points" not in legend_line(["outer", "inner"], False, 100).plain


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_app_draws_a_sample_says_so_and_says_the_threads_it_trains_on(tmp_path):
    import re

    from pilot_helpers import ready, shown_text, status, wait_until
    from tui.app.app import AnnclfApp

    settings = Settings(dataset="circles", samples=20_000, hidden=[64], epochs=3, device="cpu")
    app = AnnclfApp(settings, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.runner.training is None and app.runner.run_id is not None
                         and "completed" in status(app))
        assert re.search(r"· \d+ cpu threads? ·", status(app))  # measured (or one: the screen keeps a core)
        data = app.training.map.data
        assert len(data.X_train) + len(data.X_test) <= POINTS + 3 and data.total == 20_000
        assert "4,000 of 20k points" in shown_text(app.training.legend)


def test_a_view_asking_for_a_map_inside_a_large_batch_gets_it_before_the_epoch_ends(monkeypatch):
    from engine import GridReady

    monkeypatch.setattr(session_module, "INSIDE_EVERY", 0.0)
    session = TrainingSession(LARGE.replace(epochs=1))
    feed = Feed()
    session.attach(feed)
    feed.want_map(MapRequest(data_box(session.split), 20, 10))
    session.run()
    kinds = [type(e) for e in feed.drain()]
    assert kinds.index(GridReady) < kinds.index(EpochDone)  # made between two chunks, from epoch 0's weights


@pytest.mark.asyncio
async def test_while_a_run_trains_the_report_view_says_its_report_is_coming_not_train_a_model(tmp_path):
    from textual.widgets import Static

    from pilot_helpers import ready
    from tui.app.app import AnnclfApp
    from tui.app.messages import RunState, RunStateChanged
    from tui.app.views.report import COMING, WAITING

    app = AnnclfApp(Settings(dataset="circles", samples=200, hidden=[4], epochs=5, device="cpu"),
                    runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        body = app.report.query_one("#report-body", Static)
        assert str(body.render()) == WAITING
        app.report.post_message(RunStateChanged(RunState.RUNNING))
        await pilot.pause()
        assert str(body.render()) == COMING
