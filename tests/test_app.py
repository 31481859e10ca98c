"""The terminal app, driven by its keys through Textual's Pilot."""

import pytest
from textual.widgets import Input, Static

from engine import Settings
from tui.app import AnnclfApp
from tui.screens.help import HelpScreen
from tui.widgets.curves import Curves
from tui.widgets.decision_map import DecisionMap

from pilot_helpers import ready, shown_text, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=200, device="cpu")


def status(app) -> str:
    return str(app.query_one("#status", Static).render())


@pytest.mark.asyncio
async def test_an_invalid_setting_shows_its_reason_and_blocks_training(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        app.query_one("#input-lr", Input).value = "-3"
        await pilot.pause()
        problem = str(app.query_one("#field-lr .field-problem", Static).render())
        assert "out of range" in problem and "above 0" in problem
        await pilot.press("f5")
        await pilot.pause()
        assert not app.link.running and app.link.session.history.epoch == 0
        assert "lr" in status(app)
        app.query_one("#input-lr", Input).value = "0.01"
        await pilot.pause()
        assert str(app.query_one("#field-lr .field-problem", Static).render()) == ""


@pytest.mark.asyncio
async def test_an_emptied_field_stands_for_the_default_its_placeholder_shows(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        field = app.query_one("#input-hidden", Input)
        field.value = ""
        await pilot.pause()
        await wait_until(pilot, lambda: app.settings is not None and app.settings.hidden != QUICK.hidden)
        assert app.settings.hidden == [int(n) for n in field.placeholder.split(",")]
        assert str(app.query_one("#field-hidden .field-problem", Static).render()) == ""


@pytest.mark.asyncio
async def test_f5_trains_with_the_epoch_counter_and_curves_advancing(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not app.link.running and app.link.session.history.epoch == 200)
        await pilot.pause(0.2)
        assert "epoch 200/200" in status(app)
        assert len(app.query_one(Curves).records) == 200
        assert app.query_one(DecisionMap).data.probabilities is not None
        assert app.link.session.history.records[-1].test_accuracy > 0.9


@pytest.mark.asyncio
async def test_pause_step_stop_and_reset(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        session = app.link.session
        await pilot.press("f6")  # one epoch from a standing start, then paused
        await wait_until(pilot, lambda: session.history.epoch == 1)
        await pilot.press("f6")
        await wait_until(pilot, lambda: session.history.epoch == 2)
        await pilot.pause(0.2)
        assert session.history.epoch == 2 and app.link.running and "paused" in status(app)
        await pilot.press("f5")  # resume
        await wait_until(pilot, lambda: session.history.epoch > 20)
        await pilot.press("f5")  # pause
        await pilot.pause(0.2)
        paused_at = session.history.epoch
        await pilot.pause(0.2)
        assert session.history.epoch == paused_at
        await pilot.press("r")  # the report of the paused model, without another epoch
        body = app.query_one("#report-body", Static)
        await wait_until(pilot, lambda: "precision" in shown_text(body))
        assert session.history.epoch == paused_at and "paused" in status(app)
        await pilot.press("f7")
        await wait_until(pilot, lambda: not app.link.running)
        await pilot.press("f8")
        await wait_until(pilot, lambda: app.link.session is not session)
        assert app.link.session.history.epoch == 0


@pytest.mark.asyncio
async def test_quit_while_training_ends_the_app_and_the_run(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.link.session.history.epoch > 5)
        session = app.link.session
        await pilot.press("ctrl+q")
    assert session.controls.stop_requested
    assert app.return_code in (0, None)


@pytest.mark.asyncio
async def test_f1_opens_and_closes_the_help(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.asyncio
async def test_no_color_gives_an_ascii_map(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        decision_map = app.query_one(DecisionMap)
        await wait_until(pilot, lambda: decision_map.data is not None)
        assert decision_map.ascii_only
        text = "".join(seg.text for y in range(decision_map.size.height) for seg in decision_map.render_line(y))
        assert "▀" not in text and any(c in text for c in "01X")


@pytest.mark.asyncio
async def test_a_small_terminal_shows_a_notice(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("too-small")
        assert app.query_one("#too-small").display


@pytest.mark.asyncio
async def test_ctrl_s_saves_a_checkpoint_and_settings(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == 1)
        await pilot.press("ctrl+s", "f12", "f12")  # within the same second: new names, nothing overwritten
        await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == 2)
    assert len(list(tmp_path.glob("*.toml"))) == 2 and len(list(tmp_path.glob("*.svg"))) == 2
    from engine import load_checkpoint

    assert load_checkpoint(next(tmp_path.glob("*.pt"))).settings.hidden == QUICK.hidden


@pytest.mark.asyncio
async def test_the_report_stays_current_while_training(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: len(app.query(Input)) > 0)
        app.query_one("#input-lr", Input).focus()
        await pilot.press("escape")  # leaves the field: letter keys act again
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.link.session.history.epoch > 5)
        await pilot.press("r")
        assert app.query_one("#input-lr", Input).value == "0.01"  # the r went to the app, not the field
        body = app.query_one("#report-body", Static)
        await wait_until(pilot, lambda: "precision" in shown_text(body))
        first = shown_text(body)
        await wait_until(pilot, lambda: shown_text(body) != first)  # a newer report replaced it
        assert app.link.running
        await pilot.press("f7")
        await wait_until(pilot, lambda: not app.link.running)


def test_the_help_lists_every_key_of_the_app():
    from tui.screens.help import GLOBAL_KEYS, LETTER_KEYS

    listed = {part.strip().lower() for key, _ in GLOBAL_KEYS + LETTER_KEYS for part in key.split("/")}
    bound = {b.key for b in AnnclfApp.BINDINGS} | {"ctrl+p"}
    assert bound == listed


@pytest.mark.asyncio
async def test_a_log_scale_survives_a_resize(tmp_path):
    # plotext takes the log of its stored data in place: a second build of the same figure used to fail
    app = AnnclfApp(QUICK.replace(epochs=50), output_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: not app.link.running and len(app.curves.records) == 50)
        await pilot.press("l")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.is_running and "loss (log)" in shown_text(app.curves.loss_plot)
