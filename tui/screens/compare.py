"""Two or more kept runs side by side: their decision maps, their curves overlaid, what differs between them."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from engine.compare import comparison_rows, run_labels
from engine.training.history import History

from ..widgets.curves import epoch_ticks, thin
from ..widgets.fresh_plot import FreshPlot
from ..widgets.decision_map import DecisionMap, map_data_for

# plotext's colour names, one per run in the order the runs were marked, and the same colours as both
# Rich (the table) and Textual (the map titles) read them
COLOURS = ("cyan", "orange", "magenta", "green", "red", "blue", "yellow", "white")
RICH_COLOURS = ("cyan", "#ff8700", "magenta", "green", "red", "blue", "yellow", "white")


class CompareScreen(Screen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back"), Binding("l", "toggle_log", "Log scale")]
    AUTO_FOCUS = "#compare"  # Down, PageDown and End scroll to the table on a small terminal

    def __init__(self, store, run_ids: list[str]):
        super().__init__()
        self.store = store
        self.runs = [store.load(i) for i in run_ids]
        self.histories = [History.from_dicts(run["history"], run.get("marks")) for run in self.runs]
        self.labels = run_labels(self.runs)
        self.sessions: list | None = None  # reopened in a worker, for the maps
        self.log_scale = False
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="compare"):
            yield Static(self._title(), id="compare-title")
            with Horizontal(id="compare-maps"):
                for i, run in enumerate(self.runs):
                    decision_map = DecisionMap(id=f"compare-map-{i}", classes="compare-map")
                    decision_map.border_title = f"[{RICH_COLOURS[i % len(COLOURS)]}]{self.labels[i]}[/]"
                    yield decision_map
            with Horizontal(id="compare-curves"):
                yield FreshPlot(lambda plt: self._draw(plt, "test_loss", "test loss"), id="compare-loss")
                yield FreshPlot(lambda plt: self._draw(plt, "test_accuracy", "test accuracy"), id="compare-accuracy")
            yield Static(self._table(), id="compare-table")
        yield Footer()

    def _title(self) -> Text:
        return Text.from_markup(f"[b]Comparing {len(self.runs)} runs[/b] — their maps, their test curves "
                                "overlaid, and what differs. Escape goes back.")

    def _table(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column("", style="bold", no_wrap=True)
        for i, run in enumerate(self.runs):
            table.add_column(f"{i + 1} {run['name']}", style=RICH_COLOURS[i % len(COLOURS)], overflow="fold")
        for label, cells in comparison_rows(self.runs):
            table.add_row(label, *cells)
        return table

    def on_mount(self) -> None:
        self._draw_curves()
        self._load_sessions()

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        self._draw_curves()

    def _draw_curves(self) -> None:
        for plot in self.query(FreshPlot):
            plot.refresh()

    def _draw(self, plt, key: str, title: str) -> None:
        plt.title(title + (" (log)" if self.log_scale and key == "test_loss" else ""))
        values, last = [], 1
        width = max(self.query_one("#compare-loss").size.width, 10)
        for i, history in enumerate(self.histories):
            shown = thin(history.records, 2 * width)
            ys = [getattr(r, key) for r in shown]
            values += ys
            last = max(last, history.epoch)
            plt.plot([r.epoch for r in shown], ys, label=self.labels[i], color=COLOURS[i % len(COLOURS)],
                     marker="braille")
            for mark in history.marks:
                plt.vline(mark.epoch, "gray")
        plt.xticks(epoch_ticks(1, last))
        if key == "test_accuracy":
            plt.ylim(0, 1)
        elif self.log_scale and values and min(values) > 0:
            plt.yscale("log")

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _load_sessions(self) -> None:
        sessions = [self.store.reopen(run["id"]) for run in self.runs]
        self.app.call_from_thread(self._sessions_loaded, sessions)

    def _sessions_loaded(self, sessions: list) -> None:
        self.sessions = sessions
        self._draw_maps()

    def on_decision_map_resized(self, event: DecisionMap.Resized) -> None:
        if self.sessions is None:
            return
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.2, self._draw_maps)  # one redraw after a resize settles

    def _draw_maps(self) -> None:
        sizes = [(m.size.width, m.size.height) for m in self.query(DecisionMap)]
        self._grids(sizes)

    @work(thread=True, exclusive=True, group="compare-grids", exit_on_error=False)
    def _grids(self, sizes: list[tuple[int, int]]) -> None:
        from engine.decision_map import data_box
        from engine.training.session import MapRequest

        shown = []
        for session, (columns, rows) in zip(self.sessions, sizes):
            if columns and rows:
                grid = session.decision_grid(MapRequest(data_box(session.split), columns, 2 * rows))
                shown.append(map_data_for(session, grid))
            else:
                shown.append(None)
        self.app.call_from_thread(self._show_maps, shown)

    def _show_maps(self, shown: list) -> None:
        for decision_map, data in zip(self.query(DecisionMap), shown):
            if data is not None:
                decision_map.show(data)
