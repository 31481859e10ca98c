"""Go to a setting: type a few letters of its name, Enter puts the keyboard on its field."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from engine.schema import Setting


def matches(settings: list[Setting], typed: str) -> list[Setting]:
    """Settings whose label or name holds every typed word; those that start with it first."""
    words = typed.lower().split()
    found = [s for s in settings if all(w in f"{s.label} {s.name}".lower() for w in words)]
    return sorted(found, key=lambda s: not (s.label.lower().startswith(typed.lower().strip())
                                            or s.name.startswith(typed.lower().strip())))


class GotoSetting(ModalScreen[str | None]):
    """Dismissed with the chosen setting's name, or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("down", "move(1)", show=False),
                Binding("up", "move(-1)", show=False)]
    AUTO_FOCUS = "#goto-typed"

    def __init__(self, settings: list[Setting]):
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-box pick-box"):
            yield Static("Go to a setting: type a few letters of its name")
            yield Input(placeholder="epochs, lr, hidden…", id="goto-typed")
            yield OptionList(id="goto-found")
            yield Static("Enter: go · ↑ ↓: choose · Escape: cancel", classes="ask-hint")

    def on_mount(self) -> None:
        self._show("")

    def _show(self, typed: str) -> None:
        found = self.query_one(OptionList)
        found.clear_options()
        found.add_options([Option(f"{s.label}  ({s.help})", id=s.name) for s in matches(self.settings, typed)])
        if found.option_count:
            found.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_move(self, step: int) -> None:
        found = self.query_one(OptionList)
        if found.option_count:
            found.highlighted = ((found.highlighted or 0) + step) % found.option_count

    def on_input_submitted(self, _: Input.Submitted) -> None:
        found = self.query_one(OptionList)
        if found.highlighted is not None and found.option_count:
            self.dismiss(found.get_option_at_index(found.highlighted).id)
        else:
            self.notify("No setting has that name", severity="warning")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
