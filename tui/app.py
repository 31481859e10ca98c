"""The terminal app: settings on the left, the decision map and curves (or the report) on the right."""

from __future__ import annotations

import os
import time
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from engine.errors import AnnclfError
from engine.runs import RunStore
from engine.schema import Settings

from .commands import AppCommands
from .run_link import RunLink
from .app_data import OwnData
from .app_files import Files
from .app_runs import KeptRuns
from .formats import duration
from .screens.help import HelpScreen
from .widgets.curves import Curves
from .widgets.decision_map import DecisionMap, map_data_for
from .widgets.runs_table import RunsTable
from .widgets.settings_form import SettingsForm

MIN_WIDTH, MIN_HEIGHT = 80, 24


class AnnclfApp(KeptRuns, OwnData, Files, App):
    CSS_PATH = "app.tcss"
    TITLE = "annclf-tui"
    COMMANDS = App.COMMANDS | {AppCommands}
    # no field takes focus at start: the letter keys work at once, Tab enters the form, and the first
    # frame comes sooner (focusing restyles every ancestor of the field)
    AUTO_FOCUS = None
    BINDINGS = [
        # in the footer's order, the most needed first: what does not fit at 80 columns is in F1's help
        Binding("f1", "help", "Help", priority=True),
        Binding("f5", "start_pause", "Run/Pause", priority=True),
        Binding("f6", "step", "Step", priority=True),
        Binding("f7", "stop", "Stop", priority=True),
        Binding("f8", "reset", "Reset", priority=True),
        Binding("f9", "new_data", "New data", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+o", "export", "Export", priority=True),
        Binding("f12", "screenshot_svg", "Screenshot", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("escape", "leave_field", "Leave field", show=False),
        Binding("l", "toggle_log", "Log scale", show=False),
        Binding("t", "toggle_target", "Target", show=False),
        Binding("a", "toggle_ascii", "ASCII map", show=False),
        Binding("r", "show_tab('report')", "Report", show=False),
        Binding("v", "show_tab('train')", "Training view", show=False),
        Binding("u", "show_tab('runs')", "Runs", show=False),
        Binding("o", "pick_csv", "Open CSV", show=False),
        Binding("x", "slice(0)", "Map x feature", show=False),
        Binding("y", "slice(1)", "Map y feature", show=False),
    ]

    def __init__(self, settings: Settings | None = None, output_dir: str | os.PathLike = ".",
                 runs_dir: str | os.PathLike | None = None):
        super().__init__()
        self.runs = RunStore(runs_dir)
        self._run_id: str | None = None  # the kept run the current session is saved as
        self._last_outcome = None  # how the current session's last training ended
        self._slice = (0, 1)  # the two features the map spans (the others held at their median)
        self.initial = settings or Settings()
        self.settings: Settings | None = self.initial
        self.problems: dict[str, str] = {}
        self.output_dir = Path(output_dir)
        self.link = RunLink()
        self.engine_ready = False
        self._map_size = (0, 0)
        self._rebuild_due: float | None = None
        self._seconds_at_start = 0.0
        self._status_shown = ""
        self._status_at = 0.0
        self._epochs_at_start = 0

    # ----- layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            # the form is a few hundred widgets: it is mounted just after the first frame, in a column
            # already its size, so the app shows at once and nothing moves when the form arrives
            with Vertical(id="settings-column"):
                yield Lazy(SettingsForm(self.initial, id="settings"))
            # the status line stays in this column: a line spanning the screen would make every live
            # update redraw the form beside it too (Textual repaints the box around what changed)
            with Vertical(id="right"):
                with TabbedContent(initial="train", id="views"):
                    with TabPane("Training", id="train"):
                        with Vertical(id="train-view"):
                            yield DecisionMap(id="map")
                            yield Curves(id="curves")
                    with TabPane("Report", id="report"):
                        with VerticalScroll(id="report-scroll"):
                            yield Static("Train a model (F5) to see its report.", id="report-body")
                    with TabPane("Runs", id="runs"):
                        with Vertical(id="runs-view"):
                            yield RunsTable(id="runs-table")
                            yield Static("space mark · c compare the marked · Enter reopen · n rename · "
                                         "d delete", id="runs-hint")
                yield Static("loading PyTorch and scikit-learn…", id="status")
        yield Static(f"The terminal is too small: at least {MIN_WIDTH}×{MIN_HEIGHT} is needed.",
                     id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        # held, not queried: the timer may tick while the screen is being torn down at exit
        self.map = self.query_one(DecisionMap)
        self.curves = self.query_one(Curves)
        self.status = self.query_one("#status", Static)
        self.report_body = self.query_one("#report-body", Static)
        self.views = self.query_one(TabbedContent)
        self.runs_table = self.query_one(RunsTable)
        self.map.border_title = "decision map"
        if os.environ.get("NO_COLOR"):
            self.map.ascii_only = True
        self.set_interval(0.1, self._tick)
        # torch's import holds the GIL for a second: start it once the first frame is on the screen
        self.call_after_refresh(self._load_engine)

    def on_resize(self) -> None:
        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        self.screen.set_class(small, "too-small")

    # ----- start-up: torch and scikit-learn load after the first frame
    @work(thread=True, group="load", exit_on_error=False)
    def _load_engine(self) -> None:
        import engine.training.session  # noqa: F401  (the slow imports: torch, scikit-learn)
        import engine.checkpoint  # noqa: F401

        self.call_from_thread(self._engine_loaded)

    def _engine_loaded(self) -> None:
        self.engine_ready = True
        self._rebuild_due = time.monotonic()
        self._list_runs()

    # ----- settings
    def on_settings_form_changed(self, event: SettingsForm.Changed) -> None:
        self.settings, self.problems = event.settings, event.problems
        if self.settings is not None and not self.link.running:
            self._rebuild_due = time.monotonic() + 0.25  # debounce typing
        self._update_status()

    def _rebuild_if_needed(self) -> None:
        if self._rebuild_due is None or time.monotonic() < self._rebuild_due or self.link.running:
            return
        self._rebuild_due = None
        if self.settings is not None and self.engine_ready and self.link.needs_new_session(self.settings):
            self._build_session(self.settings)

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def _build_session(self, settings: Settings) -> None:
        session = self.link.build(settings)
        grid = session.decision_grid(self._map_request(session)) if self._map_size[0] else None
        self.call_from_thread(self._session_built, session, grid)

    def _session_built(self, session, grid) -> None:
        if self.link.running:
            return
        self._adopt_session(session)
        self._show_grid(grid)

    def _adopt_session(self, session, run_id: str | None = None) -> None:
        self.link.session = session
        self._run_id = run_id
        self._last_outcome = None
        if max(self._slice) >= len(session.dataset.feature_names):
            self._slice = (0, 1)
        self._title_map(session)
        if session.device_notice:
            self.notify(session.device_notice, severity="warning", timeout=8)
        self.curves.show([], [], now=True)
        self._update_status()

    # ----- the map
    def _map_request(self, session):
        from engine.decision_map import data_box
        from engine.training.session import MapRequest

        columns, rows = self._map_size
        return MapRequest(data_box(session.split, self._slice), max(columns, 1), max(2 * rows, 2), self._slice)

    def on_decision_map_resized(self, event: DecisionMap.Resized) -> None:
        self._map_size = (event.columns, event.rows)
        self._ask_for_grid()

    def _ask_for_grid(self) -> None:
        """A new grid for the map as it now is: from the trainer between epochs, or at once when idle."""
        session = self.link.session
        if session is None:
            return
        if self.link.running:
            session.request_map(self._map_request(session))
        else:
            self._refresh_grid()

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False)
    def _refresh_grid(self) -> None:
        session = self.link.session
        if session is not None and self._map_size[0] and not self.link.running:
            grid = session.decision_grid(self._map_request(session))
            self.call_from_thread(self._show_grid, grid)

    def _show_grid(self, grid) -> None:
        session = self.link.session
        if session is None:
            return
        box = None if grid is not None else self._map_request(session).box
        self.map.show(map_data_for(session, grid, box, self._slice))
        columns, rows = self._map_size
        stale = grid is not None and grid.probabilities.shape[:2] != (2 * rows, columns)
        if stale and columns and not self.link.running:
            self._refresh_grid()  # a grid made before the last resize arrived after the run ended

    # ----- training
    def _start(self, paused: bool = False) -> None:
        if self.settings is None:
            name = next(iter(self.problems), "settings")
            self.notify(f"Cannot train: {name}: {self.problems.get(name, 'invalid')}", severity="error")
            return
        if not self.engine_ready:
            self.notify("PyTorch is still loading; try again in a moment", severity="warning")
            return
        self.link.running = True
        self._train(self.settings, paused)
        self._update_status()

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train(self, settings: Settings, paused: bool) -> None:
        """Build a new session if the data or network changed (here, off the UI thread), then train."""
        if self.link.needs_new_session(settings):
            self.call_from_thread(self._adopt_session, self.link.build(settings))
        else:
            self.link.apply_training_changes(settings)
        session = self.link.session
        if session.history.epoch >= session.settings.epochs:
            self.call_from_thread(self.notify, f"All {session.settings.epochs} epochs are done: raise epochs "
                                  "to continue, or F8 to reset", severity="warning")
            return
        session.controls.rearm(paused=paused)
        if paused:
            session.controls.step()
        session.request_map(self._map_request(session))
        session.request_report(self._report_visible)
        self._seconds_at_start, self._epochs_at_start = session.seconds, session.history.epoch
        outcome = self._last_outcome = session.run()
        report = session.evaluate()
        self.call_from_thread(self._show_report, session, report)
        self._keep_run(session, outcome, report)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            if event.worker.group == "train":
                self.link.running = False
            error = event.worker.error
            message = str(error) if isinstance(error, AnnclfError) else f"{type(error).__name__}: {error}"
            title = {"DataError": "cannot use this data", "SettingError": "invalid setting",
                     "FileProblem": "file problem", "ResourceError": "too large"}.get(
                type(error).__name__, "something went wrong")
            self.notify(message, title=title, severity="error", timeout=10)
            self._update_status()
        elif event.worker.group == "train" and event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED):
            self.link.running = False
            self._update_status()
            self._refresh_grid()  # the map may have been resized as the run ended, after its last grid

    def _tick(self) -> None:
        """About ten times a second: take what the trainer produced and show it."""
        if not self.is_running:  # the timer can fire once more while the app is being torn down
            return
        self._rebuild_if_needed()
        session = self.link.session
        if session is None:
            return
        updates = session.drain()
        if updates.records:
            self._show_curves(session)
        if updates.grid is not None:
            self._show_grid(updates.grid)
        if updates.report is not None:
            self._show_report(session, updates.report)
        if updates.outcome is not None:
            outcome = updates.outcome
            severity = {"diverged": "error", "cancelled": "warning"}.get(outcome.reason, "information")
            self.notify(outcome.message, title=outcome.reason.replace("_", " "), severity=severity,
                        timeout=10 if outcome.reason == "diverged" else 4)
            self._show_curves(session, now=True)
        # the status line four times a second is enough to read and costs the trainer less
        now = time.monotonic()
        if updates.outcome or (updates.records and now - self._status_at >= 0.25):
            self._status_at = now
            self._update_status()

    def _show_report(self, session, report) -> None:
        from .report_tables import confusion_table, report_table
        from rich.console import Group
        from rich.text import Text

        parts = []
        for name in ("train", "test"):
            ev = report[name].as_dict()
            parts += [report_table(name, ev), Text(""),
                      confusion_table(name, session.class_names, ev["confusion_matrix"]), Text("")]
        self.report_body.update(Group(*parts))

    def _show_curves(self, session, now: bool = False) -> None:
        # with early stopping on, the best epoch so far is where the weights would be restored from
        best = session.best_epoch if session.settings.patience and session.best_epoch else None
        self.curves.show(session.history.records, session.history.marks, now=now, best_epoch=best)

    def _update_status(self) -> None:
        text = self._status_text()
        if text == self._status_shown:
            return
        # a relayout of every widget per update would cost the trainer; only a change between one line
        # and two (the status wraps in a narrow terminal) needs one
        width = max(self.status.size.width - 2, 1)
        layout = (len(text) > width) != (len(self._status_shown) > width)
        self._status_shown = text
        self.status.update(text, layout=layout)

    def _status_text(self) -> str:
        session = self.link.session
        if not self.engine_ready:
            return "loading PyTorch and scikit-learn…"
        if self.settings is None:
            name = next(iter(self.problems))
            return f"[b red]settings:[/] {name}: {self.problems[name]}"
        if session is None:
            return "preparing the data…"
        epoch, total = session.history.epoch, session.settings.epochs
        state = "running" if self.link.running and not session.controls.paused else (
            "paused" if self.link.running else "ready")
        if not self.link.running and self._last_outcome is not None:
            state = self._last_outcome.reason.replace("_", " ")  # completed, early stopping, diverged...
        rate = ""
        trained = session.seconds - self._seconds_at_start  # training time of this run, pauses left out
        if self.link.running and trained > 0:
            rate = f" · {(epoch - self._epochs_at_start) / trained:,.0f} epochs/s"
        extra = ""
        if session.settings.schedule != "none" and session.history.records:
            extra += f" · lr {session.history.records[-1].lr:.3g}"  # the rate of the last epoch, as it changes
        if session.settings.patience and session.best_epoch:
            extra += f" · best {session.best_epoch}"
        return (f"epoch {epoch}/{total}{rate}{extra} · {duration(session.seconds)} · {session.device.type} · "
                f"{state}")

    # ----- actions
    def action_start_pause(self) -> None:
        session = self.link.session
        if self.link.running and session is not None:
            if session.controls.paused:
                session.controls.resume()
            else:
                session.controls.pause()
            self._update_status()
        else:
            self._start()

    def action_step(self) -> None:
        if self.link.running:
            self.link.session.controls.step()
            self._update_status()
        else:
            self._start(paused=True)

    def action_stop(self) -> None:
        if self.link.running:
            self.link.session.controls.stop()

    def action_reset(self) -> None:
        if self.link.running:
            self.link.session.controls.stop()
            self.notify("Stopping the run first; press F8 again to reset", severity="warning")
            return
        if self.settings is not None and self.engine_ready:
            self._build_session(self.settings)

    def action_new_data(self) -> None:
        if self.link.running:
            self.notify("Stop the run (F7) before drawing new data", severity="warning")
            return
        import random

        form = self.form
        form.field("data_seed").write(random.randrange(2**31 - 1))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_leave_field(self) -> None:
        self.set_focus(None)

    def action_toggle_log(self) -> None:
        curves = self.curves
        curves.log_scale = not curves.log_scale

    def action_toggle_target(self) -> None:
        decision_map = self.map
        session = self.link.session
        if session is not None and session.split.dataset.target is None:
            self.notify(f"{session.settings.dataset} has no exact target; the toy sets do", severity="warning")
            return
        decision_map.show_target = not decision_map.show_target

    def action_toggle_ascii(self) -> None:
        decision_map = self.map
        decision_map.ascii_only = not decision_map.ascii_only

    def action_show_tab(self, tab: str) -> None:
        self.views.active = tab
        if tab == "runs":
            self.runs_table.focus()

    @property
    def _report_visible(self) -> bool:
        return self.views.active == "report"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if self.views.active == "runs" and self.engine_ready:
            self._list_runs()  # runs kept meanwhile by `annclf-tui train` show up too
        session = self.link.session
        if session is None:
            return
        if self.link.running:  # kept current while training, only while someone looks at it
            session.request_report(self._report_visible)
        elif self._report_visible:
            self._report_now()

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _report_now(self) -> None:
        session = self.link.session
        report = session.evaluate()
        self.call_from_thread(self._show_report, session, report)

    async def action_quit(self) -> None:
        self.exit()

    def on_unmount(self) -> None:
        # however the app ends (quit, an error, a test), the training thread must not outlive it
        if self.link.session is not None:
            self.link.session.controls.stop()

    @property
    def form(self) -> SettingsForm:
        return self.query_one(SettingsForm)

    def choose_dataset(self, name: str) -> None:
        self.form.field("dataset").write(name)

    def apply_preset(self, settings: Settings) -> None:
        self.form.load(settings)
