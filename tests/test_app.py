"""The terminal app, driven by its keys through Textual's Pilot."""

import threading

import pytest
from textual.widgets import Input, Static

from engine import Settings
from engine.runs import RunStore
from tui.app.app import AnnclfApp
from tui.app.messages import RunState
from tui.app.screens.goto_setting import GotoSetting
from tui.app.screens.help import HelpScreen

from pilot_helpers import notices, ready, shown_text, status, train, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=200, device="cpu")


@pytest.mark.asyncio
async def test_an_invalid_setting_shows_its_reason_blocks_training_and_takes_you_to_it(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        app.query_one("#input-lr", Input).value = "-3"
        await pilot.pause()
        problem = str(app.query_one("#field-lr .field-problem", Static).render())
        assert "out of range" in problem and "above 0" in problem
        await pilot.press("f5")
        await pilot.pause()
        assert app.runner.training is None and app.runner.session.history.epoch == 0
        assert "settings: learning rate: -3 is out of range" in status(app)  # named as the form names it
        assert app.focused is app.query_one("#input-lr", Input)  # where the reason is written beside it
        await pilot.pause(0.1)
        assert not notices(app)  # no notice over the form: the field and the status line say it
        app.query_one("#input-lr", Input).value = "0.01"
        await pilot.pause()
        assert str(app.query_one("#field-lr .field-problem", Static).render()) == ""


@pytest.mark.asyncio
async def test_an_emptied_field_stands_for_the_default_its_placeholder_shows(tmp_path):
    app = AnnclfApp(QUICK.replace(dataset="xor", samples=None), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        # the toy sets draw from seed 2 and 4,000 points: the fields say so, not "default"
        assert app.query_one("#input-seed", Input).placeholder == "2"
        assert app.query_one("#input-samples", Input).placeholder == "4000"
        assert app.runner.session.settings.data_seed == 2
        field = app.query_one("#input-hidden", Input)
        field.value = ""
        await pilot.pause()
        await wait_until(pilot, lambda: app.training.settings is not None and app.training.settings.hidden != QUICK.hidden)
        assert app.training.settings.hidden == [int(n) for n in field.placeholder.split(",")]
        assert str(app.query_one("#field-hidden .field-problem", Static).render()) == ""
        app.training.form.field("dataset").write("moons")
        await wait_until(pilot, lambda: app.query_one("#input-seed", Input).placeholder == "0")
        assert app.query_one("#input-noise", Input).placeholder == "0.1"


@pytest.mark.slow
@pytest.mark.asyncio
async def test_f5_trains_with_the_epoch_counter_and_curves_advancing(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await train(pilot, 200)
        await wait_until(pilot, lambda: len(app.training.curves.records) == 200 and "completed" in status(app))
        assert "epoch 200/200" in status(app) and status(app).strip().endswith("· completed")
        assert app.training.map.data.probabilities is not None
        assert app.runner.session.history.records[-1].test_accuracy > 0.9


@pytest.mark.slow
@pytest.mark.asyncio
async def test_pause_step_stop_and_reset(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        session = app.runner.session
        await pilot.press("f6")  # one epoch from a standing start, then paused
        await wait_until(pilot, lambda: session.history.epoch == 1)
        await pilot.press("f6")
        await wait_until(pilot, lambda: session.history.epoch == 2 and "paused" in status(app))
        assert session.history.epoch == 2 and app.runner.state == RunState.PAUSED
        await pilot.press("f5")  # resume
        await wait_until(pilot, lambda: session.history.epoch > 20)
        await pilot.press("f5")  # pause
        await wait_until(pilot, lambda: app.runner.state == RunState.PAUSED)
        paused_at = session.history.epoch
        await pilot.press("r")  # the report of the paused model, without another epoch
        body = app.query_one("#report-body", Static)
        await wait_until(pilot, lambda: "precision" in shown_text(body))
        assert session.history.epoch == paused_at
        await pilot.press("v", "f7")
        await wait_until(pilot, lambda: app.runner.training is None and status(app).strip().endswith("· stopped"))
        assert "cancelled" not in status(app)
        await pilot.press("f8")
        await wait_until(pilot, lambda: app.runner.session is not session and app.runner.state == RunState.READY)
        assert app.runner.session.history.epoch == 0 and "epoch 0/1,000,000" in status(app)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_quit_while_training_keeps_the_run_with_its_history_and_weights(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.runner.session.history.epoch > 5)
        await pilot.press("ctrl+q")
    app.runner.settle()  # as launching the app does: the process ends once the run is on disk
    session = app.runner.session
    assert session.controls.stop_requested and app.return_code in (0, None)
    [run], problems = RunStore(tmp_path / "runs").summaries()
    assert not problems and run.stopped == "stopped" and run.epochs == session.history.epoch
    reopened = RunStore(tmp_path / "runs").reopen(run.id)
    assert reopened.history.records == session.history.records
    assert reopened.evaluate()["test"].accuracy == session.evaluate()["test"].accuracy


@pytest.mark.asyncio
async def test_f5_while_pytorch_loads_starts_once_it_has(tmp_path, monkeypatch):
    import tui.app.runner

    loaded = threading.Event()
    real = tui.app.runner.import_engine
    monkeypatch.setattr(tui.app.runner, "import_engine", lambda: (loaded.wait(30), real()))
    app = AnnclfApp(QUICK.replace(epochs=50), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.query("SettingField")) > 0)
        await pilot.press("f5")
        await wait_until(pilot, lambda: "starting when PyTorch has loaded" in status(app))
        assert app.runner.state == RunState.LOADING and not notices(app)
        loaded.set()
        await wait_until(pilot, lambda: app.runner.session is not None and app.runner.session.history.epoch == 50)
        await wait_until(pilot, lambda: "epoch 50/50" in status(app) and "completed" in status(app))


@pytest.mark.asyncio
async def test_f1_opens_and_closes_the_help_which_lists_every_key(tmp_path):
    from tui.app.keys import ANYWHERE, OUTSIDE_FIELDS, keyed

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = shown_text(app.screen.query_one("#help-text"))
        for key in keyed(ANYWHERE)[:4] + keyed(OUTSIDE_FIELDS)[:4]:  # what fits the first screenful
            assert key.name in text and key.help[:30] in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.asyncio
async def test_no_color_tells_series_points_and_boundary_apart_without_colour(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = AnnclfApp(QUICK.replace(epochs=150, lr=0.05), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await train(pilot, 150)
        decision_map = app.training.map
        # the trained model's map (the one before training had no boundary): it shows through the points
        await wait_until(pilot, lambda: "#" in shown_text(decision_map))
        text = shown_text(decision_map)
        assert decision_map.ascii_only and "▀" not in text
        assert any(c in text for c in "01") and any(c in text for c in "ab")  # training digits, test letters
        legend = shown_text(app.training.legend)
        assert "0a. outer" in legend and "1b: inner" in legend and "# boundary" in legend
        curves = shown_text(app.training.curves.legend)
        assert "⢕ train" in curves and "• test" in curves


@pytest.mark.asyncio
async def test_the_small_terminal_notice_follows_the_size_now(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await pilot.pause()
        assert app.screen.has_class("too-small") and app.query_one("#too-small").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.has_class("too-small")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert app.screen.has_class("too-small")


@pytest.mark.asyncio
async def test_ctrl_s_saves_a_checkpoint_and_settings_and_says_saved(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == 1 and notices(app))
        assert notices(app)[0].startswith("saved annclf-circles-") and ".pt, .toml in" in notices(app)[0]
        await pilot.press("ctrl+s", "f12", "f12")  # within the same second: new names, nothing overwritten
        await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == 2)
    assert len(list(tmp_path.glob("*.toml"))) == 2 and len(list(tmp_path.glob("*.svg"))) == 2
    from engine import load_checkpoint

    assert load_checkpoint(next(tmp_path.glob("*.pt"))).settings.hidden == QUICK.hidden


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_report_stays_current_while_training(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        app.query_one("#input-lr", Input).focus()
        await pilot.press("escape")  # leaves the field: letter keys act again
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.runner.session.history.epoch > 5)
        await pilot.press("r")
        assert app.query_one("#input-lr", Input).value == "0.01"  # the r went to the app, not the field
        body = app.query_one("#report-body", Static)
        await wait_until(pilot, lambda: "precision" in shown_text(body))
        first = shown_text(body)
        await wait_until(pilot, lambda: shown_text(body) != first)  # a newer report replaced it
        assert app.runner.state == RunState.RUNNING
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_log_scale_survives_a_resize(tmp_path):
    # plotext takes the log of its stored data in place: a second build of the same figure used to fail
    app = AnnclfApp(QUICK.replace(epochs=50), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await train(pilot, 50)
        await pilot.press("l")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.is_running and "loss (log)" in shown_text(app.training.curves.loss_plot)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_focused_field_is_marked_headers_are_no_tab_stops_and_slash_jumps_to_a_setting(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        assert app.focused is app.query_one("#input-dataset")  # the first Tab stop is the first field
        await pilot.press("tab")
        assert app.focused is app.query_one("#input-samples")
        focused, other = app.query_one("#field-samples"), app.query_one("#field-noise")
        assert focused.styles.background != other.styles.background  # the row under the keyboard stands out
        await pilot.press("escape", "slash")
        await wait_until(pilot, lambda: isinstance(app.screen, GotoSetting))
        await pilot.press("e", "p", "o", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, GotoSetting))
        assert app.focused is app.query_one("#input-epochs")
        await pilot.press("ctrl+f", "d", "r", "o", "p", "enter")
        await wait_until(pilot, lambda: app.focused is app.query_one("#input-dropout"))


@pytest.mark.asyncio
async def test_the_nesterov_box_shows_no_mark_when_off(tmp_path):
    from tui.app.widgets.on_off import OnOff

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        box = app.query_one("#input-nesterov", OnOff)
        assert "X" not in shown_text(box) and "✓" not in shown_text(box)
        box.value = True
        await pilot.pause()
        assert "✓" in shown_text(box)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_at_80x24_legends_sit_beside_the_plots_the_status_keeps_one_line_and_notices_avoid_the_map(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000, schedule="cosine", patience=100_000, val_size=0.2), output_dir=tmp_path,
                    runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: "epochs/s" in status(app) or app.runner.session.history.epoch > 2000)
        curves = app.training.curves
        legend = shown_text(curves.legend)
        assert "train" in legend and "val" in legend and "test" in legend  # the series are named...
        for plot in (curves.loss_plot, curves.accuracy_plot):
            assert not plot.region.overlaps(curves.legend.region)  # ...outside the plots' area
        assert shown_text(curves.loss_plot).splitlines()[0].strip() == "loss"
        line = app.training.status
        assert line.size.height == 1 and len(status(app).strip()) <= line.size.width
        assert "running" in status(app) and "epoch " in status(app)
        await pilot.press("ctrl+s", "f12")
        await wait_until(pilot, lambda: len(app.screen.query("Toast")) == 2)
        for toast in app.screen.query("Toast"):
            assert not toast.region.overlaps(app.training.map.region)
            assert not toast.region.overlaps(curves.region)
        assert any("annclf-circles-" in n and ".pt, .toml in" in n for n in notices(app))
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)
