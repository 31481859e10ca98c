"""Two or more kept runs side by side: their decision maps, their curves overlaid, what differs between them.

The runs are reopened and their maps made before the screen opens (`prepare`, in a worker), at the size
the maps will have, so that the maps appear with the view; after a resize they are made again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from engine.compare import comparison_rows, run_labels
from engine.training.history import History

from tui.app.keys import COMPARE, bindings
from tui.text.escapes import escaped
from tui.app.widgets.curves import epoch_ticks, plot_ticks, thin
from tui.app.widgets.decision_map import DecisionMap, map_data_for
from tui.app.widgets.fresh_plot import FreshPlot
from tui.app.widgets.key_footer import KeyFooter

# plotext's colour names, one per run in the order the runs were marked, and the same colours as both
# Rich (the table) and Textual (the map titles) read them
COLOURS = ("cyan", "orange", "magenta", "green", "red", "blue", "yellow", "white")
RICH_COLOURS = ("cyan", "#ff8700", "magenta", "green", "red", "blue", "yellow", "white")
# without colour (NO_COLOR) each run's curve has its own plotext marker, and the legend shows it
MARKERS = ("braille", "dot", "x", "+", "*", "o", "#", "@")
MARKS = ("⢕", "•", "x", "+", "*", "o", "#", "@")
MAPS_HEIGHT = 0.38  # of the screen: the maps' row (app.tcss, #compare-maps)


@dataclass(frozen=True)
class Compared:
    runs: list[dict]
    sessions: list  # engine TrainingSession, reopened
    grids: list  # engine DecisionGrid, one per run


def map_size(screen: tuple[int, int], count: int) -> tuple[int, int]:
    """The cells of each map in a screen of this size: a row of `count` bordered maps."""
    width, height = screen
    return max((width - 2) // count - 2, 4), max(round(height * MAPS_HEIGHT) - 2, 4)


def grid_for(session, columns: int, rows: int):
    from engine.decision_map import MapRequest, data_box

    return session.decision_grid(MapRequest(data_box(session.split), columns, 2 * rows))


def prepare(store, run_ids: list[str], screen: tuple[int, int]) -> Compared:
    """In a worker: the runs, reopened, with a map each of the size it will be shown at."""
    runs = [store.load(i) for i in run_ids]
    sessions = [store.reopen(i) for i in run_ids]
    columns, rows = map_size(screen, len(runs))
    return Compared(runs, sessions, [grid_for(s, columns, rows) for s in sessions])


class CompareScreen(Screen):
    BINDINGS = bindings(COMPARE)
    AUTO_FOCUS = "#compare"  # Down, PageDown and End scroll to the table on a small terminal

    def __init__(self, compared: Compared):
        super().__init__()
        self.runs, self.sessions = compared.runs, compared.sessions
        self.grids = compared.grids
        self.histories = [History.from_dicts(run["history"], run.get("marks")) for run in self.runs]
        self.log_scale = False
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        width = map_size((self.app.size.width, self.app.size.height), len(self.runs))[0]
        labels = [escaped(label) for label in run_labels(self.runs, width - 4)]  # the border's corners, padding
        with VerticalScroll(id="compare"):
            yield Static(self._title(), id="compare-title")
            with Horizontal(id="compare-maps"):
                for i, (session, grid) in enumerate(zip(self.sessions, self.grids)):
                    decision_map = DecisionMap(id=f"compare-map-{i}", classes="compare-map")
                    decision_map.ascii_only = self.app.no_color  # grey half-blocks tell no class apart
                    decision_map.border_title = Text(labels[i], RICH_COLOURS[i % len(COLOURS)])  # a name, not markup
                    decision_map.show(map_data_for(session, grid))
                    yield decision_map
            with Horizontal(id="compare-curves"):
                yield FreshPlot(lambda plt: self._draw(plt, "test_loss", "test loss"), id="compare-loss")
                yield FreshPlot(lambda plt: self._draw(plt, "test_accuracy", "test accuracy"), id="compare-accuracy")
            yield Static(self._legend(), id="compare-legend")  # beneath the curves, never over them
            yield Static(self._table(), id="compare-table")
        yield KeyFooter()

    def _legend(self) -> Text:
        labels = [escaped(label) for label in run_labels(self.runs, 40)]
        marks = MARKS if self.app.no_color else ("━",) * len(MARKS)
        return Text("   ").join(Text.assemble((f"{marks[i % len(MARKS)]} ", RICH_COLOURS[i % len(COLOURS)]), label)
                                for i, label in enumerate(labels))

    def _title(self) -> Text:
        return Text.from_markup(f"[b]Comparing {len(self.runs)} runs[/b] — their maps, their test curves "
                                "overlaid, and what differs. Escape goes back.")

    def _table(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column("", style="bold", no_wrap=True)
        for i, run in enumerate(self.runs):
            table.add_column(Text(f"{i + 1} {escaped(run['name'])}"), style=RICH_COLOURS[i % len(COLOURS)], overflow="fold")
        for label, cells in comparison_rows(self.runs):
            table.add_row(label, *cells)
        return table

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        for plot in self.query(FreshPlot):
            plot.redraw()

    def _draw(self, plt, key: str, title: str) -> None:
        plt.title(title + (" (log)" if self.log_scale and key == "test_loss" else ""))
        values, last = [], 1
        plot = self.query_one("#compare-loss")
        width = max(plot.size.width, 10)
        for i, history in enumerate(self.histories):
            shown = thin(history.records, 2 * width)
            ys = [getattr(r, key) for r in shown]
            values += ys
            last = max(last, history.epoch)
            marker = MARKERS[i % len(MARKERS)] if self.app.no_color else "braille"
            plt.plot([r.epoch for r in shown], ys, color=COLOURS[i % len(COLOURS)], marker=marker)
            for mark in history.marks:
                plt.vline(mark.epoch, "gray")
        plt.xticks(epoch_ticks(1, last))
        if key == "test_accuracy":
            plt.ylim(0, 1)
            plt.yticks(*plot_ticks(0, 1, plot.size.height))
        elif values:
            log = self.log_scale and min(values) > 0
            if log:
                plt.yscale("log")
            plt.yticks(*plot_ticks(min(values), max(values), plot.size.height, log))

    def _sizes(self) -> list[tuple[int, int]]:
        return [(m.size.width, m.size.height) for m in self.query(DecisionMap)]

    def on_decision_map_resized(self, event: DecisionMap.Resized) -> None:
        if all(g.probabilities.shape[:2] == (2 * h, w) for g, (w, h) in zip(self.grids, self._sizes())):
            return  # made at this size already
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.2, lambda: self._grids(self._sizes()))  # once a resize settles

    @work(thread=True, exclusive=True, group="compare-grids", exit_on_error=False)
    def _grids(self, sizes: list[tuple[int, int]]) -> list:
        return [grid_for(s, w, h) if w and h else None for s, (w, h) in zip(self.sessions, sizes)]

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "compare-grids" and event.state == WorkerState.SUCCESS:
            self.grids = [new or old for new, old in zip(event.worker.result, self.grids)]
            for decision_map, session, grid in zip(self.query(DecisionMap), self.sessions, self.grids):
                decision_map.show(map_data_for(session, grid))
