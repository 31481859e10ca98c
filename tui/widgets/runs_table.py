"""The kept runs, one row each: mark runs to compare, reopen, rename or delete the one under the cursor."""

from __future__ import annotations

import time

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from engine.runs import Damaged, RunSummary
from engine.training.outcome import Reason

from ..keys import RUNS, bindings

# (header, width, priority): every column but the name has the width its content needs, and the name takes
# the rest; on a narrow terminal the columns of the highest priority numbers are left out, down to NAME_MIN
COLUMNS = (("", 1, 0), ("name", 0, 0), ("test acc", 8, 0), ("train acc", 9, 1), ("epochs", 9, 1),
           ("ended", 14, 2), ("test loss", 9, 3), ("kept", 11, 4))
NAME_MIN = 24


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class RunsTable(DataTable):
    BINDINGS = [*bindings(RUNS), Binding("home", "first", "First run", show=False),
                Binding("end", "last", "Last run", show=False)]

    @dataclass
    class Chosen(Message):
        """`action` ("reopen", "rename", "delete", "compare") on these runs."""

        action: str
        run_ids: list[str]

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.runs: list[RunSummary] = []
        self.damaged: list[Damaged] = []
        self.marked: list[str] = []  # in the order they were marked: the compare view's order

        self._layout: tuple[int, tuple] = (NAME_MIN, COLUMNS)  # the name's width, the columns shown

    def _columns_for(self, width: int) -> tuple[int, tuple]:
        room = width - 1  # the vertical scrollbar
        for most in range(4, -1, -1):
            shown = tuple(c for c in COLUMNS if c[2] <= most)
            others = sum(w + 2 * self.cell_padding for label, w, _ in shown if label != "name")
            name = room - others - 2 * self.cell_padding
            if name >= NAME_MIN or most == 0:
                return max(name, NAME_MIN), shown
        raise AssertionError("unreachable")

    def on_resize(self) -> None:
        layout = self._columns_for(self.size.width)
        if layout != self._layout or not self.columns:
            self._layout = layout
            self.show(self.runs, self.damaged)

    def show(self, runs: list[RunSummary], damaged: list[Damaged] = ()) -> None:
        """The runs, then the folders that cannot be read as runs (each keyed by its folder: never twice)."""
        at = self.cursor_row
        self.runs, self.damaged = list(runs), list(damaged)
        known = {r.id for r in runs}
        self.marked = [i for i in self.marked if i in known]
        self.clear(columns=True)
        name_width, shown = self._layout
        for label, width, _ in shown:
            self.add_column(label, width=width or name_width, key=label or "mark")
        for run in self.runs:
            self.add_row(*self._cells(run), key=run.id)
        for broken in self.damaged:
            self.add_row(*self._damaged_cells(broken), key=broken.folder)
        rows = len(self.runs) + len(self.damaged)
        if rows:
            self.move_cursor(row=min(max(at, 0), rows - 1))

    def _damaged_cells(self, broken: Damaged) -> tuple:
        width, shown = self._layout
        name = f"{broken.folder}: {broken.problem}"
        cells = {"name": name if len(name) <= width else name[:width - 1] + "…", "ended": "damaged"}
        return tuple(cells.get(label, "" if not label else "—") for label, _, _ in shown)

    def _cells(self, run: RunSummary) -> tuple:
        mark = "✓" if run.id in self.marked else " "
        reason = Reason.read(run.stopped)
        ended = reason.label if reason is not None else run.stopped
        width, shown = self._layout
        name = run.name if len(run.name) <= width else run.name[:width - 1] + "…"
        cells = {"": mark, "name": name, "test acc": _percent(run.test_accuracy),
                 "train acc": _percent(run.train_accuracy), "epochs": f"{run.epochs:,}", "ended": ended,
                 "test loss": "—" if run.test_loss is None else f"{run.test_loss:.4f}",
                 "kept": time.strftime("%m-%d %H:%M", time.localtime(run.kept))}
        return tuple(cells[label] for label, _, _ in shown)

    @property
    def current(self) -> RunSummary | Damaged | None:
        rows = self.runs + self.damaged
        if not 0 <= self.cursor_row < len(rows):
            return None
        return rows[self.cursor_row]

    def action_mark(self) -> None:
        run = self.current
        if not isinstance(run, RunSummary):
            return
        if run.id in self.marked:
            self.marked.remove(run.id)
        else:
            self.marked.append(run.id)
        self.update_cell(run.id, "mark", "✓" if run.id in self.marked else " ")

    def action_compare(self) -> None:
        chosen, current = list(self.marked), self.current
        if len(chosen) < 2 and isinstance(current, RunSummary) and current.id not in chosen:
            chosen.append(current.id)
        self.post_message(self.Chosen("compare", chosen))

    def _on_current(self, action: str) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.Chosen(action, [current.id if isinstance(current, RunSummary) else current.folder]))

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=max(len(self.runs) + len(self.damaged) - 1, 0))

    def action_reopen(self) -> None:
        self._on_current("reopen")

    def action_rename(self) -> None:
        self._on_current("rename")

    def action_delete(self) -> None:
        self._on_current("delete")
