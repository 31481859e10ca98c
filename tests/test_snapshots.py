"""What the main screens look like at 80×24 and 120×40, compared with reviewed SVG snapshots.

No model is trained here: a trained one is reopened from a checkpoint in tests/data, a sweep replays runs kept
there (snapshot_fixtures.py), and the last test proves that no figure on these screens moves when the weights
and the data move by a millionth, as they do between torch builds and CPUs.

Update them after an intended change of the UI with `pytest tests/test_snapshots.py --snapshot-update`,
and look at the report it writes before committing.
"""

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tui.app.app import AnnclfApp

from pilot_helpers import ready, shown_text, sweep_shown, wait_until
from snapshot_fixtures import CIRCLES, SWEEP_AXES, TRAINED, nudge, replayed_sweeps

pytestmark = pytest.mark.slow  # each drives the app: `pytest -m "not slow"` leaves them out

SIZES = [(80, 24), (120, 40)]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


def map_settled(app) -> bool:
    """The map shows a model's grid made for its current size (not one from before a resize)."""
    decision_map = app.training.map
    data, size = decision_map.data, decision_map.size
    return (data is not None and data.probabilities is not None
            and data.probabilities.shape[:2] == (2 * size.height, size.width))


async def steady(pilot) -> None:
    """No blinking cursor, no toast and no wall-clock time on the screen: the same picture every run."""
    app = pilot.app
    for field in app.query(Input):
        field.cursor_blink = False
    app.clear_notifications()
    app.training.progress.seconds = 1.0  # the one figure that depends on the machine's speed
    app.training.show_status()
    # the curves as they end: a draw of the last epochs may still wait on the refresh cadence when the status
    # line already says how the run ended (the two reach the view by different ways)
    app.training.curves.redraw()
    await pilot.pause()



def kept_trained_run(runs_dir: Path) -> None:
    """The checkpoint in tests/data kept as a run of `runs_dir`, as the app keeps one it trained."""
    from engine.checkpoint import load_checkpoint
    from engine.runs import RunStore
    from engine.training.outcome import Reason

    session = load_checkpoint(TRAINED)
    session.end(Reason.COMPLETED)
    RunStore(runs_dir).keep(session)


def app(tmp_path: Path) -> AnnclfApp:
    kept_trained_run(tmp_path / "runs")
    return AnnclfApp(CIRCLES, runs_dir=tmp_path / "runs", output_dir=tmp_path)


async def reopened(pilot) -> None:
    """The kept run reopened from the runs view (u, Enter), its curves and its map on the screen."""
    app = pilot.app
    await ready(pilot)
    app.set_focus(None)
    await pilot.press("u")
    await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.runner.session.history.epoch == CIRCLES.epochs and app.tabs.active == "train"
                     and len(app.training.curves.records) == CIRCLES.epochs and map_settled(app))
    app.set_focus(None)


async def ready_to_train(pilot):
    await ready(pilot)
    await wait_until(pilot, lambda: map_settled(pilot.app))
    await steady(pilot)


async def after_training(pilot):
    await reopened(pilot)
    await steady(pilot)


async def report(pilot):
    await reopened(pilot)
    await pilot.press("r")
    body = pilot.app.query_one("#report-body", Static)
    await wait_until(pilot, lambda: "precision" in shown_text(body))
    await steady(pilot)


async def help_screen(pilot):
    await ready(pilot)
    await wait_until(pilot, lambda: map_settled(pilot.app))
    await pilot.press("f1")
    await steady(pilot)


async def a_focused_field_and_a_refused_value(pilot):
    await ready(pilot)
    await wait_until(pilot, lambda: map_settled(pilot.app))
    pilot.app.query_one("#input-lr", Input).value = "-1"
    pilot.app.query_one("#input-epochs", Input).focus()
    await pilot.pause()
    await steady(pilot)


def network_settled(app) -> bool:
    """The network view shows pictures of the trained model made for its present sizes."""
    view = app.query_one("#network-view")
    picture, big = view.picture, view.big
    if picture is None or view.epoch != CIRCLES.epochs:
        return False
    geo = view._geometry()
    return (picture.layers[0].pictures.shape[1:] == (2 * big.size.height, big.size.width)
            and picture.layers[0].tiles.shape[1:] == (2 * geo.tile_rows, geo.tile_columns))


async def network(pilot):
    await reopened(pilot)
    await pilot.press("w")
    await wait_until(pilot, lambda: network_settled(pilot.app))
    await pilot.press("down")
    await steady(pilot)


async def sweep(pilot):
    """The sweep of SWEEP_AXES, its runs replayed from tests/data (see `replayed_sweeps`)."""
    view = await sweep_shown(pilot, **SWEEP_AXES)
    await pilot.press("f5")
    def drawn() -> bool:  # the tiles laid out once the sweep ended (not those they replace), each map drawn
        tiles = list(pilot.app.query(".sweep-tile"))
        return view.ended == "finished" and len(tiles) == min(view.per_page, len(view.order)) and all(
            tile.drawn and tile.data.probabilities is not None for tile in tiles)

    await wait_until(pilot, drawn, tries=3000)
    await steady(pilot)


# each screen, and what is done before it is taken; its snapshot is test_screen[<name>-<size>].svg
SCREENS = {"ready_to_train": ready_to_train, "after_training": after_training, "report": report,
           "help": help_screen, "a_focused_field_and_a_refused_value": a_focused_field_and_a_refused_value,
           "network": network, "sweep": sweep}
size_ids = lambda s: f"{s[0]}x{s[1]}"  # noqa: E731


@pytest.mark.parametrize("size", SIZES, ids=size_ids)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, screen, size, tmp_path, monkeypatch):
    replayed_sweeps(monkeypatch)  # a sweep's runs come from tests/data
    assert snap_compare(app(tmp_path), terminal_size=size, run_before=SCREENS[screen])


def screenshot(app: AnnclfApp, size: tuple[int, int], before) -> str:
    """The SVG snap_compare takes of `app` after `before`, the way pytest-textual-snapshot takes it."""
    async def take(pilot) -> None:
        await before(pilot)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        pilot.app.exit(pilot.app.export_screenshot(title=pilot.app.title, simplify=True))

    return app.run(headless=True, auto_pilot=take, size=size)


@pytest.mark.parametrize("size", SIZES, ids=size_ids)
@pytest.mark.parametrize("screen", SCREENS)
def test_no_snapshot_changes_when_the_weights_and_the_data_move_by_a_millionth(screen, size, tmp_path, monkeypatch):
    """What another torch build or CPU does to the last bits: every figure on screen stays as it is."""
    from pytest_textual_snapshot import normalize_svg

    replayed_sweeps(monkeypatch)
    nudged = nudge(monkeypatch)
    shot = screenshot(app(tmp_path), size, SCREENS[screen])
    assert {"data", "initial weights"} <= set(nudged)
    if screen in ("after_training", "report", "network", "sweep"):
        assert "trained weights" in nudged
    expected = (SNAPSHOTS / f"test_screen[{screen}-{size_ids(size)}].svg").read_text(encoding="utf-8")
    if normalize_svg(shot) != normalize_svg(expected):
        (tmp_path / "nudged.svg").write_text(shot, encoding="utf-8")
        pytest.fail(f"test_screen[{screen}-{size_ids(size)}] shows a figure that a millionth changes: compare "
                    f"{tmp_path / 'nudged.svg'} with its snapshot")
