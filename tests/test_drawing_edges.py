"""Rough edges a user saw: the ASCII legend's marks, the network's ASCII weight strips, the axes' ticks, and the
compare view without colour."""

import pytest
from textual.app import App

from engine import Settings, TrainingSession
from engine.decision_map import data_box
from engine.network_picture import NetworkRequest
from engine.runs import RunStore
from engine.training.history import EpochRecord
from tui.app.app import AnnclfApp
from tui.app.drawing import map_cells, network_cells
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.class_legend import ClassLegend, legend_line
from tui.app.widgets.curves import Curves, plot_ticks, tick_count, value_ticks
from tui.app.widgets.decision_map import DecisionMap

from pilot_helpers import shown_text, wait_until

MOONS = ["upper moon", "lower moon"]
LEGEND_AT_80 = 44  # the map's legend at 80 columns: beside the settings column, inside the map's padding


# ----- the ASCII map's legend

def test_the_ascii_legend_says_what_wrong_points_the_boundary_and_a_blank_cell_mean():
    wide = legend_line(MOONS, True, 100).plain
    for mark in ("0a. upper moon", "1b: lower moon", "X/x wrong", "# boundary", "blank unsure", "0/a train/test"):
        assert mark in wide
    two = legend_line(MOONS, True, LEGEND_AT_80, lines=2).plain.split("\n")
    assert len(two) == 2 and all(len(line) <= LEGEND_AT_80 for line in two)
    assert "upper moon" in two[0] and "lower moon" in two[0]
    for mark in ("X/x wrong", "# boundary", "blank unsure"):
        assert mark in "\n".join(two)
    one = legend_line(MOONS, True, LEGEND_AT_80).plain
    assert "\n" not in one and len(one) <= LEGEND_AT_80
    assert "lower moon" in one and "X/x wrong" in one  # the classes first, then what a reader looks for first
    with_target = legend_line(MOONS, True, 100, target=True).plain
    assert "* target" in with_target


def test_the_blank_the_legend_explains_is_a_region_the_model_is_unsure_of():
    unsure = map_cells.pixel_codes(None, (2, 2))  # no model: the faintest shade everywhere
    assert map_cells.ascii_lines(unsure, None) == ["  "]


class OneLegend(App):
    CSS = "ClassLegend { height: 2; width: 44; }"

    def compose(self):
        yield ClassLegend()


@pytest.mark.asyncio
async def test_the_legend_fills_the_lines_its_layout_gives_it():
    app = OneLegend()
    async with app.run_test(size=(60, 6)) as pilot:
        legend = app.query_one(ClassLegend)
        legend.show(MOONS, True, False)
        await pilot.pause()
        shown = shown_text(legend)
        assert "X/x wrong" in shown and "# boundary" in shown and "blank unsure" in shown
        assert legend.has_class("-ascii")
        legend.show(MOONS, False, False)
        assert not legend.has_class("-ascii")


# ----- the network's weight strips in ASCII

@pytest.fixture(scope="module")
def network():
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[10, 10], epochs=20, device="cpu"))
    session.run()
    return session


@pytest.mark.parametrize("size", [(55, 14), (110, 30)])
def test_in_ascii_a_blank_column_parts_each_weight_strip_from_the_pictures_it_points_at(network, size):
    width, height = size
    widths = [2, 10, 10, 1]
    geo = network_cells.geometry(widths, width, height)
    picture = network.network_picture(NetworkRequest(data_box(network.split), 12, 10,
                                                     (geo.tile_columns, 2 * geo.tile_rows)))
    shown = {i: network_cells.shown_units(picture.layers[i], "outgoing weight", geo.capacity) for i in geo.layers}
    palette = map_cells.Palette()
    lines = ["".join(s.text for s in line) for line in
             network_cells.diagram_lines(picture, shown, geo, None, palette, True, width, height)]
    # where each layer's pictures start: a tile and its gap, then the next layer's strip
    starts, x = [], 0
    for before, index in zip((None, *geo.layers), geo.layers):
        x += 0 if before is None else geo.tile_columns + 1 + len(shown[before]) + 2
        starts.append(x)
        assert lines[0][x:].startswith(picture.layers[index].name[:2])  # its title is there
    assert any("→" in line for line in lines)
    for x in starts[1:]:
        assert all(line[x - 1] == " " for line in lines)  # a blank column before every picture
        assert any(line[x - 2] == "→" for line in lines)  # with the strip's arrow just before it


# ----- round ticks on the y axes

@pytest.mark.parametrize("low,high,count,log,expected", [
    (0.0, 0.69, 5, False, ["0.0", "0.2", "0.4", "0.6"]),
    (0.12, 0.69, 3, False, ["0.2", "0.4", "0.6"]),
    (0.0, 1.0, 5, False, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    (0.0, 1.0, 4, False, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
    (0.0, 1.0, 2, False, ["0.0", "0.5", "1.0"]),
    (0.52, 0.55, 2, False, ["0.52", "0.54"]),
    (3.0, 1234.0, 5, False, ["250", "500", "750", "1000"]),
    (0.001, 0.7, 5, True, ["0.001", "0.01", "0.1"]),
    (0.012, 0.7, 5, True, ["0.02", "0.05", "0.1", "0.2", "0.5"]),
    (0.18, 0.72, 5, True, ["0.2", "0.5"]),
    (1e-6, 2.0, 4, True, ["1e-06", "0.0001", "0.01", "1"]),
    (0.25, 0.4, 5, True, ["0.25", "0.30", "0.35", "0.40"]),  # less than a 1-2-5 step apart: round linear steps
])
def test_ticks_are_round_evenly_spaced_values_within_the_range(low, high, count, log, expected):
    ticks, labels = value_ticks(low, high, count, log)
    assert labels == expected
    assert all(low <= t <= high for t in ticks) and ticks == sorted(ticks)
    assert [float(label) for label in labels] == ticks  # no 0.30000000000000004 behind a label


def test_linear_ticks_are_evenly_spaced_in_steps_of_1_2_2_5_or_5_times_a_power_of_ten():
    import math

    for low, high in [(0.0123, 0.7177), (0.2, 0.21), (1.0, 9.5), (0.0, 3e-4), (17.0, 1e4), (0.5, 0.5001)]:
        for count in (2, 3, 4, 5):
            ticks, _ = value_ticks(low, high, count)
            steps = {round(b - a, 12) for a, b in zip(ticks, ticks[1:])}
            assert len(ticks) >= 2 and len(steps) == 1
            step = steps.pop()
            mantissa = step / 10 ** math.floor(math.log10(step))
            assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5))


@pytest.mark.parametrize("low,high,height,log", [
    (0.019, 0.7, 7, False), (0.0, 1.0, 7, False), (0.0, 0.69, 14, False), (0.3, 0.31, 6, False),
    (0.012, 0.7, 7, True), (0.001, 0.7, 9, True), (1e-6, 2.0, 8, True),
])
def test_a_plot_gets_at_most_one_tick_a_row_so_no_label_is_left_to_plotext_to_pick(low, high, height, log):
    import math

    ticks, labels = plot_ticks(low, high, height, log)
    scale = math.log10 if log else float
    rows = [(scale(t) - scale(low)) / (scale(high) - scale(low)) * (height - 5) for t in ticks]
    assert ticks and len(labels) == len(ticks)
    assert all(b - a >= 1 - 1e-9 for a, b in zip(rows, rows[1:]))
    assert set(ticks) <= set(value_ticks(low, high, tick_count(height), log)[0])  # round ones, thinned


def test_a_three_row_loss_plot_of_0_02_to_0_7_is_labelled_0_25_alone():
    assert plot_ticks(0.019, 0.7, 7) == ([0.25], ["0.25"])  # 0.25 and 0.5 are both nearest its middle row


class OneCurves(App):
    def compose(self):
        yield Curves()


def _y_labels(plot_text: str) -> list[str]:
    return [line.split("┤")[0].strip() for line in plot_text.split("\n") if "┤" in line]


@pytest.mark.asyncio
async def test_the_curves_axes_are_given_round_ticks():
    records = [EpochRecord(e, 0.69 * 0.97 ** e, 0.7 * 0.97 ** e, 0.5 + e / 400, 0.5 + e / 420, 0.01)
               for e in range(1, 101)]
    app = OneCurves()
    async with app.run_test(size=(80, 20)) as pilot:
        curves = app.query_one(Curves)
        curves.reset(records, [])
        await pilot.pause()
        losses = [r.train_loss for r in records] + [r.test_loss for r in records]
        height = curves.loss_plot.size.height
        expected = plot_ticks(min(losses), max(losses), height)[1]
        assert _y_labels(shown_text(curves.loss_plot)) == expected[::-1]  # top down
        assert _y_labels(shown_text(curves.accuracy_plot)) == plot_ticks(0, 1, height)[1][::-1]
        curves.log_scale = True
        await pilot.pause()
        expected = plot_ticks(min(losses), max(losses), height, log=True)[1]
        assert _y_labels(shown_text(curves.loss_plot)) == expected[::-1]


# ----- the compare view without colour

@pytest.mark.asyncio
async def test_without_colour_the_compare_view_draws_ascii_maps_and_tells_the_runs_curves_apart(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    store = RunStore(tmp_path / "runs")
    quick = Settings(dataset="circles", samples=300, hidden=[8], epochs=20, device="cpu")
    for hidden in ([2], [16, 16]):
        session = TrainingSession(quick.replace(hidden=hidden))
        session.run()
        store.keep(session)
    app = AnnclfApp(quick, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 2)
        await pilot.press("space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        await pilot.pause()
        screen = app.screen
        for decision_map in screen.query(DecisionMap):
            text = shown_text(decision_map)
            assert decision_map.ascii_only and "▀" not in text and "#" in text
        legend = shown_text(screen.query_one("#compare-legend"))
        assert "⢕ 1 hidden layers" in legend and "• 2 hidden layers" in legend  # one marker a run, named
        loss = shown_text(screen.query_one("#compare-loss"))
        assert "•" in loss and any("\u2801" <= c <= "\u28ff" for c in loss)  # both runs' marks on the plot
        accuracy = screen.query_one("#compare-accuracy")
        assert _y_labels(shown_text(accuracy)) == plot_ticks(0, 1, accuracy.size.height)[1][::-1]
