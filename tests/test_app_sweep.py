"""The sweep view (s) driven from the keyboard: the lists and their count, F5 trains every combination, the
table ranked by mean test accuracy, the small maps, marks, Enter and F7."""

import pytest
from textual.widgets import Input, Static

from engine import Settings
from tui.app.app import AnnclfApp

from pilot_helpers import kept, ready, shown_text, sweep_shown, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

BASE = Settings(dataset="circles", samples=300, hidden=[8], epochs=120, lr=0.03, device="cpu")


def sweep_view(app):
    return app.query_one("#sweep-view")


@pytest.mark.asyncio
async def test_a_six_configuration_sweep_is_ranked_by_mean_test_accuracy(tmp_path):
    app = AnnclfApp(BASE, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await sweep_shown(pilot, hidden="2;8;16,16", activation="identity,relu")
        assert app.query_one("#views").active == "sweep"
        await wait_until(pilot, lambda: "6 runs" in shown_text(app.query_one("#sweep-count", Static)))
        await pilot.press("f5")
        await wait_until(pilot, lambda: view.ended == "finished", tries=3000)
        await pilot.pause()
        table = app.query_one("#sweep-table")
        rows = view.ranked
        assert len(rows) == 6 and len(table.order) == 6
        means = [row.mean for row in rows]
        assert means == sorted(means, reverse=True)
        assert table.order[0] == " ".join(("16,16" if rows[0].values["hidden"] == [16, 16] else
                                           ",".join(map(str, rows[0].values["hidden"])), rows[0].values["activation"]))
        # no straight line separates circles: the identity networks rank below the ReLU ones with hidden units
        best = rows[0].values
        assert best["activation"] == "relu" and best["hidden"] != [2]
        assert all(row.values["activation"] == "identity" for row in rows[-3:])
        # the small maps come in the table's order, titled with what varies and the accuracy
        tiles = list(app.query(".sweep-tile"))
        title = str(tiles[0].border_title)
        assert "relu" in title and title.startswith(f"{rows[0].mean:.3f}".removeprefix("0"))
        assert all(tile.data is not None for tile in tiles)  # every configuration's map drawn
        # from the messages alone: the view holds neither the sweep nor a session of it
        from engine.sweep import Sweep
        from engine.training.session import TrainingSession

        held = [*vars(view).values(), *view.tiles.values(), *(v for d in view.tiles.values() for v in vars(d).values())]
        assert not any(isinstance(value, (Sweep, TrainingSession)) for value in held)
        assert "6 of 6 runs kept" in shown_text(app.query_one("#sweep-status"))
        assert len(kept(tmp_path)) == 6


@pytest.mark.asyncio
async def test_space_marks_and_enter_opens_a_configuration_in_the_training_view(tmp_path):
    app = AnnclfApp(BASE, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await sweep_shown(pilot, hidden="2;16,16")
        await pilot.press("f5")
        await wait_until(pilot, lambda: view.ended == "finished", tries=3000)
        await pilot.pause()
        await pilot.press("right", "space")
        assert view.marked == {view.order[1]}
        assert "✓" in str(view._tile_of[view.order[1]].border_title)
        await pilot.press("left", "enter")
        await wait_until(pilot, lambda: app.query_one("#views").active == "train"
                         and app.runner.session is not None and app.runner.session.history.epoch == 120)
        assert app.runner.session.settings.hidden == view.ranked[0].values["hidden"]


@pytest.mark.asyncio
async def test_f7_stops_a_sweep_and_what_finished_is_kept(tmp_path):
    app = AnnclfApp(BASE.replace(epochs=100_000), runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await sweep_shown(pilot, hidden="2;3;4")
        await pilot.press("f5")
        await wait_until(pilot, lambda: view.running and view.progress[0] > 0)
        await pilot.press("f7")
        await wait_until(pilot, lambda: view.ended == "stopped", tries=3000)
        assert "stopped" in shown_text(app.query_one("#sweep-status"))
        assert len(kept(tmp_path)) == view.progress[1] < 3


@pytest.mark.asyncio
async def test_a_bad_list_says_why_beside_the_count_and_f5_does_not_start():
    app = AnnclfApp(BASE)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        view = await sweep_shown(pilot, seed="5..1")
        await wait_until(pilot, lambda: "the range 5..1 is empty" in shown_text(app.query_one("#sweep-count", Static)))
        await pilot.press("f5")
        await pilot.pause()
        assert view.feed is None


@pytest.mark.asyncio
async def test_a_sweep_preset_fills_the_lists():
    app = AnnclfApp(BASE)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        from tui.app.presets import SWEEP_PRESETS

        title = next(t for t in SWEEP_PRESETS if "underfit" in t)
        app.apply_sweep_preset(*SWEEP_PRESETS[title])
        await pilot.pause()
        assert app.query_one("#views").active == "sweep"
        assert app.query_one("#sweep-hidden", Input).value == "2;10,10;1024,1024"
        await wait_until(pilot, lambda: "3 runs" in shown_text(app.query_one("#sweep-count", Static)))


@pytest.mark.asyncio
async def test_tab_goes_to_the_first_list_and_typing_changes_the_count():
    app = AnnclfApp(BASE)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.set_focus(None)
        await pilot.press("s", "tab")
        assert app.focused is app.query_one("#sweep-hidden", Input)
        await pilot.press(*"2;8;16,16")
        await wait_until(pilot, lambda: "3 runs" in shown_text(app.query_one("#sweep-count", Static)))


@pytest.mark.asyncio
async def test_a_scheduler_s_address_sends_the_sweep_to_its_workers_and_a_bad_one_says_why(tmp_path):
    distributed = pytest.importorskip("distributed")
    app = AnnclfApp(BASE, runs_dir=tmp_path / "runs")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        async with app.run_test(size=(120, 40)) as pilot:
            view = await sweep_shown(pilot, hidden="2;8", lr="0.03,0.1", scheduler="not an address")
            await pilot.press("f5")
            await wait_until(pilot, lambda: view.ended is not None, tries=3000)
            assert view.ended.startswith("failed: not an address: is not a scheduler's address (tcp://host:8786)")
            assert not kept(tmp_path)
            app.query_one("#sweep-scheduler", Input).value = cluster.scheduler_address
            await pilot.pause()
            await pilot.press("escape", "f5")
            await wait_until(pilot, lambda: view.ended == "finished", tries=3000)
            await pilot.pause()
            assert len(view.ranked) == 4 and "4 of 4 runs kept" in shown_text(app.query_one("#sweep-status"))
            assert all(tile.data is not None for tile in app.query(".sweep-tile"))  # drawn as each group came back
            assert len(kept(tmp_path)) == 4
