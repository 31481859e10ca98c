"""The sweep view: the settings that vary, as lists; every combination trained in the background; a small
decision map of each configuration, live, paged to fit; and the table ranked by mean test accuracy.

The rest of the settings are the training form's. The view owns its sweep: the job's thread trains and
makes the small maps, the view drains what it made ten times a second and draws it.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.app.keys import SWEEP, bindings
from tui.app.messages import ReopenRequested
from tui.app.widgets.decision_map import DecisionMap, map_data_for
from tui.app.widgets.status_line import StatusLine
from tui.app.widgets.sweep_table import SweepTable
from tui.app.views import sweep_text

STYLES = Path(__file__).with_suffix(".tcss")
SWEPT = ("hidden", "activation", "inputs", "optimizer", "lr", "batch_size", "dropout", "weight_decay", "epochs", "seed")
TILE = (22, 7)  # the least columns and lines a small map takes, its border included


class SweepView(Horizontal, can_focus=True):
    BINDINGS = bindings(SWEEP)

    def __init__(self, store, **kwargs):
        super().__init__(**kwargs)
        self.store = store
        self.texts: dict[str, str] = {}  # what the fields hold
        self.job = None  # the SweepJob running or last run
        self.tiles: dict[int, tuple] = {}  # configuration → (session, grid, accuracy) last drawn
        self.order: list[int] = []  # the configurations in the order shown
        self.cursor, self.page = 0, 0
        self.marked: set[int] = set()
        self.progress = (0.0, 0)  # runs' worth of training done, runs finished
        self.ended: str | None = None
        self._base = None  # the training form's settings the fields were filled from
        self._tile_of: dict[int, DecisionMap] = {}  # the configurations on this page → their tiles
        self.rows: dict = {}  # configuration → its row of the table, once finished (sweep_text.by_index)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sweep-settings"):
            yield Static("Sweep: lists of values", classes="form-section")
            for name in SWEPT:
                with Horizontal(classes="field-row sweep-row"):
                    yield Label(name.replace("_", " "), classes="field-label")
                    yield Input(id=f"sweep-{name}", compact=True)
            yield Static("", id="sweep-count")
            yield Static(sweep_text.HINT, id="sweep-hint")
        with Vertical(id="sweep-right"):
            yield Grid(id="sweep-maps")
            yield Static("", id="sweep-page")
            yield SweepTable(id="sweep-table")
            yield StatusLine(id="sweep-status")

    def on_mount(self) -> None:
        self.query_one("#sweep-settings").can_focus = False  # Tab goes to the first field, not its column
        self.set_interval(0.1, self._drain)

    def on_show(self) -> None:
        self.fill(self.app.training.settings_now())
        self.focus()  # the letter keys work at once; Tab enters the fields
        self._lay_out()

    # ----- the fields
    def fill(self, settings, lists: dict[str, str] | None = None) -> None:
        """The fields from the training form's settings (a field typed into keeps what it holds), or from a
        preset's lists."""
        from engine.schema import BY_NAME

        if settings is None:
            return
        for name in SWEPT:
            field = self.query_one(f"#sweep-{name}", Input)
            now = BY_NAME[name].format(getattr(settings, name))
            if lists is not None:
                field.value = lists.get(name, now)
            elif self._base is None or field.value == BY_NAME[name].format(getattr(self._base, name)):
                field.value = now
        self._base = settings
        self._count()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._count()

    def _grid(self):
        """The grid the fields give over the training form's settings, or SettingError."""
        from engine.sweep_grid import Grid, parse_values

        axes = {}
        for name in SWEPT:
            text = self.query_one(f"#sweep-{name}", Input).value
            if text.strip():
                axes[name] = parse_values(name, text)
        return Grid(self._base, axes)

    def _count(self) -> None:
        from engine.errors import AnnclfError

        try:
            grid = self._grid()
            text = sweep_text.count_line(grid)
        except AnnclfError as error:
            text = f"[red]{error}[/]"
        self.query_one("#sweep-count", Static).update(text)

    # ----- F5, F7 (the App sends them here while this view is shown)
    @property
    def running(self) -> bool:
        return self.job is not None and self.ended is None

    def start(self, settings) -> None:
        from engine.errors import AnnclfError
        from engine.sweep import Sweep

        from tui.app.sweep_job import SweepJob

        if self.running:
            return
        self._base = settings or self._base
        try:
            sweep = Sweep(self._grid(), self.store)
        except AnnclfError as error:
            self.notify(str(error), title="the sweep cannot start", severity="error", timeout=8)
            return
        self.job = SweepJob(sweep, (0, 0))
        self.tiles, self.order, self.marked, self.rows = {}, list(range(len(self.job.keys))), set(), {}
        columns, rows = self._tile_size()  # the tiles' size once the configurations are laid out
        self.job.map_size = (columns, 2 * rows)
        self.cursor = self.page = 0
        self.progress, self.ended = (0.0, 0), None
        self.run_worker(self.job.work, name="sweep", group="sweep", thread=True, exit_on_error=False)
        self._lay_out()

    def stop(self) -> None:
        if self.running:
            self.job.stop.set()

    def on_unmount(self) -> None:
        self.stop()  # quitting stops the sweep's thread with the app

    # ----- what the job made
    def _drain(self) -> None:
        from tui.app.sweep_job import Ended, MapMade, Progressed

        if self.job is None:
            return
        changed = False
        for event in self.job.drain():
            if isinstance(event, Progressed):
                changed = changed or event.runs != self.progress[1]
                self.progress = (event.done, event.runs)
            elif isinstance(event, MapMade):
                self.tiles[event.index] = (event.session, event.grid, event.accuracy)
                self._draw_tile(event.index)
            elif isinstance(event, Ended):
                self.ended = f"failed: {event.error}" if event.error else ("finished" if event.finished else "stopped")
                changed = True
        if changed:  # a run more: the table and the rows the tiles are titled from, made once
            self.rows = sweep_text.by_index(self.job)
            self.query_one(SweepTable).show(self.job.sweep)
            if self.ended is not None:
                self._sort()
        self._show_status()

    def _sort(self) -> None:
        """At the end, the best configurations first (mean test accuracy over their seeds)."""
        means = {i: -c.mean for i, c in self.rows.items()}
        self.order = sorted(self.order, key=lambda i: means.get(i, 1.0))
        self.cursor, self.page = 0, 0
        self._lay_out()

    # ----- the small multiples
    def _tile_size(self) -> tuple[int, int]:
        """Map cells of one tile (its border left out), as the grid lays it out."""
        maps = self.query_one("#sweep-maps")
        columns, rows = self._tiles_across()
        return (max(maps.size.width // max(columns, 1) - 2, 8), max(maps.size.height // max(rows, 1) - 2, 3))

    def _tiles_across(self) -> tuple[int, int]:
        """Columns and rows of tiles: as many as fit at the least size, fewer and larger when there are
        fewer configurations than that."""
        maps = self.query_one("#sweep-maps")
        columns, rows = max(1, maps.size.width // TILE[0]), max(1, maps.size.height // TILE[1])
        count = len(self.order)
        if 0 < count < columns * rows:
            columns = min(columns, count)
            rows = min(rows, -(-count // columns))
        return columns, rows

    @property
    def per_page(self) -> int:
        columns, rows = self._tiles_across()
        return columns * rows

    def on_resize(self) -> None:
        self.call_after_refresh(self._lay_out)

    def _lay_out(self) -> None:
        """As many tiles as fit, for the configurations of this page."""
        if not self.is_mounted or self.job is None:
            return
        maps = self.query_one("#sweep-maps", Grid)
        columns, rows = self._tiles_across()
        maps.styles.grid_size_columns, maps.styles.grid_size_rows = columns, rows
        shown = self.order[self.page * self.per_page:(self.page + 1) * self.per_page]
        maps.remove_children()  # gone by the time the new ones are mounted: they carry no ids to clash
        self._tile_of = {i: DecisionMap(classes="sweep-tile") for i in shown}
        for tile in self._tile_of.values():
            tile.show_extent = False  # a small map's title says what matters
        maps.mount_all(list(self._tile_of.values()))
        self.call_after_refresh(lambda: [self._draw_tile(i) for i in shown])
        pages = max(1, -(-len(self.order) // self.per_page))
        self.query_one("#sweep-page", Static).update(sweep_text.page_line(self.page, pages, len(self.order)))

    def _draw_tile(self, index: int) -> None:
        tile = self._tile_of.get(index)
        if tile is None:
            return
        tile.ascii_only = self.app.no_color
        tile.set_class(self.order.index(index) == self.cursor, "-cursor")
        tile.set_class(index in self.marked, "-marked")
        tile.border_title = sweep_text.tile_title(self.job, self.rows, index, self.tiles.get(index), index in self.marked)
        if index in self.tiles:
            session, grid, _ = self.tiles[index]
            tile.show(map_data_for(session, grid))

    def on_decision_map_resized(self, event: DecisionMap.Resized) -> None:
        event.stop()

    # ----- the keys (the key table in keys.py)
    def action_move(self, step: int) -> None:
        if not self.order:
            return
        if step in (-1, 1):
            target = self.cursor + step
        else:  # a row of tiles up or down
            target = self.cursor + (1 if step > 0 else -1) * self._tiles_across()[0]
        self._go(max(0, min(len(self.order) - 1, target)))

    def action_page(self, step: int) -> None:
        self._go(max(0, min(len(self.order) - 1, (self.page + step) * self.per_page)))

    def _go(self, cursor: int) -> None:
        old_page = self.page
        self.cursor, self.page = cursor, cursor // self.per_page
        if self.page != old_page:
            self._lay_out()
        else:
            for i in self.order[self.page * self.per_page:(self.page + 1) * self.per_page]:
                self._draw_tile(i)

    def action_mark(self) -> None:
        if self.order:
            index = self.order[self.cursor]
            self.marked ^= {index}
            self._draw_tile(index)

    def action_open(self) -> None:
        run = sweep_text.drawn_run(self.job, self.order[self.cursor]) if self.order else None
        if run is None:
            self.notify("This configuration has not finished yet", severity="warning")
            return
        self.post_message(ReopenRequested(run.run_id, sweep_text.config_name(self.job, self.order[self.cursor])))

    def action_compare(self) -> None:
        from tui.app.screens.compare import prepare

        runs = [sweep_text.drawn_run(self.job, i) for i in sorted(self.marked)] if self.job else []
        ids = [r.run_id for r in runs if r is not None and r.run_id is not None]
        if len(ids) < 2:
            self.notify("Mark two or more finished configurations with space, then press c", severity="warning")
            return
        size, store = self.app.size, self.store
        self.run_worker(lambda: prepare(store, ids, (size.width, size.height)), name="compare",
                        group="sweep-compare", thread=True, exclusive=True, exit_on_error=False)

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.node is not self:
            return
        event.stop()
        if event.state == WorkerState.SUCCESS and event.worker.name == "compare":
            from tui.app.screens.compare import CompareScreen

            self.app.push_screen(CompareScreen(event.worker.result))
        elif event.state == WorkerState.ERROR:
            from tui.app.failures import notify_failure

            notify_failure(self, event.worker.error)

    def _show_status(self) -> None:
        self.query_one("#sweep-status", StatusLine).show(sweep_text.status_parts(self.job, self.progress, self.ended))
