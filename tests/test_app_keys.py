"""The training keys pressed as people press them (at once, one on another), and what the app writes and shows
of a run: every key acts, in the order pressed, on one run at a time."""

import pytest
from textual.widgets import Input

from engine import Settings
from tui.app.app import AnnclfApp
from tui.app.messages import RunState

from pilot_helpers import kept, notices, ready, shown_text, train, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=60, device="cpu")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_f8_and_f9_while_running_both_stop_keep_the_run_then_act(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        trained = []
        for key in ("f8", "f9"):
            await pilot.press("f5")
            session = app.runner.session
            await wait_until(pilot, lambda: session.history.epoch > 5)
            seed = app.query_one("#input-data_seed", Input).value
            await pilot.press(key)
            await wait_until(pilot, lambda: app.runner.session is not session and app.runner.state == RunState.READY)
            trained.append(session.history.epoch)
            assert session.outcome.reason == "stopped" and app.runner.session.history.epoch == 0
            assert (app.query_one("#input-data_seed", Input).value != seed) == (key == "f9")
            assert not notices(app)  # nothing to read: the status line says what happens
        runs = kept(tmp_path)
        assert {r.stopped for r in runs} == {"stopped"}
        # the reset model's run takes the place of the first only if it trained as far
        assert sorted(r.epochs for r in runs) == ([trained[1]] if trained[1] >= trained[0] else sorted(trained))


@pytest.mark.slow
@pytest.mark.asyncio
async def test_rapid_keys_act_in_the_order_pressed_and_stack_no_notices(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        first, seed = app.runner.session, app.query_one("#input-data_seed", Input).value
        await pilot.press("f5", "f5", "f5", "f8", "f9", "f5")
        # start, pause, resume; F8 stops the run (kept) and the keys after it wait their turn: reset, new
        # data, then the last F5 trains the new model
        await wait_until(pilot, lambda: app.runner.state == RunState.RUNNING and app.runner.session is not first
                         and app.runner.session.history.epoch > 5)
        assert app.runner.session.settings.data_seed != first.settings.data_seed
        assert app.query_one("#input-data_seed", Input).value not in (seed, "")
        # the model training is the one on the new sample, the seed the form shows
        assert app.runner.session.settings.data_seed == int(app.query_one("#input-data_seed", Input).value)
        assert first.outcome.reason == "stopped" and [r.stopped for r in kept(tmp_path)] == ["stopped"]
        assert not notices(app) and "cancelled" not in shown_text(app.training.status)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_f5_twice_before_the_first_took_effect_pauses_one_run_never_starts_two(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        session = app.runner.session
        await pilot.press("f5", "f5")
        await wait_until(pilot, lambda: app.runner.state == RunState.PAUSED)
        at = session.history.epoch
        await pilot.pause(0.3)
        assert session.history.epoch == at  # paused, and no second thread trains the same model
        assert [r.epoch for r in session.history.records] == list(range(1, at + 1))
        await pilot.press("f6", "f6", "f6", "f6", "f6")  # five single epochs, pressed at once
        await wait_until(pilot, lambda: session.history.epoch == at + 5)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)
        assert [r.epoch for r in session.history.records] == list(range(1, at + 6))


def test_every_palette_action_is_an_action_of_the_app():
    from tui.app.keys import palette_entries

    for _, action in palette_entries():
        assert hasattr(AnnclfApp, "action_" + action.split("(")[0]), action


@pytest.mark.asyncio
async def test_ctrl_o_exports_the_run_without_overwriting(tmp_path):
    import csv

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
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


@pytest.mark.asyncio
async def test_early_stopping_and_the_schedule_show_on_the_curves_and_status(tmp_path):
    settings = QUICK.replace(epochs=2000, lr=0.05, patience=15, schedule="step", step_size=20, gamma=0.5)
    app = AnnclfApp(settings, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.runner.training is None and app.runner.session.history.epoch > 0
                         and app.runner.run_id is not None)
        session = app.runner.session
        await wait_until(pilot, lambda: len(app.training.curves.records) == session.history.epoch)
        assert session.history.epoch < 2000 and "early stop" in session.history.marks[-1].note
        assert app.training.curves.best_epoch == session.best_epoch < session.history.epoch
        status = shown_text(app.training.status)
        assert f"best {session.best_epoch}" in status
        assert f"lr {session.history.records[-1].lr:.3g}" in status and session.history.records[-1].lr < 0.05
