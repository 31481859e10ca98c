"""Kept runs in the app: listed after training, reopened and continued, renamed, deleted, compared."""

import pytest
from textual.widgets import Input, Static

from engine import Settings
from tui.app import AnnclfApp
from tui.screens.ask import Confirm
from tui.screens.compare import CompareScreen
from tui.widgets.decision_map import DecisionMap

from pilot_helpers import ready, shown_text, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=60, device="cpu")


async def train_once(pilot, epochs: int) -> None:
    app = pilot.app
    count = len(app.runs_table.runs)
    await pilot.press("f5")
    await wait_until(pilot, lambda: not app.link.running and app.link.session.history.epoch == epochs)
    await wait_until(pilot, lambda: len(app.runs_table.runs) > count or (
        app.runs_table.runs and app.runs_table.runs[-1].epochs == epochs))


@pytest.mark.asyncio
async def test_a_trained_run_is_kept_listed_and_survives_a_restart(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train_once(pilot, 60)
        await pilot.press("u")
        assert app.views.active == "runs" and app.focused is app.runs_table
        [run] = app.runs_table.runs
        assert run.epochs == 60 and run.name.startswith("circles 8 relu")
        assert "circles 8 relu" in shown_text(app.runs_table)
    again = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with again.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: len(again.runs_table.runs) == 1)


@pytest.mark.asyncio
async def test_reopen_and_continue_replaces_the_run_with_the_longer_one(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train_once(pilot, 60)
        first = app.link.session
        await pilot.press("f8")  # a fresh model: the kept run is not it
        await wait_until(pilot, lambda: app.link.session is not first)
        await pilot.press("u", "enter")
        await wait_until(pilot, lambda: app.link.session.history.epoch == 60 and app.views.active == "train")
        assert len(app.curves.records) == 60
        app.query_one("#input-epochs", Input).value = "90"
        await pilot.press("escape", "f5")
        await wait_until(pilot, lambda: not app.link.running and app.link.session.history.epoch == 90)
        await wait_until(pilot, lambda: app.runs_table.runs and app.runs_table.runs[0].epochs == 90)
        assert len(app.runs_table.runs) == 1
        assert app.link.session.history.marks[-1].note == "epochs 60 → 90"


@pytest.mark.asyncio
async def test_rename_and_delete_from_the_runs_view(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train_once(pilot, 60)
        await pilot.press("u", "n")
        await wait_until(pilot, lambda: len(app.screen.query("#ask-name")) == 1)
        app.screen.query_one("#ask-name", Input).value = "eight units"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.runs_table.runs[0].name == "eight units")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Delete the run 'eight units'" in shown_text(app.screen.query_one(Static))
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(app.runs_table.runs) == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Delete the run 'eight units'" in shown_text(app.screen.query_one(Static))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.runs_table.runs == [])
        assert not list((tmp_path / "runs").iterdir())


@pytest.mark.asyncio
async def test_compare_two_marked_runs(tmp_path):
    app = AnnclfApp(QUICK.replace(hidden=[2]), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await train_once(pilot, 60)
        await wait_until(pilot, lambda: len(app.query(Input)) > 0)
        app.query_one("#input-hidden", Input).value = "32,32"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.link.session.settings.hidden == [32, 32])
        await train_once(pilot, 60)
        await pilot.press("u", "c")  # one run is not a comparison
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        await pilot.press("space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        maps = list(screen.query(DecisionMap))
        await wait_until(pilot, lambda: all(m.data is not None and m.data.probabilities is not None for m in maps))
        assert len(maps) == 2
        table = shown_text(screen.query_one("#compare-table", Static))
        assert "hidden layers" in table and "32,32" in table and "test accuracy" in table
        assert "learning rate" not in table  # only what differs
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CompareScreen))


@pytest.mark.asyncio
async def test_ctrl_o_exports_the_run_without_overwriting(tmp_path):
    import csv

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train_once(pilot, 60)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("annclf-*"))) == 5)
        await pilot.press("ctrl+o")  # a second export in the same second gets a name of its own
        await wait_until(pilot, lambda: len(list(tmp_path.glob("annclf-*"))) == 10)
    metrics = next(tmp_path.glob("annclf-*.metrics.csv"))
    assert len(list(csv.DictReader(metrics.open()))) == 60
    script = next(tmp_path.glob("annclf-*.py"))
    compile(script.read_text(), str(script), "exec")
    assert {p.name.split(".", 1)[1] for p in tmp_path.glob("annclf-*")} == {
        "metrics.csv", "json", "data.csv", "toml", "py"}


def test_every_palette_action_is_an_action_of_the_app():
    from tui.commands import ACTIONS

    for _, action in ACTIONS:
        assert hasattr(AnnclfApp, "action_" + action.split("(")[0]), action


@pytest.mark.asyncio
async def test_early_stopping_and_the_schedule_show_on_the_curves_and_status(tmp_path):
    settings = QUICK.replace(epochs=2000, lr=0.05, patience=15, schedule="step", step_size=20, gamma=0.5)
    app = AnnclfApp(settings, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not app.link.running and app.link.session.history.epoch > 0)
        session = app.link.session
        await wait_until(pilot, lambda: len(app.curves.records) == session.history.epoch)
        assert session.history.epoch < 2000 and "early stop" in session.history.marks[-1].note
        assert app.curves.best_epoch == session.best_epoch < session.history.epoch
        status = str(app.query_one("#status", Static).render())
        assert f"best {session.best_epoch}" in status
        assert f"lr {session.history.records[-1].lr:.3g}" in status and session.history.records[-1].lr < 0.05


def write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n")
    return path


async def open_csv_by_keys(pilot, path) -> None:
    """o, the path typed, Enter; then Enter on the column offered first (the last one) as the label."""
    app = pilot.app
    await ready(pilot)
    await wait_until(pilot, lambda: len(app.query(Input)) > 0)
    await pilot.press("o")
    await wait_until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
    app.screen.query_one("#csv-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(app.screen.query("#columns")) == 1)
    await pilot.press("enter")


@pytest.mark.asyncio
async def test_your_own_csv_picked_by_keys_and_its_map_sliced(tmp_path):
    import numpy as np

    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4)).round(4)
    rows = [[*x, "yes" if x[0] + x[2] > 0 else "no"] for x in X]
    path = write_csv(tmp_path / "four.csv", ["a", "b", "c", "d", "answer"], rows)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: app.link.session.settings.dataset == "csv")
        session = app.link.session
        assert session.dataset.feature_names == ["a", "b", "c", "d"] and session.class_names == ["no", "yes"]
        assert "a (x) × b (y)" in app.map.border_title
        await pilot.press("x")
        await wait_until(pilot, lambda: app.map.data is not None and "c (x) × b (y)" in app.map.border_title)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not app.link.running and session.history.epoch == QUICK.epochs)
        await wait_until(pilot, lambda: app.map.data.probabilities is not None)
        assert session.history.records[-1].test_accuracy > 0.8


@pytest.mark.asyncio
async def test_a_csv_with_a_text_column_says_which_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["a", "b", "label"], [[1, "x", 0], [2, "y", 1], [3, "z", 0], [4, "w", 1]])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: any("'b' is not numeric" in n.message for n in app._notifications))
        assert app.link.session.settings.dataset == "circles"  # the last good data stays


@pytest.mark.asyncio
async def test_the_compare_table_is_a_page_down_away_at_80x24(tmp_path):
    from engine import TrainingSession
    from engine.runs import RunStore

    store = RunStore(tmp_path / "runs")
    ids = []
    for hidden in ([2], [16, 16], [16, 16, 16]):
        session = TrainingSession(QUICK.replace(hidden=hidden, epochs=20))
        ids.append(store.save(session, session.run()).id)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.push_screen(CompareScreen(store, ids))
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.query("#compare-table"))
        scroll = app.screen.query_one("#compare")
        table = app.screen.query_one("#compare-table", Static)
        await pilot.press("end")
        await wait_until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y > 0)
        assert table.region.bottom <= app.screen.region.bottom
        assert "test accuracy" in shown_text(table)
