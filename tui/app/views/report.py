"""The report view: accuracy, per-class precision / recall / F1 / support and the confusion matrix, for
train and test, of the model on screen (kept current once a second while it trains, when it is looked at)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app.messages import ReportArrived, RunState, RunStateChanged, SessionChanged

STYLES = Path(__file__).with_suffix(".tcss")
WAITING = "Train a model (F5) to see its report."
COMING = "The report is being made: it comes between two epochs (or two chunks of a large batch), then once a second."


class ReportView(VerticalScroll):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.session = None
        self.epoch: int | None = None  # the epoch of the report shown

    def compose(self) -> ComposeResult:
        yield Static(WAITING, id="report-body")

    def on_session_changed(self, message: SessionChanged) -> None:
        self.session, self.epoch = message.session, None
        self.query_one("#report-body", Static).update(WAITING)

    def on_run_state_changed(self, message: RunStateChanged) -> None:
        if self.epoch is None and message.state in (RunState.RUNNING, RunState.PAUSED):
            self.query_one("#report-body", Static).update(COMING)  # a run trains: not "train a model"

    def on_report_arrived(self, message: ReportArrived) -> None:
        if message.session is not self.session:
            return
        from tui.app.drawing.map_cells import class_rgb
        from tui.text.report_tables import confusion_table, report_table

        self.epoch = message.epoch
        names = self.session.class_names
        colours = [f"rgb({r},{g},{b})" for r, g, b in class_rgb(names)]  # the map's, class by class
        parts: list = [Text(f"The model at epoch {message.epoch:,}", style="bold"), Text("")]
        for part in message.report:  # train, validation (when the run has one), test
            evaluation = message.report[part].as_dict()
            parts += [report_table(part, evaluation, colours), Text(""),
                      confusion_table(part, names, evaluation["confusion_matrix"], colours), Text("")]
        self.query_one("#report-body", Static).update(Group(*parts))
