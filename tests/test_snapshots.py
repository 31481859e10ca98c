"""What the main screens look like at 80×24 and 120×40, compared with reviewed SVG snapshots.

Update them after an intended change of the UI with `pytest tests/test_snapshots.py --snapshot-update`,
and look at the report it writes before committing.
"""

import pytest
from textual.widgets import Input, Static

from engine import Settings
from tui.app.app import AnnclfApp

from pilot_helpers import ready, shown_text, train, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

SIZES = [(80, 24), (120, 40)]
CIRCLES = Settings(dataset="circles", samples=400, hidden=[8, 8], epochs=150, lr=0.03, device="cpu")


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


async def trained(pilot) -> None:
    app = pilot.app
    await ready(pilot)
    await train(pilot, CIRCLES.epochs)
    await wait_until(pilot, lambda: len(app.training.curves.records) == CIRCLES.epochs and map_settled(app)
                     and "completed" in shown_text(app.training.status))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ready_to_train(snap_compare, size):
    async def before(pilot):
        await ready(pilot)
        await wait_until(pilot, lambda: map_settled(pilot.app))
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_training(snap_compare, size):
    async def before(pilot):
        await trained(pilot)
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report(snap_compare, size):
    async def before(pilot):
        await trained(pilot)
        pilot.app.set_focus(None)
        await pilot.press("r")
        body = pilot.app.query_one("#report-body", Static)
        await wait_until(pilot, lambda: "precision" in shown_text(body))
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, size):
    async def before(pilot):
        await ready(pilot)
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_focused_field_and_a_refused_value(snap_compare, size):
    async def before(pilot):
        await ready(pilot)
        pilot.app.query_one("#input-lr", Input).value = "-1"
        pilot.app.query_one("#input-epochs", Input).focus()
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


def network_settled(app) -> bool:
    """The network view shows pictures of the trained model made for its present sizes."""
    view = app.query_one("#network-view")
    picture, big = view.picture, view.big
    if picture is None or view.epoch != CIRCLES.epochs:
        return False
    geo = view._geometry()
    return (picture.layers[0].pictures.shape[1:] == (2 * big.size.height, big.size.width)
            and picture.layers[0].tiles.shape[1:] == (2 * geo.tile_rows, geo.tile_columns))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_network(snap_compare, size):
    async def before(pilot):
        await trained(pilot)
        pilot.app.set_focus(None)
        await pilot.press("w")
        await wait_until(pilot, lambda: network_settled(pilot.app))
        await pilot.press("down")
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sweep(snap_compare, size, tmp_path):
    async def before(pilot):
        app = pilot.app
        await ready(pilot)
        app.set_focus(None)
        await pilot.press("s")
        await pilot.pause()
        app.query_one("#sweep-hidden", Input).value = "2;8,8"
        app.query_one("#sweep-activation", Input).value = "identity,relu"
        await pilot.pause()
        await pilot.press("escape", "f5")
        view = app.query_one("#sweep-view")
        await wait_until(pilot, lambda: view.ended == "finished" and all(
            tile.data is not None and tile.data.probabilities is not None for tile in app.query(".sweep-tile")),
            tries=3000)
        await steady(pilot)

    assert snap_compare(AnnclfApp(CIRCLES, runs_dir=tmp_path), terminal_size=size, run_before=before)
