"""The training view: the settings form, the decision map, the curves and the status line of the run.

It owns what it shows: the session on screen, the features the map spans, the map's size, the records
drawn and the figures of the status line, all kept from the messages the App sends it. It asks for what
it needs (a map of its size, a start with valid settings) by posting messages up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.lazy import Lazy
from rich.text import Text

from engine.schema import BY_NAME, Settings
from engine.training.outcome import Reason

from tui.text.escapes import escaped
from tui.text.formats import count, duration, sample_words, speed
from tui.app.messages import (DataFailed, EpochsArrived, GridArrived, MapWanted, PaceChanged, RefreshChanged,
                              RunFinished, RunState, RunStateChanged, SessionChanged, SettingsChanged)
from tui.app.drawing.network_text import others_held
from tui.app.failures import notify_failure
from tui.app.screens.pick_csv import pick_csv
from tui.app.screens.table_problems import TableProblemsScreen, changes
from tui.app.widgets.class_legend import ClassLegend
from tui.app.widgets.curves import Curves
from tui.app.widgets.decision_map import DecisionMap, map_data_for
from tui.app.widgets.settings_form import SettingsForm
from tui.app.widgets.status_line import StatusLine

STYLES = Path(__file__).with_suffix(".tcss")
WHEN_LOADED = {"start": "starting", "step": "one epoch"}


class TrainingView(Horizontal):
    def __init__(self, settings: Settings, **kwargs):
        super().__init__(**kwargs)
        self.initial = settings
        self.settings: Settings | None = settings
        self.problems: dict[str, str] = {}
        self.session = None
        self.features = (0, 1)  # the two features the map spans (the others held at their median)
        self.state, self.then = RunState.LOADING, ""
        self.progress = Progress()
        self.ended: str | None = None  # how the session's last run ended, for the status line
        self._asked = None  # the last map request posted
        self._told = None  # the session last warned that the test set steers it
        self.data_problem: str | None = None  # why the form's data could not be made, until it can
        # a file was just chosen (on the command line too): if it cannot be used, offer its fixes (a dialog)
        self.offer_fixes = settings.dataset == "csv"
        self.table = None  # engine TableProblems of the form's file, while it is refused
        self.every = 0.3  # seconds between two maps at the least (the refresh setting)

    def compose(self) -> ComposeResult:
        # the form is a few hundred widgets: it is mounted just after the first frame, in a column
        # already its size, so the app shows at once and nothing moves when the form arrives
        with Vertical(id="settings-column"):
            yield Lazy(SettingsForm(self.initial, id="settings"))
        with Vertical(id="training-right"):
            yield DecisionMap(id="map")
            yield ClassLegend(id="class-legend")
            yield Curves(id="curves")
            yield StatusLine(id="status")

    def on_mount(self) -> None:
        self.map, self.curves = self.query_one(DecisionMap), self.query_one(Curves)
        self.legend, self.status = self.query_one(ClassLegend), self.query_one(StatusLine)
        self.map.border_title = "decision map"
        self.map.ascii_only = self.curves.plain = self.app.no_color
        self.show_status()

    @property
    def form(self) -> SettingsForm:
        return self.query_one(SettingsForm)

    # ----- what the keys ask of it
    def settings_now(self) -> Settings | None:
        """The form's settings as they are at this key press (read now: a value typed a moment ago counts);
        None when one is refused, and then the keyboard is put on it (the status line and the field say why)."""
        forms = self.query(SettingsForm)
        if not forms:  # the form arrives just after the first frame: the settings it starts from
            return self.settings
        self.settings, self.problems = forms.first().check()
        self.show_status()
        if self.settings is None:
            self.form.focus_setting(next(iter(self.problems)))
        return self.settings

    def toggle_log(self) -> None:
        self.curves.log_scale = not self.curves.log_scale

    def choose_dataset(self, name: str) -> None:
        self.form.field("dataset").write(name)

    def load_settings(self, settings: Settings) -> None:
        """A preset's or a reopened run's settings into the form."""
        self.form.load(settings)

    def shown_settings(self) -> list:
        return self.form.shown_settings()

    def focus_setting(self, name: str) -> None:
        self.form.focus_setting(name)

    def toggle_ascii(self) -> None:
        self.map.ascii_only = not self.map.ascii_only
        self.curves.plain = self.map.ascii_only or self.app.no_color
        self._show_legend()

    def toggle_target(self) -> None:
        if self.session is not None and self.session.split.dataset.target is None:
            self.notify(f"{self.session.settings.dataset} has no exact target; the toy sets do", severity="warning")
            return
        self.map.show_target = not self.map.show_target
        self._show_legend()

    def pick_csv(self) -> None:
        if self.state in (RunState.RUNNING, RunState.PAUSED):
            self.notify("Stop the run (F7) before changing the data", severity="warning")
            return
        pick_csv(self.app, Path.cwd(), self._use_csv)

    def _use_csv(self, path: str, label: str) -> None:
        form = self.form
        same = (form.field("dataset").read() == "csv" and form.field("csv").read() == path
                and form.field("label").read() == label and form.field("features").read() is None)
        if same and self.table is not None:  # the file refused as it stands, chosen again: its problems again
            self._offer(self.table)
            return
        self.offer_fixes = True  # a file just chosen: its problems, if any, come up with their fixes to choose
        form.field("dataset").write("csv")
        form.field("csv").write(path)
        form.field("label").write(label)
        form.field("features").write(None)  # every other column

    def slice(self, axis: int) -> None:
        """Move the map's horizontal (0) or vertical (1) axis to the next feature."""
        if self.session is None:
            return
        spans = self.session.dataset.numeric_features  # a one-hot column is no axis: it is 0 or 1
        if len(spans) <= 2:
            self.notify("The map spans both numeric features of this data; x and y choose the slice when there "
                        "are three or more (a text column is held at its most frequent category)", severity="warning")
            return
        chosen = list(self.features)
        at = spans.index(chosen[axis]) if chosen[axis] in spans else -1
        nxt = next(f for f in spans[at + 1:] + spans[:at + 1] if f != chosen[1 - axis])
        chosen[axis] = nxt
        self.features = (chosen[0], chosen[1])
        self._title_map()
        self._show_points()
        self._ask_for_map()

    # ----- the form
    def on_settings_form_changed(self, event: SettingsForm.Changed) -> None:
        event.stop()
        self.settings, self.problems = event.settings, event.problems
        self.post_message(SettingsChanged(event.settings, event.problems))
        self.show_status()

    def draw_seed(self) -> None:
        """F9: a new data seed in the form, at once (the settings read after this key hold it)."""
        if self.query(SettingsForm):
            self.form.field("data_seed").write(random.randrange(2**31 - 1))

    def on_data_failed(self, message: DataFailed) -> None:
        """The form's data cannot be made: the map and curves of the data before must not stand for it."""
        self.data_problem = message.problem
        self.map.show(None)
        self.map.border_title = "decision map: no data (the status line says why)"
        self.curves.reset([], [])
        self.show_status()
        # a file just chosen (o) brings its problems up as a dialog with their fixes, once: not at each edit of
        # the form (a person typing in a field is not interrupted; the status line says what is wrong)
        wanted, self.offer_fixes = self.offer_fixes, False
        self.table = message.table
        if self.table is not None and wanted:
            self._offer(self.table)
        elif self.table is not None:  # the form edited: a notice, not a dialog over the field being typed in
            notify_failure(self, self.table)

    def start_asked(self) -> None:
        """F5 or F6 on a table refused as it stands: its fixes come up (a dialog), not the same notice again."""
        if self.table is not None:
            self.offer_fixes = True

    def _offer(self, table) -> None:
        self.app.push_screen(TableProblemsScreen(Path(table.subject).name, table.problems, table.fixes),
                             self._mend_table)

    def _mend_table(self, fixes) -> None:
        if not fixes:
            return
        form = self.form
        exclude = form.field("exclude").read() if not self.problems.get("exclude") else None
        for name, value in changes(fixes, exclude).items():
            form.field(name).write(value)

    # ----- the session and its news
    def on_session_changed(self, message: SessionChanged) -> None:
        session = self.session = message.session
        self.data_problem = None
        self.offer_fixes, self.table = False, None
        spans = session.dataset.numeric_features
        if not set(self.features) <= set(spans) and len(spans) >= 2:
            self.features = (spans[0], spans[1])  # the old data had other features than this one
        elif max(self.features) >= len(session.dataset.feature_names):
            self.features = (0, 1)
        self.ended = None
        s, history = session.settings, session.history
        self.progress = Progress(history.epoch, s.epochs, session.seconds, device=session.device.type,
                                 pace=self.progress.pace, refresh=self.progress.refresh,
                                 best=session.best_epoch if s.patience and session.best_epoch else None,
                                 lr=history.records[-1].lr if s.schedule != "none" and history.records else None,
                                 threads=session.thread_choice.words if session.thread_choice else None)
        self.curves.reset(history.records, history.marks, self.progress.best)
        if self.query(SettingsForm):
            self.form.show_inputs(session.dataset.feature_names)
        if session.dataset.notices and message.reopened is None:  # a file's label, columns left out, cells filled
            self.notify("\n".join(escaped(n) for n in session.dataset.notices), title="your data", timeout=12,
                        markup=False)
        self._title_map()
        self._show_points()
        self._show_legend()
        self._asked = None
        self._ask_for_map()
        self.show_status()
        if message.reopened is not None:
            self.form.load(s)
            more = (f"F5 continues it to epoch {s.epochs:,}" if s.epochs > history.epoch else
                    "raise epochs or change the learning rate or optimiser, then F5 continues it")
            self.notify(f"Reopened {message.reopened!r} at epoch {history.epoch:,}: {more}", title="run reopened")

    def on_epochs_arrived(self, message: EpochsArrived) -> None:
        if self.session is None:
            return
        p, s = self.progress, self.session.settings
        if message.records:
            last = message.records[-1]
            p.epoch, p.seconds = last.epoch, message.seconds
            p.lr = last.lr if s.schedule != "none" else None
        p.inside = message.inside  # the epoch under way, if it is long (None once it is done)
        p.threads = message.threads or p.threads
        p.epochs = s.epochs
        p.best = self.session.best_epoch if s.patience and self.session.best_epoch else None
        self.curves.extend(message.records, message.marks, p.best)
        self.show_status()

    def on_grid_arrived(self, message: GridArrived) -> None:
        if message.session is not self.session or self.data_problem is not None:
            return
        self.map.show(map_data_for(self.session, message.grid), hold=not message.still)
        rows, columns = message.grid.probabilities.shape[:2]
        if (rows, columns) != (2 * self.map.size.height, self.map.size.width):
            self._ask_for_map()  # made before the last resize: one for the size there is now

    def on_run_finished(self, message: RunFinished) -> None:
        outcome = message.outcome
        self.ended = outcome.reason.label  # short: the status line has room for it at 80 columns
        self.progress.seconds = message.seconds
        self.curves.redraw()
        if outcome.reason == Reason.DIVERGED:
            self.notify(outcome.message, title="diverged", severity="error", timeout=10)
        self.show_status()

    def on_refresh_changed(self, message: RefreshChanged) -> None:
        self.every, self.progress.refresh = message.every, message.label
        self.curves.min_interval = message.every
        self._asked = None
        self._ask_for_map()
        self.show_status()

    def on_pace_changed(self, message: PaceChanged) -> None:
        self.progress.pace = message.pace
        self.show_status()

    def on_run_state_changed(self, message: RunStateChanged) -> None:
        if message.state == RunState.RUNNING and self.state != RunState.RUNNING:
            self.progress.rate_from = (self.progress.epoch, self.progress.seconds)
            if self.session is not None and self.session.steered_by_test and self._told is not self.session:
                self._told = self.session  # once a session: it is a note, not an alarm
                self.notify("Early stopping (or the plateau schedule) watches the test set, so the test accuracy "
                            "is optimistic: set a val fraction to hold out a validation set for it",
                            title="test set in use", severity="warning", timeout=8)
        if message.state in (RunState.RUNNING, RunState.PAUSED):
            self.ended = None
        elif message.state == RunState.READY:
            self.ended = message.ended or self.ended
        if message.state == RunState.PAUSED and self.state == RunState.RUNNING:
            self._ask_for_map(again=True)  # the last one held its shades: paused, the map is exact
        self.state, self.then = message.state, message.then
        self.show_status()

    # ----- the map
    def on_decision_map_resized(self, event: DecisionMap.Resized) -> None:
        event.stop()
        self._ask_for_map()

    def _ask_for_map(self, again: bool = False) -> None:
        """A grid for the map as it now is: from the trainer between epochs, or at once when idle."""
        columns, rows = self.map.size.width, self.map.size.height
        if self.session is None or not columns or not rows:
            return  # before the engine has loaded, too: importing it (torch) here would hold up the first frame
        from engine.decision_map import MapRequest, data_box

        request = MapRequest(data_box(self.session.split, self.features), columns, 2 * rows, self.features,
                             self.every)
        if request != self._asked or again:
            self._asked = request
            self.post_message(MapWanted(request, self.session))

    def _show_points(self) -> None:
        """The points alone, over the span of the features now chosen, until the grid arrives."""
        from engine.decision_map import data_box

        self.map.show(map_data_for(self.session, None, data_box(self.session.split, self.features), self.features))

    def _title_map(self) -> None:
        names = self.session.dataset.feature_names
        if len(names) <= 2:
            self.map.border_title = "decision map"
        else:
            fx, fy = (names[i] for i in self.features)
            self.map.border_title = f"decision map: {fx} (x) × {fy} (y), {others_held(self.session.dataset)}"

    def _show_legend(self) -> None:
        if self.session is not None:
            target = self.map.show_target and self.session.split.dataset.target is not None
            shown = self.session.split.shown
            self.legend.show(self.session.class_names, self.map.ascii_only, target,
                             sample_words(shown.count, shown.total))

    def show_status(self) -> None:
        if not self.is_mounted:
            return
        problem = None
        if self.settings is None and self.problems:
            name = next(iter(self.problems))
            label = BY_NAME[name].label if name in BY_NAME else name  # as the form names it
            problem = ("settings", f"{label}: {self.problems[name]}")
        elif self.data_problem is not None:
            problem = ("data", self.data_problem)
        self.status.show(status_parts(self.state, self.then, self.progress, self.ended, problem))


# ----- the status line
@dataclass
class Progress:
    """The figures of the status line, kept by the training view from the messages it gets."""

    epoch: int = 0
    epochs: int = 0
    seconds: float = 0.0  # training time of the session
    rate_from: tuple[int, float] | None = None  # (epoch, seconds) when the current run started
    lr: float | None = None  # shown when a schedule changes it
    best: int | None = None  # with early stopping on
    device: str = ""
    pace: float | None = None  # epochs a second the run keeps to; None: as fast as it goes
    refresh: str | None = None  # how often the map and curves redraw, when not the usual
    inside: tuple[int, int, int, float] | None = None  # a long epoch under way: (epoch, rows done, rows, seconds)
    threads: str | None = None  # "1 thread": what the run measured and chose


def status_parts(state: RunState, then: str, progress: Progress, ended: str | None,
                 problem: tuple[str, str] | None) -> list[tuple[str | Text, int]]:
    """The parts of the line in order, each with its rank: the lowest are kept longest as the terminal narrows.
    `problem`: (what, why) when the settings are refused or their data cannot be made."""
    if problem is not None:
        return [(Text.assemble((f"{problem[0]}: ", "bold red"), problem[1]), 0)]
    waiting = f" · then {then}" if then else ""
    if state == RunState.LOADING:
        first = then.split(", ")[0]
        if first in WHEN_LOADED:
            return [(f"{WHEN_LOADED[first]} when PyTorch has loaded…{waiting if ', ' in then else ''}", 0)]
        return [(f"loading PyTorch and scikit-learn…{waiting}", 0)]
    if state == RunState.PREPARING and not progress.epochs:
        return [(f"preparing the data…{waiting}", 0)]
    p = progress
    parts: list[tuple[str | Text, int]] = [(f"epoch {p.epoch:,}/{p.epochs:,}", 0)]
    if p.pace:  # the rate over training time would be the machine's, not what is on screen
        parts.append((f"pace {p.pace:g}/s", 1))  # kept at 80 columns: the counter is slow on purpose
    elif state == RunState.RUNNING and p.rate_from is not None and p.seconds > p.rate_from[1]:
        rate = (p.epoch - p.rate_from[0]) / (p.seconds - p.rate_from[1])
        parts.append((speed(rate), 3))
    elif state == RunState.RUNNING and p.inside is not None and p.inside[1]:  # no whole epoch yet: its pace so far
        _, done, rows, seconds = p.inside
        parts.append((speed(done / rows / seconds), 3))
    if state == RunState.RUNNING and p.inside is not None:
        _, done, rows, _ = p.inside  # of the epoch after the counter's
        parts.append((f"{count(done)}/{count(rows)} rows", 1.5))
    if p.lr is not None:
        parts.append((f"lr {p.lr:.3g}", 5))
    if p.best:
        parts.append((f"best {p.best:,}", 4))
    # paced, the training time is a small part of the time watched: say what it is
    seconds = p.seconds + (p.inside[3] if p.inside is not None and state == RunState.RUNNING else 0.0)
    if seconds or not p.pace:  # "0 ms computing" before the first epoch says nothing
        parts.append((duration(seconds) + (" computing" if p.pace else ""), 6))
    # on the CPU, the threads the run measured fastest: "2 cpu threads"
    parts.append((p.threads.replace(" ", " cpu ") if p.threads and p.device == "cpu" else p.device, 7))
    if p.refresh:  # kept with the state at 80 columns: it says why the map is slow to change; why, if room
        cadence, _, why = p.refresh.partition(" (")
        parts.append((cadence, 1))
        if why:
            parts.append(("over " + why.rstrip(")"), 8))
    label = ended if state == RunState.READY and ended else state.value
    parts.append((label + waiting, 1))
    return parts
