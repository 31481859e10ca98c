"""The key map overlay."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GLOBAL_KEYS = [
    ("F5", "start training; pause; resume"),
    ("F6", "train one epoch (pauses a running run first)"),
    ("F7", "stop the run (the model is kept; F5 continues it)"),
    ("F8", "reset: back to the initial weights, curves cleared"),
    ("F9", "draw a new data sample (new data seed)"),
    ("ctrl+s", "save a checkpoint and the settings (TOML) in the current directory"),
    ("ctrl+o", "export the run there: metrics CSV and JSON, dataset CSV, settings, PyTorch script"),
    ("F12", "save an SVG screenshot in the current directory"),
    ("ctrl+p", "command palette: actions, datasets, presets"),
    ("F1", "this help"),
    ("ctrl+q", "quit (also while training)"),
    ("Escape", "leave the field being edited, so that the keys below work"),
]

LETTER_KEYS = [
    ("l", "loss curve on a log / linear scale"),
    ("t", "the exact target boundary (toy sets: easy, hard, xor, cross, ring)"),
    ("a", "ASCII map (automatic when NO_COLOR is set)"),
    ("r / v / u", "report view / training view / runs view"),
    ("o", "your own data: open a CSV file, then choose its label column"),
    ("x / y", "with 3 or more features: the feature along the map's x / y axis (the rest at their median)"),
]

RUNS_KEYS = [
    ("space", "mark the run under the cursor (again: unmark)"),
    ("c", "compare the marked runs: maps side by side, test curves overlaid, what differs"),
    ("Enter", "reopen the run: its model, curves and settings; F5 continues it"),
    ("n / d", "rename / delete (asks first) the run under the cursor"),
]

NOTES = """\
Tab and shift+Tab move between fields; each field says next to it why a value is refused.
Change epochs, learning rate or optimiser after a run and press F5 to continue the same model: the \
change is marked on the curves. Change the data or the network and F5 starts afresh.

On the map ● is a training point, ○ a test point, ✕ a point the model gets wrong (coloured by its \
true class); the bright line is the decision boundary. In ASCII, points are class digits, X marks a \
wrong one, # is the boundary and * the exact target.

Escape or F1 closes this help."""


def _keys(title: str, keys: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_header=False, show_edge=False, pad_edge=False, expand=True)
    table.add_column("key", style="bold", no_wrap=True, width=9)
    table.add_column("what it does", ratio=1)
    for key, what in keys:
        table.add_row(key, what)
    return table


def help_text() -> Group:
    return Group(_keys("Keys, wherever the focus is", GLOBAL_KEYS), Text(""),
                 _keys("Keys outside text fields", LETTER_KEYS), Text(""),
                 _keys("Keys of the runs view (u): every training run is kept there", RUNS_KEYS), Text(""),
                 Text(NOTES))


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]
    AUTO_FOCUS = "#help-box"  # Down and PageDown scroll it at once

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box_:
            box_.border_title = "annclf-tui help"
            yield Static(help_text(), id="help-text")
