"""The kept runs, one row each: mark runs to compare, reopen, rename or delete the one under the cursor.

A line-API widget rather than a DataTable: a DataTable measures and stores every cell of every row as it is
added (10,000 runs took seconds), while this one formats a row only when it is drawn, so showing 10,000
runs costs what showing the 40 on screen does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine.runs import Damaged, RunSummary
from engine.training.outcome import Reason

from tui.app.keys import RUNS, bindings
from tui.text.escapes import escaped

# (header, width, priority): every column but the name has the width its content needs, and the name takes
# the rest; on a narrow terminal the columns of the highest priority numbers are left out, down to NAME_MIN
COLUMNS = (("", 1, 0), ("name", 0, 0), ("test acc", 8, 0), ("train acc", 9, 1), ("epochs", 9, 1),
           ("ended", 14, 2), ("sweep", 16, 3), ("test loss", 9, 4), ("kept", 11, 5))
NAME_MIN = 24
PADDING = 1  # each side of a cell


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class RunsTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"runs-table--header", "runs-table--cursor", "runs-table--even-row"}
    # a DataTable's looks, row cursor and zebra stripes
    DEFAULT_CSS = """
    RunsTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;  /* the name column takes the width there is */
        &:focus {
            background-tint: $foreground 5%;
            & > .runs-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .runs-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .runs-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .runs-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .runs-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .runs-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    BINDINGS = [*bindings(RUNS), Binding("up", "cursor(-1)", "Up", show=False),
                Binding("down", "cursor(1)", "Down", show=False), Binding("pageup", "page(-1)", "Page up", show=False),
                Binding("pagedown", "page(1)", "Page down", show=False), Binding("home", "first", "First run", show=False),
                Binding("end", "last", "Last run", show=False)]

    @dataclass
    class Chosen(Message):
        """`action` ("reopen", "rename", "delete", "compare") on these runs."""

        action: str
        run_ids: list[str]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.runs: list[RunSummary] = []
        self.damaged: list[Damaged] = []
        self.marked: list[str] = []  # in the order they were marked: the compare view's order
        self.cursor_row = 0
        self._layout: tuple[int, tuple] = (NAME_MIN, COLUMNS)  # the name's width, the columns shown
        self._lines: dict[int, tuple[str, ...]] = {}  # the rows drawn so far, their cells padded: made again
        # only when they change

    @property
    def row_count(self) -> int:
        return len(self.runs) + len(self.damaged)

    def _columns_for(self, width: int) -> tuple[int, tuple]:
        room = width - 1  # the vertical scrollbar
        swept = any(run.sweep_name for run in self.runs)  # the sweep column only when a sweep kept a run
        for most in range(5, -1, -1):
            shown = tuple(c for c in COLUMNS if c[2] <= most and (swept or c[0] != "sweep"))
            others = sum(w + 2 * PADDING for label, w, _ in shown if label != "name")
            name = room - others - 2 * PADDING
            if name >= NAME_MIN or most == 0:
                return max(name, NAME_MIN), shown
        raise AssertionError("unreachable")

    def on_resize(self) -> None:
        layout = self._columns_for(self.size.width)
        if layout != self._layout:
            self._layout = layout
            self._lines.clear()
        self._fit()

    def show(self, runs: list[RunSummary], damaged: list[Damaged] = ()) -> None:
        """The runs, then the folders that cannot be read as runs."""
        self.runs, self.damaged = list(runs), list(damaged)
        self._layout = self._columns_for(self.size.width)
        known = {r.id for r in self.runs}
        self.marked = [i for i in self.marked if i in known]
        self._lines.clear()
        self._fit()
        self.move_cursor(self.cursor_row)

    def _fit(self) -> None:
        # the header's line, then a line a row
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)
        self.refresh()

    # ----- drawing

    def _padded(self, cells: dict) -> tuple[str, ...]:
        name_width, shown = self._layout
        pad = " " * PADDING
        return tuple(pad + set_cell_size(cells.get(label, ""), width or name_width) + pad for label, width, _ in shown)

    def _line(self, row: int) -> tuple[str, ...]:
        line = self._lines.get(row)
        if line is None:
            line = self._lines[row] = self._padded(self._cells(row))
        return line

    def _strip(self, cells: tuple[str, ...], style) -> Strip:
        # a segment a cell, as a DataTable draws them: a screenshot places each cell on its column
        width = self.scrollable_content_region.width
        return Strip([Segment(cell, style) for cell in cells]).extend_cell_length(width, style).crop(0, width)

    def _cells(self, row: int) -> dict:
        width = self._layout[0]
        if row >= len(self.runs):
            broken = self.damaged[row - len(self.runs)]
            cells = {label: "—" for label, _, _ in COLUMNS if label}
            return {**cells, "name": _cut(escaped(f"{broken.folder}: {broken.problem}"), width), "ended": "damaged"}
        run = self.runs[row]
        reason = Reason.read(run.stopped)
        # a name a person or a file gave is shown escaped: no control character reaches the terminal
        return {"": "✓" if run.id in self.marked else " ", "name": _cut(escaped(run.name), width),
                "test acc": _percent(run.test_accuracy), "train acc": _percent(run.train_accuracy),
                "epochs": f"{run.epochs:,}", "ended": reason.label if reason is not None else escaped(run.stopped),
                "test loss": "—" if run.test_loss is None else f"{run.test_loss:.4f}",
                "kept": time.strftime("%m-%d %H:%M", time.localtime(run.kept)),
                "sweep": _cut(escaped(run.sweep_name or ""), 16)}

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y == 0:  # the header stays put as the rows scroll under it
            header = self._padded({label: label for label, _, _ in COLUMNS})
            return self._strip(header, base + self.get_component_rich_style("runs-table--header"))
        row = self.scroll_offset.y + y - 1
        if row >= self.row_count:
            return Strip.blank(self.scrollable_content_region.width, base)
        style = base
        if row % 2 == 0:
            style += self.get_component_rich_style("runs-table--even-row")
        if row == self.cursor_row:
            style += self.get_component_rich_style("runs-table--cursor")
        return self._strip(self._line(row), style)

    # ----- the cursor

    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)  # the rows on screen, under the header

    def move_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, self.row_count - 1))
        top = round(self.scroll_target_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self._page:
            self.scroll_to(y=self.cursor_row - self._page + 1, animate=False, immediate=True)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(self.scroll_offset.y + event.y - 1)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    # ----- what the keys ask for

    @property
    def current(self) -> RunSummary | Damaged | None:
        if not 0 <= self.cursor_row < self.row_count:
            return None
        if self.cursor_row < len(self.runs):
            return self.runs[self.cursor_row]
        return self.damaged[self.cursor_row - len(self.runs)]

    def action_mark(self) -> None:
        run = self.current
        if not isinstance(run, RunSummary):
            return
        if run.id in self.marked:
            self.marked.remove(run.id)
        else:
            self.marked.append(run.id)
        self._lines.pop(self.cursor_row, None)
        self.refresh()

    def action_compare(self) -> None:
        chosen, current = list(self.marked), self.current
        if len(chosen) < 2 and isinstance(current, RunSummary) and current.id not in chosen:
            chosen.append(current.id)
        self.post_message(self.Chosen("compare", chosen))

    def _on_current(self, action: str) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.Chosen(action, [current.id if isinstance(current, RunSummary) else current.folder]))

    def action_reopen(self) -> None:
        self._on_current("reopen")

    def action_rename(self) -> None:
        self._on_current("rename")

    def action_delete(self) -> None:
        self._on_current("delete")
