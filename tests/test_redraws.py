"""What the live views send to the terminal: a map update that changes no cell refreshes no row, a plot whose
cells did not change is not refreshed, and the refresh setting (fast, slow, auto over SSH) sets the cadence
and says so on the status line."""

import numpy as np
import pytest
from pilot_helpers import ready, status, train, wait_until

from engine import Settings
from tui.app.drawing import map_cells
from tui.terminal import cadence as refresh
from tui.app.app import AnnclfApp

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=30, device="cpu")


def watch_refreshes(monkeypatch, widget) -> list:
    """Every refresh of `widget` from now on: the regions it names ([] for the whole widget)."""
    calls = []
    original = type(widget).refresh

    def counted(self, *regions, **kwargs):
        if self is widget:
            calls.append(list(regions))
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(type(widget), "refresh", counted)
    return calls


async def trained_map(pilot):
    """The training view's map once QUICK has trained and the map of its model is drawn."""
    await ready(pilot)
    await train(pilot, QUICK.epochs)
    decision_map = pilot.app.training.map
    await wait_until(pilot, lambda: decision_map.data is not None and decision_map.data.probabilities is not None)
    await pilot.pause()
    return decision_map


@pytest.mark.asyncio
async def test_a_map_update_that_changes_no_cell_refreshes_no_row_and_one_that_does_only_its_rows(monkeypatch):
    app = AnnclfApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        decision_map = await trained_map(pilot)
        calls = watch_refreshes(monkeypatch, decision_map)
        data = decision_map.data
        decision_map.show(data)  # the same grid again
        assert calls == []
        changed = data.probabilities.copy()
        changed[:2] = changed[:2, :, ::-1]  # the top two pixel rows (one line of cells) change class
        decision_map.show(type(data)(**{**data.__dict__, "probabilities": changed}))
        assert len(calls) == 1 and all(region.height == 1 for region in calls[0])
        assert {region.y for region in calls[0]} <= {0, 1}


@pytest.mark.asyncio
async def test_a_plot_whose_cells_did_not_change_is_not_sent_again(monkeypatch):
    app = AnnclfApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await train(pilot, 30)
        plot = app.training.curves.loss_plot
        await pilot.pause()
        assert plot.redraw() is False  # nothing new since it was drawn
        app.training.curves.log_scale = True
        await pilot.pause()
        assert plot.redraw() is False  # already drawn on the log scale by the watcher


@pytest.mark.parametrize("mode,environ,every,label", [
    ("auto", {}, refresh.FAST, None),
    ("auto", {"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}, refresh.SLOW, "redraws 1/s (SSH)"),
    ("auto", {"SSH_TTY": "/dev/pts/3"}, refresh.SLOW, "redraws 1/s (SSH)"),
    ("fast", {"SSH_CONNECTION": "x"}, refresh.FAST, None),
    ("slow", {}, refresh.SLOW, "redraws 1/s"),
])
def test_the_refresh_setting_sets_the_cadence(mode, environ, every, label):
    assert refresh.interval(mode, environ) == every and refresh.label(mode, environ) == label


@pytest.mark.asyncio
async def test_over_ssh_the_map_is_asked_for_once_a_second_and_the_status_line_says_so(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
    app = AnnclfApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: app.runner.wanted.get("map") is not None
                         and app.runner.wanted["map"].every == refresh.SLOW)
        assert app.training.curves.min_interval == refresh.SLOW
        assert "redraws 1/s · over SSH" in status(app)
        app.action_refresh("fast")  # the palette's
        await wait_until(pilot, lambda: app.runner.wanted["map"].every == refresh.FAST)
        assert "redraws" not in status(app)


def test_the_refresh_flag_is_in_help(capsys):
    from tui.main import main

    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert "--refresh {auto,fast,slow}" in shown and "--full-frames" in shown


@pytest.mark.asyncio
async def test_while_training_jitter_moves_no_cell_and_a_map_made_at_rest_is_exact(monkeypatch):
    app = AnnclfApp(QUICK)
    async with app.run_test(size=(120, 40)) as pilot:
        decision_map = await trained_map(pilot)
        data = decision_map.data
        p = data.probabilities
        k = p.shape[2]
        position = ((p.max(axis=2) - 1 / k) / (1 - 1 / k)) * map_cells.SHADES
        # nudge every pixel a hair towards the edge of its band it is nearest (not those near a tie, whose
        # class would change): some cross it
        nudge = np.where(position % 1 < 0.5, -0.02, 0.02) * (position > 0.5)
        nudge = nudge[..., None] / map_cells.SHADES
        jittered = p + nudge * (1 - 1 / k) * np.where(p == p.max(axis=2, keepdims=True), 1, -1 / (k - 1))
        live = type(data)(**{**data.__dict__, "probabilities": jittered})
        exact = map_cells.pixel_codes(jittered, jittered.shape[:2])
        assert (exact != decision_map._codes).any()  # unheld, the nudge would move cells
        decision_map.show(data, hold=True)  # one of a stream of maps while training
        calls = watch_refreshes(monkeypatch, decision_map)
        decision_map.show(live, hold=True)
        assert calls == []
        decision_map.show(live)  # made at rest (paused, or the run over): every pixel in its own band
        assert (decision_map._codes == exact).all() and calls


def test_while_training_over_ssh_the_status_line_keeps_the_cadence_before_the_rate():
    from tui.app.messages import RunState
    from tui.app.drawing.one_line import fit
    from tui.app.views.training import Progress, status_parts

    progress = Progress(epoch=11_697, epochs=20_000, seconds=6.8, rate_from=(0, 0.5), device="cpu",
                        refresh="redraws 1/s (SSH)")
    line = fit(status_parts(RunState.RUNNING, "", progress, None, None), 64).plain  # 100 columns' status line
    assert "redraws 1/s" in line and line.endswith("running")
    line = fit(status_parts(RunState.RUNNING, "", progress, None, None), 44).plain  # 80 columns'
    assert line == "epoch 11,697/20,000 · redraws 1/s · running"
