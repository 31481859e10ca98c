"""The kept runs, one row each: mark runs to compare, reopen, rename or delete the one under the cursor."""

from __future__ import annotations

import time

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from engine.runs import RunSummary

# at 80 columns what fits is the name (shortened; compare and rename show it whole) and the accuracies
COLUMNS = ("", "name", "test acc", "train acc", "epochs", "ended", "test loss", "kept")
NAME_WIDTH = 22


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class RunsTable(DataTable):
    BINDINGS = [
        Binding("space", "mark", "Mark"),
        Binding("c", "compare", "Compare"),
        Binding("enter", "reopen", "Reopen"),
        Binding("n", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
        Binding("home", "first", "First run", show=False),
        Binding("end", "last", "Last run", show=False),
    ]

    class Chosen(Message):
        """`action` ("reopen", "rename", "delete", "compare") on these runs."""

        def __init__(self, action: str, run_ids: list[str]):
            super().__init__()
            self.action, self.run_ids = action, run_ids

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.runs: list[RunSummary] = []
        self.marked: list[str] = []  # in the order they were marked: the compare view's order

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show(self, runs: list[RunSummary]) -> None:
        at = self.cursor_row
        self.runs = list(runs)
        known = {r.id for r in runs}
        self.marked = [i for i in self.marked if i in known]
        self.clear()
        for run in self.runs:
            self.add_row(*self._cells(run), key=run.id)
        if self.runs:
            self.move_cursor(row=min(max(at, 0), len(self.runs) - 1))

    def _cells(self, run: RunSummary) -> tuple:
        mark = "✓" if run.id in self.marked else " "
        ended = run.stopped.replace("_", " ")
        name = run.name if len(run.name) <= NAME_WIDTH else run.name[:NAME_WIDTH - 1] + "…"
        return (mark, name, _percent(run.test_accuracy), _percent(run.train_accuracy), str(run.epochs), ended,
                "—" if run.test_loss is None else f"{run.test_loss:.4f}",
                time.strftime("%m-%d %H:%M", time.localtime(run.created)))

    @property
    def current(self) -> RunSummary | None:
        if not self.runs or not 0 <= self.cursor_row < len(self.runs):
            return None
        return self.runs[self.cursor_row]

    def action_mark(self) -> None:
        run = self.current
        if run is None:
            return
        if run.id in self.marked:
            self.marked.remove(run.id)
        else:
            self.marked.append(run.id)
        self.update_cell(run.id, self.ordered_columns[0].key, "✓" if run.id in self.marked else " ")

    def action_compare(self) -> None:
        chosen = list(self.marked)
        if len(chosen) < 2 and self.current is not None and self.current.id not in chosen:
            chosen.append(self.current.id)
        self.post_message(self.Chosen("compare", chosen))

    def _on_current(self, action: str) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(action, [self.current.id]))

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=max(len(self.runs) - 1, 0))

    def action_reopen(self) -> None:
        self._on_current("reopen")

    def action_rename(self) -> None:
        self._on_current("rename")

    def action_delete(self) -> None:
        self._on_current("delete")
