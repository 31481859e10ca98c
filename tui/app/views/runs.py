"""The runs view: every kept run, one row each; reopen, rename, delete, and compare the marked ones.

The runs are listed in a worker from the runs directory (so runs kept by `annclf-tui train` meanwhile show
up too) whenever the view is shown or a run is kept. Reopening is the App's business (it owns the
session): the view asks for it with a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from engine.errors import AnnclfError
from engine.runs import RunStore

from tui.app.failures import notify_failure
from tui.app.messages import ReopenRequested, RunDeleted, RunKept
from tui.app.screens.ask import AskName, Confirm
from tui.app.screens.compare import CompareScreen, Compared, prepare
from tui.app.widgets.runs_table import RunsTable
from tui.text.escapes import escaped

STYLES = Path(__file__).with_suffix(".tcss")
HINT = "space mark · c compare the marked · Enter reopen · n rename · d delete"


def _shown(name: str) -> str:
    """A run's name or a folder's, quoted, in a question (Static text, read as markup): its control
    characters escaped and its brackets too, so that a name like `x[/]` is shown, not obeyed."""
    from textual.markup import escape

    return escape(f"'{escaped(name)}'")


@dataclass(frozen=True)
class Listed:
    runs: list
    damaged: list  # engine Damaged: listed as such, with what is wrong


class RunsView(Vertical):
    def __init__(self, store: RunStore, **kwargs):
        super().__init__(**kwargs)
        self.store = store

    def compose(self) -> ComposeResult:
        yield RunsTable(id="runs-table")
        yield Static(HINT, id="runs-hint")

    @property
    def table(self) -> RunsTable:
        return self.query_one(RunsTable)

    def on_mount(self) -> None:
        self.relist()

    def on_show(self) -> None:
        self.relist()
        self.table.focus()

    def on_run_kept(self, _: RunKept) -> None:
        self.relist()

    def relist(self) -> None:
        store = self.store
        self.run_worker(lambda: Listed(*store.summaries()), name="list", group="runs-list", thread=True,
                        exclusive=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.node is not self:
            return
        event.stop()
        if event.state == WorkerState.ERROR:
            self._hint(HINT)
            notify_failure(self, worker.error)
        elif event.state == WorkerState.SUCCESS and worker.name == "list":
            self.table.show(worker.result.runs, worker.result.damaged)
        elif event.state == WorkerState.SUCCESS and worker.name == "compare":
            self._compare_ready(worker.result)

    def on_runs_table_chosen(self, event: RunsTable.Chosen) -> None:
        event.stop()
        ids = event.run_ids
        if event.action == "compare":
            if len(ids) < 2:
                self.notify("Mark two or more runs with space, then press c", severity="warning")
                return
            size = self.app.size
            store = self.store
            self.run_worker(lambda: prepare(store, ids, (size.width, size.height)), name="compare",
                            group="runs-compare", thread=True, exclusive=True, exit_on_error=False)
            self._hint(f"opening the comparison of {len(ids)} runs…")
            return
        broken = next((d for d in self.table.damaged if d.folder == ids[0]), None)
        if broken is not None:
            self._damaged(broken, event.action)
            return
        run = next(r for r in self.table.runs if r.id == ids[0])
        if event.action == "rename":
            self.app.push_screen(AskName(f"A new name for {_shown(run.name)}:", run.name),
                                 lambda name: self._rename(run, name))
        elif event.action == "delete":
            self.app.push_screen(Confirm(f"Delete the run {_shown(run.name)}, its model and its history?"),
                                 lambda yes: self._delete(run) if yes else None)
        else:
            self.post_message(ReopenRequested(run.id, run.name))

    def _damaged(self, broken, action: str) -> None:
        if action == "delete":
            self.app.push_screen(Confirm(f"Delete the damaged folder {_shown(broken.folder)} and all it holds?"),
                                 lambda yes: self._delete_folder(broken.folder) if yes else None)
        else:
            self.notify(escaped(f"{broken.folder} is damaged ({broken.problem}); d deletes it"), severity="warning",
                        markup=False)

    def _delete_folder(self, folder: str) -> None:
        try:
            self.store.delete(folder)
        except AnnclfError as error:
            notify_failure(self, error)
        self.relist()

    def _compare_ready(self, compared: Compared) -> None:
        self._hint(HINT)
        self.app.push_screen(CompareScreen(compared))

    def _hint(self, text: str) -> None:
        self.query_one("#runs-hint", Static).update(text)

    def _rename(self, run, name: str | None) -> None:
        if name is None or name.strip() == run.name:
            return
        try:
            self.store.rename(run.id, name)
        except AnnclfError as error:
            notify_failure(self, error)
        self.relist()

    def _delete(self, run) -> None:
        try:
            self.store.delete(run.id)
        except AnnclfError as error:
            notify_failure(self, error)
        else:
            self.post_message(RunDeleted(run.id))
            self.notify(f"Deleted '{escaped(run.name)}'", markup=False)
        self.relist()
