"""The terminal app: five views in tabs (training, report, network, sweep, runs), the keys that drive them, and
the runner that owns the training session.

The App routes: a key goes to the view or the runner it is for; a view's request goes to the runner; the
engine's news, drained ten times a second, goes to the views as messages. It keeps no view's state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from engine.runs import RunStore
from engine.schema import Settings

from tui.app import engine_news, files, sweep_news
from tui.terminal import cadence as refresh
from tui.app.commands import AppCommands
from tui.app.failures import notify_failure
from tui.app.keys import app_bindings, next_pace
from tui.app.messages import (MapWanted, NetworkWanted, RefreshChanged, ReopenRequested, RunDeleted,
                              SettingsChanged, SliceShown)
from tui.app.runner import Runner
from tui.app.screens.goto_setting import GotoSetting
from tui.app.screens.help import HelpScreen
from tui.app.views import network, report, runs, sweep, training
from tui.app.views.network import NetworkView
from tui.app.views.sweep import SweepView
from tui.app.views.report import ReportView
from tui.app.views.runs import RunsView
from tui.app.views.training import TrainingView
from tui.app.widgets.key_footer import KeyFooter

MIN_WIDTH, MIN_HEIGHT = 80, 24
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class AnnclfApp(App):
    CSS_PATH = ["app.tcss", training.STYLES, report.STYLES, network.STYLES, sweep.STYLES, runs.STYLES,
                "screens/screens.tcss"]
    TITLE = "annclf-tui"
    COMMANDS = App.COMMANDS | {AppCommands}
    # no field takes focus at start: the letter keys work at once, Tab enters the form, and the first
    # frame comes sooner (focusing restyles every ancestor of the field)
    AUTO_FOCUS = None
    BINDINGS = app_bindings()

    def __init__(self, settings: Settings | None = None, output_dir: str | Path = ".",
                 runs_dir: str | Path | None = None, refresh: str = "auto",
                 tensorboard: tuple[str, int] | None = None):
        super().__init__()
        self.refresh_mode = refresh
        self.initial = settings or Settings()
        self.output_dir = Path(output_dir)
        self.store = RunStore(runs_dir)
        # tensorboard: (folder, map every N epochs) of `annclf-tui --tensorboard DIR`: every run trained writes there
        self.runner = Runner(self, self.store, self._tell, tensorboard)
        self.ended_by: int | None = None  # the signal that ended the app, if one did

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="train", id="views"):
            with TabPane("Training", id="train"):
                yield TrainingView(self.initial, id="training")
            with TabPane("Report", id="report"):
                yield ReportView(id="report-view")
            with TabPane("Network", id="network"):
                yield NetworkView(id="network-view")
            with TabPane("Sweep", id="sweep"):
                yield SweepView(self.store, id="sweep-view")
            with TabPane("Runs", id="runs"):
                yield RunsView(self.store, id="runs-view")
        yield Static(f"The terminal is too small: at least {MIN_WIDTH}×{MIN_HEIGHT} is needed.", id="too-small")
        yield KeyFooter()

    def on_mount(self) -> None:
        # held, not queried: the timer may tick while the screen is being torn down at exit
        self.training, self.report = self.query_one(TrainingView), self.query_one(ReportView)
        self.runs_view, self.tabs = self.query_one(RunsView), self.query_one(TabbedContent)
        self.sweep_view = self.query_one(SweepView)
        self.views = (self.training, self.report, self.query_one(NetworkView), self.runs_view)
        # r, v and u switch the tabs: Tab goes straight to the form, not to the tab bar first
        self.tabs.query_one(Tabs).can_focus = False
        self.set_interval(0.1, self._tick)
        self.action_refresh(self.refresh_mode)
        # torch's import holds the GIL for a second: start it once the first frame is on the screen
        self.call_after_refresh(self.runner.load_engine)
        # a dropped SSH connection (SIGHUP) or a kill (SIGTERM) ends the app as ctrl+q does: the run is kept
        loop = asyncio.get_running_loop()
        for number in ENDING_SIGNALS:
            loop.add_signal_handler(number, self._ended_by, number)

    def on_resize(self, event: events.Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.screen.set_class(small, "too-small")  # the size now, not the App's (set after this event)

    # ----- messages for the views
    def _tell(self, message: Message) -> None:
        for view in self.views:  # each view takes what it handles; one copy each, as a message is posted once
            view.post_message(dataclasses.replace(message))

    def _tick(self) -> None:
        """Ten times a second: the engine's news since the last tick, one message per kind."""
        if not self.is_running:  # the timer can fire once more while the app is being torn down
            return
        for message in engine_news.messages(self.runner.tick(), self.runner.session):
            self._tell(message)
        for message in sweep_news.messages(self.runner.drain_sweep()):
            self.sweep_view.post_message(message)

    # ----- from the views
    def on_settings_changed(self, message: SettingsChanged) -> None:
        self.runner.settings_changed(message.settings)

    def on_map_wanted(self, message: MapWanted) -> None:
        self.runner.want_map(message.request, message.session)
        self._tell(SliceShown(message.request.features))

    def on_network_wanted(self, message: NetworkWanted) -> None:
        self.runner.want_network(message.request, message.session)

    def on_sweep_requested(self, message: SweepRequested) -> None:
        self.runner.start_sweep(message.sweep, message.feed)

    def on_reopen_requested(self, message: ReopenRequested) -> None:
        if self.runner.training is not None:
            self.notify("Stop the run (F7) before reopening another", severity="warning")
            return
        self.runner.reopen(message.run_id, message.name)
        self.tabs.active = "train"

    def on_run_deleted(self, message: RunDeleted) -> None:
        if self.runner.forget(message.run_id):
            self.notify("The model on screen stays; training it again keeps it as a new run")

    def on_tabbed_content_tab_activated(self, _: TabbedContent.TabActivated) -> None:
        self.runner.want_report(self.tabs.active == "report")  # kept current only while looked at

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.node is not self:
            return  # a view's own
        if event.state == WorkerState.ERROR:
            if not self.runner.tells_itself(worker):
                notify_failure(self, worker.error)
            self.runner.failed(worker)
        elif event.state == WorkerState.SUCCESS and worker.name == "export":
            title, text = worker.result
            self.notify(text, title=title)
        elif event.state == WorkerState.SUCCESS:
            self.runner.finished(worker)

    # ----- the keys (the key table in keys.py says which runs which)
    # F5, F6, F8, F9 go to the runner at once, with the form's settings as they are now: in the order pressed
    def action_start_pause(self) -> None:
        settings = self.training.settings_now()
        if self.tabs.active == "sweep":
            self.sweep_view.start(settings)
        else:
            if self.tabs.active == "runs":
                self.tabs.active = "train"  # to see it train
            self.training.start_asked()
            self.runner.press("start", settings)
        self._leave_form(settings)

    def action_step(self) -> None:
        settings = self.training.settings_now()
        self.training.start_asked()
        self.runner.press("step", settings)
        self._leave_form(settings)

    def _leave_form(self, settings: Settings | None) -> None:
        """A run started, paused or stepped: the letter keys are the app's again (an `r` typed next went into the
        field, "500r"). Settings refused keep the keyboard on the field that says why."""
        if settings is not None:
            self.action_leave_field()

    def action_stop(self) -> None:
        self.sweep_view.stop() if self.tabs.active == "sweep" else self.runner.stop()

    def action_reset(self) -> None:
        self.runner.press("reset", self.training.settings_now())

    def action_new_data(self) -> None:
        self.training.draw_seed()
        self.runner.press("new data", self.training.settings_now())

    def action_save(self) -> None:
        files.export(self, "checkpoint,settings", "saved")

    def action_export(self, what: str = files.ALL_OF_A_RUN) -> None:
        files.export(self, what, "exported")

    def action_screenshot_svg(self) -> None:
        files.screenshot(self)

    def action_goto_setting(self) -> None:
        """ctrl+f, /: the settings of the form on screen (the sweep's own in the sweep view)."""
        view = self.sweep_view if self.tabs.active == "sweep" else self.training
        tab = self.tabs.active if self.tabs.active == "sweep" else "train"

        def go_to(name: str | None) -> None:
            if name is not None:
                self.tabs.active = tab
                view.focus_setting(name)

        self.push_screen(GotoSetting(view.shown_settings()), go_to)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_leave_field(self) -> None:
        # to the view itself where it has keys of its own (network, sweep), else to none: the letters work
        view = self.tabs.active_pane.children[0] if self.tabs.active_pane else None
        self.set_focus(view if view is not None and view.can_focus else None)

    # l, t, a, x, y: the training view's own
    def action_toggle_log(self) -> None:
        self.training.toggle_log()

    def action_toggle_target(self) -> None:
        self.training.toggle_target()

    def action_toggle_ascii(self) -> None:
        self.training.toggle_ascii()

    def action_slice(self, axis: int) -> None:
        self.training.slice(axis)

    def action_pick_csv(self) -> None:
        self.tabs.active = "train"  # the file dialog fills the training view's form: show it
        self.training.pick_csv()

    def action_pace(self, per_second: int = -1) -> None:
        """p (-1) and P (-2): the next and the one before; from the palette, a pace (0: as fast as possible)."""
        pace = self.runner.pace
        self.runner.set_pace(next_pace(pace, 1 if per_second == -1 else -1) if per_second < 0 else per_second or None)

    def action_refresh(self, mode: str) -> None:
        self.refresh_mode = mode
        self._tell(RefreshChanged(refresh.interval(mode), refresh.label(mode)))

    def action_show_tab(self, tab: str) -> None:
        self.tabs.active = tab

    def _ended_by(self, number: int) -> None:
        self.ended_by = number
        self.action_quit()

    def action_quit(self) -> None:
        # a run in training stops now and its thread keeps it while the screen is torn down (launch.py
        # waits for it): the two together take less than one after the other
        self.runner.stop()
        self.exit()

    def on_unmount(self) -> None:
        # however the app ends (quit, an error, a test), the training thread must stop with it
        if self.runner.training is not None:
            self.runner.session.controls.stop()
        loop = asyncio.get_running_loop()
        for number in ENDING_SIGNALS:
            loop.remove_signal_handler(number)

    # ----- from the command palette
    def choose_dataset(self, name: str) -> None:
        self.training.choose_dataset(name)

    def apply_preset(self, settings: Settings) -> None:
        self.training.load_settings(settings)

    def apply_sweep_preset(self, settings: Settings, lists: dict[str, str]) -> None:
        self.training.load_settings(settings)
        self.tabs.active = "sweep"
        self.sweep_view.fill(settings, lists)
