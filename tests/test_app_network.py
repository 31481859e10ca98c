"""The network view (w) driven from the keyboard: what it draws, the selection, dead units, wide layers, the
histogram, and the pace key, asserted on what the screen shows."""

import pytest
from textual.widgets import Static

from engine import Settings
from tui.app.app import AnnclfApp

from pilot_helpers import notices, ready, shown_text, status, train, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out


def view(app):
    return app.query_one("#network-view")


def text(app, name: str) -> str:
    return shown_text(app.query_one(f"#{name}", Static))


async def network_shown(pilot, epoch: int | None = None):
    """On the network view, with pictures of the model as it is (at `epoch`, when given)."""
    await pilot.press("w")
    nv = view(pilot.app)
    await wait_until(pilot, lambda: nv.picture is not None and (epoch is None or nv.epoch == epoch)
                     and "parameters" in text(pilot.app, "network-title"))
    await pilot.pause()
    return nv


async def trained_network(pilot, epochs: int):
    """Ready, trained for `epochs` with no field focused, and on the network view with their pictures."""
    await ready(pilot)
    pilot.app.set_focus(None)
    await train(pilot, epochs)
    return await network_shown(pilot, epoch=epochs)


@pytest.mark.asyncio
async def test_the_network_view_draws_every_layer_and_the_arrows_move_the_selection():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[4, 3], epochs=60, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        nv = await trained_network(pilot, 60)
        assert app.query_one("#views").active == "network"
        title = text(app, "network-title")
        assert "2 inputs → 4 → 3 → 1 output" in title
        assert f"{(2 + 1) * 4 + (4 + 1) * 3 + (3 + 1) * 1} parameters" in title and "epoch 60" in title
        diagram = shown_text(app.query_one("#network-diagram"))
        for label in ("inputs", "x1", "x2", "h1.0", "h1.3", "h2.2", "output"):
            assert label in diagram
        assert "h1.0 · hidden 1" in text(app, "unit-details")
        await pilot.press("down")
        assert "h1.1 · hidden 1" in text(app, "unit-details")
        await pilot.press("right")
        assert "h2.1 · hidden 2" in text(app, "unit-details")
        await pilot.press("down", "down", "down")  # the last unit stays selected
        assert "h2.2 · hidden 2" in text(app, "unit-details")
        await pilot.press("right")
        assert "· output" in text(app, "unit-details")
        await pilot.press("left", "left", "left")
        assert "x1 · inputs" in text(app, "unit-details")
        assert nv.selected.layer == 0
        stats = text(app, "layer-stats")
        assert "hidden 1" in stats and "|∇W|" in stats and "dead" in stats


@pytest.mark.asyncio
async def test_a_dead_relu_unit_is_flagged_dead_in_the_diagram_the_details_and_the_table():
    # zero initial weights: every ReLU is 0 on every row, so no gradient reaches them: all dead
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[3], init="zeros", epochs=5, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        await trained_network(pilot, 5)
        assert "DEAD: never active" in text(app, "unit-details")
        assert "h1.0✗" in shown_text(app.query_one("#network-diagram"))
        assert "100%" in text(app, "layer-stats")


@pytest.mark.asyncio
async def test_a_wide_layer_shows_its_strongest_units_says_so_and_b_changes_the_ordering():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[64], epochs=10, device="cpu"))
    async with app.run_test(size=(80, 24)) as pilot:
        nv = await trained_network(pilot, 10)
        notes = text(app, "network-notes")
        assert "of 64 (hidden 1), by outgoing weight (b" in notes
        layer = nv.picture.layers[1]
        strongest = int(layer.outgoing.argmax())
        assert f"h1.{strongest}" in shown_text(app.query_one("#network-diagram"))
        await pilot.press("b")
        assert "by activation variance" in text(app, "network-notes")
        await pilot.press("b")
        assert "by index" in text(app, "network-notes")
        # the selection stays with its unit, and the column scrolls to it
        assert nv.selected.unit == strongest and f"h1.{strongest}" in shown_text(app.query_one("#network-diagram"))
        for _ in range(64):
            await pilot.press("up")
        assert nv.selected.unit == 0 and "h1.0" in shown_text(app.query_one("#network-diagram"))
        for _ in range(63):
            await pilot.press("down")  # to the last unit, which no column of this size shows at first
        assert nv.selected.unit == 63 and "h1.63" in shown_text(app.query_one("#network-diagram"))
        assert "of 64 (hidden 1)" in text(app, "network-notes")


@pytest.mark.asyncio
async def test_h_opens_and_closes_the_histogram_of_the_selected_layers_weights():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[8], epochs=10, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        await trained_network(pilot, 10)
        histogram = app.query_one("#weight-histogram")
        assert not histogram.display
        await pilot.press("h")
        await pilot.pause()
        assert histogram.display and "weights into hidden 1 (16)" in shown_text(histogram)
        await pilot.press("h")
        assert not histogram.display


@pytest.mark.asyncio
async def test_the_pictures_follow_the_training_live():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[8, 8], epochs=100_000, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.set_focus(None)
        await pilot.press("w", "f5")
        nv = view(app)
        await wait_until(pilot, lambda: nv.picture is not None and nv.epoch > 0)
        first = nv.epoch
        await wait_until(pilot, lambda: nv.epoch > first)  # a later picture while it trains
        assert app.runner.training is not None
        await pilot.press("f7")


@pytest.mark.asyncio
async def test_the_pace_slows_the_epoch_counter_and_shows_on_the_status_line():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[8], epochs=2000, device="cpu"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # the smallest: the pace still shows
        await ready(pilot)
        app.set_focus(None)
        await pilot.press("p")  # 300 epochs a second
        assert "pace 300/s" in status(app)
        await pilot.press("p", "p", "p")  # 10 a second
        assert "pace 10/s" in status(app)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.training.progress.epoch >= 3)
        # at ten a second, 2,000 epochs take 200 s: it is still early in the run
        assert app.runner.training is not None and app.runner.session.history.epoch < 100
        assert "pace 10/s" in status(app)
        await pilot.press("p")  # as fast as possible, at once
        assert "pace" not in status(app)
        await wait_until(pilot, lambda: app.runner.training is None and app.runner.session.history.epoch == 2000)
        await wait_until(pilot, lambda: "completed" in status(app))
        assert not notices(app)  # the end of the run is on the status line: no notice over the map

@pytest.mark.asyncio
async def test_the_inputs_field_changes_the_first_column_and_the_parameter_count():
    app = AnnclfApp(Settings(dataset="circles", samples=300, hidden=[4], epochs=30, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.set_focus(None)
        await network_shown(pilot)
        assert f"{(2 + 1) * 4 + (4 + 1)} parameters" in text(app, "network-title")
        app.training.form.field("inputs").write(["x1^2", "x2^2", "x1*x2"])
        await wait_until(pilot, lambda: "3 inputs" in text(app, "network-title"))
        assert f"{(3 + 1) * 4 + (4 + 1)} parameters" in text(app, "network-title")
        diagram = shown_text(app.query_one("#network-diagram"))
        assert "x1^2" in diagram and "x1*x2" in diagram
        await pilot.press("left")
        assert "x1^2 · inputs" in text(app, "unit-details")


@pytest.mark.asyncio
async def test_a_deep_network_is_drawn_a_window_of_layers_at_a_time_and_the_arrows_reach_them_all():
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[4] * 7, epochs=5, device="cpu"))
    async with app.run_test(size=(80, 24)) as pilot:
        nv = await trained_network(pilot, 5)
        assert "(← → for the others)" in text(app, "network-notes")
        for _ in range(8):
            await pilot.press("right")
        assert nv.selected.layer == 8 and "in: h7." in text(app, "unit-details")
        assert "h7.0" in shown_text(app.query_one("#network-diagram"))
        for _ in range(4):
            await pilot.press("left")
        assert "h4." in text(app, "unit-details") and nv.selected.layer == 4


@pytest.mark.asyncio
async def test_with_more_than_two_features_the_pictures_span_the_maps_plane(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,label\n" + "\n".join(f"{a:.3f},{b:.3f},{c:.3f},{int(a + c > 0)}" for a, b, c in X) + "\n")
    app = AnnclfApp(Settings(dataset="csv", csv=str(path), hidden=[4], epochs=5, device="cpu"))
    async with app.run_test(size=(120, 40)) as pilot:
        nv = await trained_network(pilot, 5)
        assert "plane a × b" in text(app, "network-title") and nv.picture.features == (0, 1)
        await pilot.press("v", "y")  # the map's y axis to the next feature: c
        await pilot.press("w")
        await wait_until(pilot, lambda: nv.picture is not None and nv.picture.features == (0, 2))
        await pilot.pause()
        assert "plane a × c" in text(app, "network-title")
