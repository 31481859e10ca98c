"""The key map overlay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# annclf-tui keys

| key | what it does |
|---|---|
| **F5** | start training; pause; resume |
| **F6** | train one epoch (pauses a running run first) |
| **F7** | stop the run (the model is kept; F5 continues it) |
| **F8** | reset: back to the initial weights, curves cleared |
| **F9** | draw a new data sample (new data seed) |
| **ctrl+s** | save a checkpoint and the settings (TOML) in the current directory |
| **F12** | save an SVG screenshot in the current directory |
| **ctrl+p** | command palette: actions, datasets, presets |
| **F1** | this help |
| **ctrl+q** | quit (also while training) |

Outside text fields:

| key | what it does |
|---|---|
| **l** | loss curve on a log / linear scale |
| **t** | show the exact target boundary (toy datasets: easy, hard, xor, cross, ring) |
| **a** | ASCII map (automatic when `NO_COLOR` is set) |
| **r** / **v** | report view / training view |

**Tab** and **shift+Tab** move between fields; each field says next to it why a value is refused.
Change epochs, learning rate or optimiser after a run and press F5 to continue the same model:
the change is marked on the curves. Change the data or the network and F5 starts afresh.

On the map, `●` is a training point, `○` a test point, `✕` a point the model gets wrong (its colour is
its true class); the bright line is the decision boundary. In ASCII, points are class digits and `X`
marks a wrong one; `#` is the boundary and `*` the exact target.

Press **Escape** or **F1** to close.
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)
