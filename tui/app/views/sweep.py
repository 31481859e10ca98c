"""The sweep view: the settings that vary, as lists; every combination trained in the background; a small
decision map of each configuration, live, paged to fit; and the table ranked by mean test accuracy.

The rest of the settings are the training form's. F5 makes the sweep and its feed (engine/sweep_feed.py)
and asks for it to be trained (SweepRequested): the runner trains it in a thread that reports through the
feed, as a training session does through its own, and the App's ten-times-a-second tick drains it and posts
what it holds to this view as messages (sweep_news.messages). Everything the view shows came in those
messages, as data of its own: it never reads the sweep or a session.

The API the App uses: `start(settings)` (F5), `stop()` (F7), `fill(settings, lists)` (a preset),
`shown_settings()` and `focus_setting(name)` (ctrl+f).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.app.keys import SWEEP, bindings
from tui.app.messages import (ReopenRequested, SweepFinished, SweepNotices, SweepProgressArrived, SweepRequested,
                              SweepRunsArrived, TileArrived)
from tui.app.widgets.decision_map import DecisionMap, MapData
from tui.app.widgets.status_line import StatusLine
from tui.app.widgets.sweep_table import SweepTable
from tui.text.escapes import escaped

STYLES = Path(__file__).with_suffix(".tcss")
HERE = "this machine"  # the scheduler field empty: the sweep trains here; else a Dask scheduler's address
SWEPT = ("hidden", "activation", "inputs", "optimizer", "lr", "batch_size", "dropout", "weight_decay", "epochs", "seed")
TILE = (22, 7)  # the least columns and lines a small map takes, its border included
HINT = ("The other settings are the training form's. F5 trains every combination; F7 stops (what finished is "
        "kept). Lists: 0.01,0.1 · hidden 8;16,16 · seed 0..4. Scheduler: a Dask scheduler's address "
        "(tcp://host:8786) trains the runs on its workers.")
# a setting's name in a small map's title, where every column counts; "": the value names itself (relu, adam)
SHORT = {"hidden": "hid", "activation": "", "optimizer": "", "inputs": "in", "batch_size": "batch",
         "dropout": "drop", "weight_decay": "wd", "epochs": "ep"}


class SweepView(Horizontal, can_focus=True):
    BINDINGS = bindings(SWEEP)

    def __init__(self, store, **kwargs):
        super().__init__(**kwargs)
        self.store = store
        self.feed = None  # engine SweepFeed of the sweep running or last run: the App's tick drains it
        self._base = None  # the training form's settings the fields were filled from
        self._map_size: tuple[int, int] | None = None  # asked of the feed: (columns, pixel rows) of a tile
        self._tile_of: dict[int, DecisionMap] = {}  # the configurations on this page → their tiles
        self._forget()

    def _forget(self) -> None:
        """What the view knows of a sweep: nothing, until one starts."""
        self.configurations: tuple[tuple, ...] = ()  # each a tuple of (varying setting, value), in the plan's order
        self.varying: list[str] = []  # the settings that vary, but the seeds
        self.drawn_seeds: tuple = ()  # the seeds that vary, with the value of the runs drawn: (("seed", 0),)
        self.runs_each = 1  # runs a configuration: its seeds
        self.planned = 0  # runs in all
        self.tiles: dict = {}  # configuration → engine ConfigurationDrawn, the newest
        self.finished: list = []  # engine SweepRun of every run that finished, in order
        self.drawn_runs: dict = {}  # configuration → the SweepRun that stands for it (its first seed)
        self.ranked: list = []  # engine Configuration: the table's rows, best first
        self.rows: dict = {}  # configuration → its row of the table
        self.order: list[int] = []  # the configurations in the order shown
        self.cursor, self.page = 0, 0
        self.marked: set[int] = set()
        self.progress = (0.0, 0)  # runs' worth of training done, runs finished
        self.ended: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sweep-settings"):
            yield Static("Sweep: lists of values", classes="form-section")
            for name in SWEPT:
                with Horizontal(classes="field-row sweep-row"):
                    yield Label(name.replace("_", " "), classes="field-label")
                    yield Input(id=f"sweep-{name}", compact=True)
            with Horizontal(classes="field-row sweep-row"):
                yield Label("scheduler", classes="field-label")
                yield Input(id="sweep-scheduler", compact=True, placeholder=HERE)
            yield Static("", id="sweep-count")
            yield Static(HINT, id="sweep-hint")
        with Vertical(id="sweep-right"):
            yield Grid(id="sweep-maps")
            yield StatusLine(id="sweep-page")
            yield SweepTable(id="sweep-table")
            yield StatusLine(id="sweep-status")

    def on_mount(self) -> None:
        self.query_one("#sweep-settings").can_focus = False  # Tab goes to the first field, not its column
        self._show_status()

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

    def shown_settings(self) -> list:
        """The settings of the fields, for ctrl+f."""
        from engine.schema import BY_NAME

        return [BY_NAME[name] for name in SWEPT]

    def focus_setting(self, name: str) -> None:
        self.query_one(f"#sweep-{name}", Input).focus()

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
            text = count_line(self._grid())
        except AnnclfError as error:
            text = f"[red]{error}[/]"
        self.query_one("#sweep-count", Static).update(text)

    # ----- F5, F7 (the App sends them here while this view is shown)
    @property
    def running(self) -> bool:
        return self.feed is not None and self.ended is None

    def start(self, settings) -> None:
        """F5: every combination of the lists over the training form's `settings`, trained in a thread that
        reports through `self.feed`. Lists the schema refuses: a notice, and nothing starts."""
        from engine.errors import AnnclfError
        from engine.sweep import Sweep
        from engine.sweep_grid import MAX_RUNS
        from engine.sweep_feed import SweepFeed

        if self.running:
            return
        self._base = settings or self._base
        try:
            grid = self._grid()
            if grid.count > MAX_RUNS:  # counted from the lists' ends: nothing of it is built yet
                raise AnnclfError("sweep", f"{grid.count:,} runs, more than {MAX_RUNS}: give fewer values")
            sweep = Sweep(grid, self.store)
            scheduler = self.query_one("#sweep-scheduler", Input).value.strip()
            if scheduler:  # connected in the sweep's thread: a scheduler far away never holds the screen
                from engine.training.dask_groups import DaskExecutor

                sweep.executor = DaskExecutor(scheduler)
        except AnnclfError as error:
            self.notify(str(error), title="the sweep cannot start", severity="error", timeout=8)
            return
        self._forget()  # what the view keeps of the sweep, taken now: made once, read by no one else after
        self.configurations, self.runs_each, self.drawn_seeds = sweep.configurations, sweep.runs_each, sweep.drawn_seeds
        self.varying = [name for name, _ in sweep.configurations[0]] if sweep.configurations else []
        self.planned, self.order = len(sweep.plan), list(range(len(sweep.configurations)))
        self.feed, self._map_size = SweepFeed(), None
        self._lay_out()  # asks the feed for maps of the tiles' size
        self.post_message(SweepRequested(sweep, self.feed))  # the runner trains it; the App's tick brings the news
        self._show_status()

    def stop(self) -> None:
        if self.running:
            self.feed.stop()

    def on_unmount(self) -> None:
        self.stop()  # quitting stops the sweep's thread with the app

    # ----- the sweep's news (sweep_news.messages)
    def on_sweep_progress_arrived(self, message: SweepProgressArrived) -> None:
        self.progress = (message.done, message.runs)
        self._show_status()

    def on_tile_arrived(self, message: TileArrived) -> None:
        self.tiles[message.drawn.index] = message.drawn
        self._draw_tile(message.drawn.index)

    def on_sweep_runs_arrived(self, message: SweepRunsArrived) -> None:
        """Runs finished: the table and the titles from them, ranked (engine.sweep.rank)."""
        from engine.sweep import rank
        from engine.sweep_grid import configuration_key

        for event in message.runs:
            self.finished.append(event.run)
            if event.drawn:
                self.drawn_runs[event.index] = event.run
        self.ranked = rank(self.finished, self.varying)
        self.rows = {self.configurations.index(configuration_key(row.runs[0].settings, self.varying)): row
                     for row in self.ranked}
        self.query_one(SweepTable).show(self.ranked, self.varying)
        for index in self._tile_of:
            self._draw_tile(index)

    def on_sweep_notices(self, message: SweepNotices) -> None:
        """What the data says, as the command line says it before a sweep (each once a sweep)."""
        # the file's words as they are: no markup read into a column named "[x]", no escape sequence let through
        self.notify("\n".join(escaped(text) for text in message.texts), title="the sweep's data", timeout=10,
                    markup=False)

    def on_sweep_finished(self, message: SweepFinished) -> None:
        self.ended = "finished" if message.finished else "stopped"
        if message.error is not None:
            self.ended = f"failed: {message.error}"
            self.notify(message.error, title="the sweep failed", severity="error", timeout=10)
        # the best configurations first, as the table ranks them; those that did not finish after
        ranked = [i for i in self.rows if i in self.order]
        self.order = sorted(ranked, key=lambda i: self.rows[i].rank_key) + [i for i in self.order if i not in self.rows]
        self.cursor, self.page = 0, 0
        self._lay_out()
        self._show_status()

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
        """As many tiles as fit, for the configurations of this page; the feed asked for maps that size."""
        if not self.is_mounted or self.feed is None:
            return
        maps = self.query_one("#sweep-maps", Grid)
        columns, rows = self._tiles_across()
        maps.styles.grid_size_columns, maps.styles.grid_size_rows = columns, rows
        cells, lines = self._tile_size()
        if self.running and (cells, 2 * lines) != self._map_size:
            self._map_size = (cells, 2 * lines)
            self.feed.want_maps(self._map_size)
        shown = self.order[self.page * self.per_page:(self.page + 1) * self.per_page]
        maps.remove_children()  # gone by the time the new ones are mounted: they carry no ids to clash
        self._tile_of = {i: DecisionMap(classes="sweep-tile") for i in shown}
        for tile in self._tile_of.values():
            tile.show_extent = False  # a small map's title says what matters
        maps.mount_all(list(self._tile_of.values()))
        self.call_after_refresh(lambda: [self._draw_tile(i) for i in shown])
        pages = max(1, -(-len(self.order) // self.per_page))
        self.query_one("#sweep-page", StatusLine).show(
            page_parts(self.page, pages, len(self.order), self.drawn_seeds, self.runs_each))

    def _draw_tile(self, index: int) -> None:
        tile = self._tile_of.get(index)
        if tile is None or not tile.is_attached:
            return
        tile.ascii_only = self.app.no_color
        tile.set_class(self.order.index(index) == self.cursor, "-cursor")
        tile.set_class(index in self.marked, "-marked")
        tile.border_title = tile_title(self.configurations[index], self.rows.get(index), self.tiles.get(index),
                                       self.runs_each, index in self.marked)
        if index in self.tiles:
            tile.show(map_data(self.tiles[index]))

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
        index = self.order[self.cursor] if self.order else None
        run = self.drawn_runs.get(index)
        if run is None or run.run_id is None:
            self.notify("This configuration has not finished yet", severity="warning")
            return
        self.post_message(ReopenRequested(run.run_id, run_name(self.configurations[index], self.drawn_seeds)))

    def action_compare(self) -> None:
        from tui.app.screens.compare import prepare

        runs = [self.drawn_runs.get(i) for i in sorted(self.marked)]
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
        self.query_one("#sweep-status", StatusLine).show(status_parts(self.planned, self.progress, self.ended))


# ----- the view's words and maps, from its own data: pure, tested without the app
def count_line(grid) -> str:
    """"6 runs: 2 learning rates × 3 seeds"."""
    from engine.sweep import counted, values_of

    what = " × ".join(values_of(n, len(grid.axes[n])) for n in grid.varying) or "one configuration"
    return f"[b]{counted(grid.count, 'run')}[/b]: {what}"


def page_parts(page: int, pages: int, configurations: int, drawn_seeds: tuple, runs_each: int) -> list:
    """The line under the maps, as StatusLine parts: the count, the page, which seed the maps draw and what
    the titles give when seeds vary, and the keys."""
    from engine.sweep import counted

    parts = [(counted(configurations, "configuration"), 0), (f"page {page + 1}/{pages} (PgUp PgDn)", 1)]
    if drawn_seeds:
        drawn = " ".join(f"{name.replace('_', ' ')} {value}" for name, value in drawn_seeds)
        over = counted(runs_each, "seed" if len(drawn_seeds) == 1 else "run")
        parts.append((f"maps: {drawn} · titles: mean ± std over {over}", 0))
    return parts + [("arrows choose · Enter open", 2), ("space mark · c compare", 3)]


def values_text(key: tuple, short: bool = False) -> str:
    """A configuration's varying settings and their values: "lr 0.1 hidden 16,16"; `short`: as a small map's
    title names them ("lr 0.1 hid 16,16 relu")."""
    from engine.sweep import label

    words = []
    for name, value in key:
        shown = SHORT.get(name, name) if short else name.replace("_", " ")
        words.append(f"{shown} {label(name, value)}" if shown else label(name, value))
    return " ".join(words) or "the run"


def tile_title(key: tuple, row, drawn, runs_each: int, marked: bool) -> str:
    """The test accuracy first (a narrow title keeps it), then the values that vary, their settings named:
    the mean ± std over the seeds once they have all finished, to the table's precision (".992±.006": no
    leading zeros, where every column counts), else the drawn run's, live (".873…")."""
    if row is not None and len(row.runs) == runs_each:
        accuracy = _short(row.mean) + (f"±{_short(row.std)}" if runs_each > 1 else "")
    elif drawn is not None:
        accuracy = f"{_short(drawn.accuracy)}…"
    else:
        accuracy = "waiting"
    return ("✓ " if marked else "") + f"{accuracy} {values_text(key, short=True)}"


def _short(fraction: float) -> str:
    return f"{fraction:.3f}".removeprefix("0")


def run_name(key: tuple, drawn_seeds: tuple) -> str:
    """The name a configuration's drawn run is opened under: "lr 0.1 hidden 16,16 seed 0"."""
    seeds = " ".join(f"{name.replace('_', ' ')} {value}" for name, value in drawn_seeds)
    return " ".join(p for p in (values_text(key) if key else "", seeds) if p) or "the run"


def map_data(drawn) -> MapData:
    """What a tile draws: the grid of an engine ConfigurationDrawn, its points projected on the grid's features."""
    points, grid = drawn.points, drawn.grid
    f = list(grid.features)
    return MapData(box=grid.box, probabilities=grid.probabilities, X_train=points.X_train[:, f],
                   y_train=points.y_train, X_test=points.X_test[:, f], y_test=points.y_test,
                   train_correct=grid.train_correct, test_correct=grid.test_correct, target=points.target,
                   class_names=points.class_names, total=points.total)


def status_parts(planned: int, progress: tuple[float, int], ended: str | None) -> list:
    if not planned:
        return [("no sweep yet: set lists of values, then F5", 0)]
    from engine.sweep import counted

    done, runs = progress
    return [(f"{runs:,} of {counted(planned, 'run')} kept", 0), (f"{done / planned:.0%} trained", 2),
            (ended or "running", 1)]
