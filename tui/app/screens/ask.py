"""Small questions: a new name for a run, and yes or no before something is deleted."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AskName(ModalScreen[str | None]):
    """Enter gives the typed name, Escape gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#ask-name"

    def __init__(self, question: str, name: str):
        super().__init__()
        self.question, self.name_now = question, name

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-box"):
            yield Static(self.question)
            yield Input(self.name_now, id="ask-name")
            yield Static("Enter to keep it, Escape to leave it as it was", classes="ask-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """y gives True; n or Escape gives False."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-box"):
            yield Static(self.question)
            yield Static("y: yes   n or Escape: no", classes="ask-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
