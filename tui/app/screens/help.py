"""The key map overlay, made from the key table, and how to read the map."""

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

from tui.app.keys import ANYWHERE, COMPARE, NETWORK, OUTSIDE_FIELDS, RUNS, SWEEP, keyed
from tui.app.drawing.map_cells import ASCII_REGION

SECTIONS = ((ANYWHERE, "Keys, wherever the focus is"), (OUTSIDE_FIELDS, "Keys outside text fields"),
            (RUNS, "Keys of the runs view (u): every training run is kept there"),
            (NETWORK, "Keys of the network view (w)"), (SWEEP, "Keys of the sweep view (s), outside its fields"),
            (COMPARE, "Keys of the compare view"))

NOTES = f"""\
Tab and shift+Tab move between fields (the one with the keyboard is highlighted); / or ctrl+f jumps to a \
setting by name. Each field says next to it why a value is refused; an empty field means what its grey \
placeholder shows. Change epochs, learning rate or optimiser after a run and press F5 to continue the same \
model: the change is marked on the curves. Change the data or the network and F5 starts afresh.

The map: each class has a colour, named in the legend under the map (the report uses the same colours). \
Shades are the model's confidence; the bright line is its decision boundary. ● is a training point, ○ a test \
point, ✕ a point the model gets wrong (in its true class's colour).

In ASCII (a, or NO_COLOR): a training point is its class's digit (0, 1, …), a test point its class's letter \
(a, b, …), X / x a training / test point the model gets wrong, # the boundary, * the exact target; the \
regions where the model is confident are filled with its class's character ({' '.join(ASCII_REGION[:4])} … for \
classes 0, 1, 2, 3 …). The curves: ⢕ train, • test.

The network view (w): each unit's picture is its value over the map's plane, each scaled to its own largest value: the hue is the sign (class 1's colour above zero, class 0's below), the shade the size; in ASCII ' : + * # above zero and . - ~ = % below. Left of each layer, a strip per unit: its weights from the layer before, in that layer's order top to bottom. A unit marked ✗ (! in ASCII) is a dead ReLU: never active on a training row, so it no longer learns. p sets a pace (epochs a second) to watch the regions form."""


def _keys(title: str, where: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  show_header=False, show_edge=False, pad_edge=False, expand=True)
    table.add_column("key", style="bold", no_wrap=True, width=9)
    table.add_column("what it does", ratio=1)
    for key in keyed(where):
        table.add_row(key.name, key.help)
    return table


def help_text() -> Group:
    parts: list = []
    for where, title in SECTIONS:
        parts += [_keys(title, where), Text("")]
    return Group(*parts, Text(NOTES))


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]
    AUTO_FOCUS = "#help-box"  # Down and PageDown scroll it at once

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box_:
            box_.border_title = "annclf-tui help"
            box_.border_subtitle = "Escape or F1 closes · ↓ PgDn scroll"  # seen at once, not after the text
            yield Static(help_text(), id="help-text")
