"""Kept runs in the app: listed after training, reopened and continued, renamed, deleted, compared."""

import pytest
from textual.widgets import Input, Static

from engine import Settings, TrainingSession
from engine.runs import RunStore
from tui.app.app import AnnclfApp
from tui.app.messages import RunState
from tui.app.screens.ask import Confirm
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.decision_map import DecisionMap

from pilot_helpers import kept, notices, ready, shown_text, train, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=60, device="cpu")


@pytest.mark.asyncio
async def test_a_trained_run_is_kept_listed_and_survives_a_restart(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 1 and app.focused is table)
        assert table.runs[0].epochs == 60 and table.runs[0].name.startswith("circles 8 relu")
        assert "circles 8 relu" in shown_text(table)
    again = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with again.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: len(again.runs_view.table.runs) == 1)


@pytest.mark.asyncio
async def test_reopen_and_continue_replaces_the_run_with_the_longer_one(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        first = app.runner.session
        await pilot.press("f8")  # a fresh model: the kept run is not it
        await wait_until(pilot, lambda: app.runner.session is not first and app.runner.state == RunState.READY)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.runner.session.history.epoch == 60 and app.tabs.active == "train")
        await wait_until(pilot, lambda: len(app.training.curves.records) == 60)
        await wait_until(pilot, lambda: any("raise epochs" in n for n in notices(app)))
        app.query_one("#input-epochs", Input).value = "90"
        await pilot.press("escape")
        await train(pilot, 90)
        await wait_until(pilot, lambda: app.runs_view.table.runs and app.runs_view.table.runs[0].epochs == 90)
        assert len(kept(tmp_path)) == 1
        assert app.runner.session.history.marks[-1].note == "epochs 60 → 90"


@pytest.mark.asyncio
async def test_a_reopened_run_with_epochs_to_go_says_how_far_f5_takes_it(tmp_path):
    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=500))
    session.run(on_epoch=lambda r: session.controls.stop() if r.epoch == 40 else None)
    store.keep(session)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
        assert "stopped" in shown_text(app.runs_view.table)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("at epoch 40: F5 continues it to epoch 500" in n for n in notices(app)))
        assert not any("raise epochs" in n for n in notices(app))


@pytest.mark.asyncio
async def test_a_run_reset_and_trained_again_replaces_its_own_row(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        for _ in range(3):  # train, F8, train, F8, train: one run, not three identical rows
            await train(pilot, 60)
            session = app.runner.session
            await pilot.press("f8")
            await wait_until(pilot, lambda: app.runner.session is not session and app.runner.state == RunState.READY)
        assert len(kept(tmp_path)) == 1
        [run] = kept(tmp_path)
        RunStore(tmp_path / "runs").rename(run.id, "the first")  # a run with a name of yours is kept apart
        await train(pilot, 60)
        assert sorted(r.name for r in kept(tmp_path)) == ["circles 8 relu adam lr 0.01", "the first"]


@pytest.mark.asyncio
async def test_rename_and_delete_from_the_runs_view(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 1)
        await pilot.press("n")
        await wait_until(pilot, lambda: len(app.screen.query("#ask-name")) == 1)
        app.screen.query_one("#ask-name", Input).value = "eight units"
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.runs and table.runs[0].name == "eight units")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Delete the run 'eight units'" in shown_text(app.screen.query_one(Static))
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(table.runs) == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: table.runs == [])
        assert not [p for p in (tmp_path / "runs").iterdir() if p.is_dir()]  # the index file stays


@pytest.mark.asyncio
async def test_names_use_the_width_there_is(tmp_path):
    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=5))
    session.run()
    long_name = "a long name someone gave this run to say what it shows"
    store.rename(store.keep(session).id, long_name)
    for width, whole in ((80, False), (160, True)):
        app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.press("u")
            await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
            await pilot.pause()
            assert (long_name in shown_text(app.runs_view.table)) == whole
            assert "a long name" in shown_text(app.runs_view.table)


@pytest.mark.asyncio
async def test_compare_two_marked_runs_maps_ready_titles_saying_what_differs(tmp_path):
    app = AnnclfApp(QUICK.replace(hidden=[2]), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        app.query_one("#input-hidden", Input).value = "32,32"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.runner.session.settings.hidden == [32, 32] and app.runner.state == RunState.READY)
        await train(pilot, 60)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 2)
        await pilot.press("c")  # one run is not a comparison
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        await pilot.press("space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        screen = app.screen
        maps = list(screen.query(DecisionMap))
        assert len(maps) == 2 and all(m.data.probabilities is not None for m in maps)  # with the view, not later
        from rich.text import Text

        assert [Text.from_markup(str(m.border_title)).plain for m in maps] == ["1 hidden layers 32,32", "2 hidden layers 2"]  # as listed: newest first
        table = shown_text(screen.query_one("#compare-table", Static))
        assert "hidden layers" in table and "32,32" in table and "test accuracy" in table
        assert "learning rate" not in table  # only what differs
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CompareScreen))


@pytest.mark.asyncio
async def test_the_compare_table_is_a_page_down_away_at_80x24(tmp_path):
    store = RunStore(tmp_path / "runs")
    ids = []
    for hidden in ([2], [16, 16], [16, 16, 16]):
        session = TrainingSession(QUICK.replace(hidden=hidden, epochs=20))
        session.run()
        ids.append(store.keep(session).id)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 3)
        await pilot.press("space", "down", "space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        scroll = app.screen.query_one("#compare")
        table = app.screen.query_one("#compare-table", Static)
        await pilot.press("end")
        await wait_until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y > 0)
        assert table.region.bottom <= app.screen.region.bottom
        assert "test accuracy" in shown_text(table)


@pytest.mark.asyncio
async def test_a_damaged_run_folder_is_listed_as_damaged_and_can_be_deleted(tmp_path):
    import shutil

    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=5))
    session.run()
    good = store.keep(session)
    shutil.copytree(tmp_path / "runs" / good.id, tmp_path / "runs" / "a-copy")  # the same id inside
    (tmp_path / "runs" / "zz-broken").mkdir()
    (tmp_path / "runs" / "zz-broken" / "summary.json").write_text("{not json")
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 2 and len(table.damaged) == 1)
        text = shown_text(table)
        assert "zz-broken: summary.json is not valid JSON" in text and "damaged" in text
        assert "DuplicateKey" not in " ".join(notices(app))
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: any("zz-broken is damaged" in n and "d deletes it" in n for n in notices(app)))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: not table.damaged)
        assert not (tmp_path / "runs" / "zz-broken").exists() and len(table.runs) == 2
