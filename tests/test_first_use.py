"""What a new user meets first, keys only: the keyboard leaves the form once a run starts, the footer shows
whole keys (the views' too) at 80 columns, the help says how to close it at once, the status line says how a
run ended and never "0 ms computing", the runs are listed newest first."""

import time
from types import SimpleNamespace

import pytest
from textual.widgets import Input

from engine import Settings, TrainingSession
from engine.runs import RunStore
from tui.app.app import AnnclfApp
from tui.app.messages import RunState
from tui.app.screens.help import HelpScreen
from tui.app.widgets.key_footer import KeyFooter

from pilot_helpers import ready, shown_text, status, train, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=40, device="cpu")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_f5_after_typing_in_a_field_leaves_the_form_so_the_next_letter_is_a_key(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=30), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        epochs = app.query_one("#input-epochs", Input)
        epochs.focus()
        epochs.value = ""
        await pilot.press("5", "0", "0", "f5")
        await pilot.press("r")  # the report view, not "500r" in the field
        await wait_until(pilot, lambda: app.tabs.active == "report")
        assert epochs.value == "500" and app.runner.session.settings.epochs == 500
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)


@pytest.mark.asyncio
async def test_f5_with_a_refused_value_keeps_the_keyboard_on_the_field_that_says_why(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        epochs = app.query_one("#input-epochs", Input)
        epochs.focus()
        epochs.value = "many"
        await pilot.press("f5")
        assert app.focused is epochs and app.runner.training is None


def footer_text(app) -> str:
    return shown_text(app.query_one(KeyFooter)).strip()


@pytest.mark.asyncio
@pytest.mark.parametrize("tab", ["v", "u", "w", "s"])
async def test_at_80_columns_the_footer_shows_whole_keys_and_the_view_keys(tmp_path, tab):
    from tui.app.keys import KEYS

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(tab)
        await pilot.pause()
        shown = footer_text(app)
        labels = {k.footer for k in KEYS if k.footer}
        for part in shown.split("  "):  # every entry whole: a key and its label, none cut ("f9 New")
            assert part.strip().split(" ")[-1] in labels | {"palette", "data"}, part
        assert "F1 Help" in shown and "F5 Run/Pause" in shown and "^q Quit" in shown
        if tab == "v":
            assert "v r w s u views" in shown


@pytest.mark.asyncio
async def test_at_160_columns_the_footer_has_room_for_every_key_of_the_training_view(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        shown = footer_text(app)
        for part in ("F6 Step", "F8 Reset", "F9 New data", "^s Save", "^o Export", "F12 Screenshot", "views"):
            assert part in shown


@pytest.mark.asyncio
async def test_clicking_a_footer_key_does_what_the_key_does(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        footer = app.query_one(KeyFooter)
        start = shown_text(footer).index("F1 Help")
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


@pytest.mark.asyncio
async def test_the_help_says_how_to_close_it_where_it_is_seen_at_once(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        assert "Escape or F1 closes" in "\n".join(line.text for line in app.screen._compositor.render_strips())
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))


@pytest.mark.asyncio
async def test_f5_on_a_finished_run_says_completed_and_a_pace_before_training_says_no_computing_time(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("p")  # a pace: the time trained is shown as "computing", once there is some
        await wait_until(pilot, lambda: "pace 300/s" in status(app))
        assert "computing" not in status(app) and "0 ms" not in status(app)
        await pilot.press("p", "p", "p", "p")  # back to as fast as it goes
        await train(pilot, 40)
        await wait_until(pilot, lambda: status(app).strip().endswith("completed"))
        await pilot.press("f5")  # all its epochs are done: a notice, and the line still says how it ended
        await wait_until(pilot, lambda: app.runner.state == RunState.READY)
        await pilot.pause(0.2)
        assert status(app).strip().endswith("completed")


@pytest.mark.asyncio
async def test_the_status_line_never_says_ready_between_a_run_and_its_end(tmp_path):
    """The run's end (drained with the engine's news) and the runner's state (a worker's end) reach the view by
    different ways: in whichever order they come, the line goes from running to how the run ended."""
    app = AnnclfApp(QUICK.replace(epochs=200), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        seen = []
        real = app.training.status.show
        app.training.status.show = lambda parts: (seen.append(str(parts[-1][0])), real(parts))
        # the engine's news held back while the run trains: the worker's end comes before the run's news
        app.runner.tick = lambda real_tick=app.runner.tick: real_tick() if app.runner.training is None else []
        await train(pilot, 200)
        await wait_until(pilot, lambda: seen and seen[-1] == "completed")
        after_running = seen[seen.index("running"):]
        assert "ready" not in after_running, after_running


@pytest.mark.asyncio
async def test_the_runs_view_lists_the_newest_first_with_the_cursor_on_it(tmp_path, monkeypatch):
    import engine.runs

    clock = iter(range(1_700_000_000, 1_700_001_000, 10))  # kept ten seconds apart, the second the same each
    monkeypatch.setattr(engine.runs, "time", SimpleNamespace(time=lambda: float(next(clock)), strftime=time.strftime))
    store = RunStore(tmp_path / "runs")
    for hidden in ([4], [6], [8]):
        session = TrainingSession(QUICK.replace(hidden=hidden, epochs=3))
        session.run()
        store.keep(session, session.evaluate())
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 3)
        assert [r.settings["hidden"] for r in table.runs] == [[8], [6], [4]] and table.cursor_row == 0


@pytest.mark.asyncio
async def test_at_80_columns_the_network_views_title_and_hint_are_whole_lines(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("p", "w")  # a pace: the title has one more part to place
        view = app.query_one("NetworkView")
        await wait_until(pilot, lambda: view.picture is not None)
        await pilot.pause()
        for name in ("#network-title", "#network-notes"):
            line = shown_text(app.query_one(name)).rstrip()
            assert line and "…" not in line and len(line) <= 78, line
        assert "shade: the size" not in shown_text(app.query_one("#network-notes"))  # the least needed left out


@pytest.mark.slow
@pytest.mark.asyncio
async def test_ctrl_f_in_the_sweep_view_goes_to_the_sweeps_own_field(tmp_path):
    from tui.app.screens.goto_setting import GotoSetting

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("s", "ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, GotoSetting))
        await pilot.press(*"learning", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, GotoSetting))
        await pilot.pause()
        assert app.tabs.active == "sweep" and app.focused is app.query_one("#sweep-lr")
