"""The app's kept runs: each run saved when its training ends, and the runs view's reopen, rename, delete
and compare. A part of AnnclfApp, in its own file."""

from __future__ import annotations

from textual import work

from engine.errors import AnnclfError

from .screens.ask import AskName, Confirm
from .screens.compare import CompareScreen
from .widgets.runs_table import RunsTable


class KeptRuns:
    @work(thread=True, exclusive=True, group="runs", exit_on_error=False)
    def _list_runs(self) -> None:
        runs, problems = self.runs.summaries()
        self.call_from_thread(self.runs_table.show, runs)
        for problem in problems:
            self.call_from_thread(self.notify, f"A run could not be read: {problem}", severity="warning")

    def on_runs_table_chosen(self, event: RunsTable.Chosen) -> None:
        ids = event.run_ids
        if event.action == "compare":
            if len(ids) < 2:
                self.notify("Mark two or more runs with space, then press c", severity="warning")
                return
            try:
                self.push_screen(CompareScreen(self.runs, ids))
            except AnnclfError as error:
                self.notify(str(error), severity="error")
            return
        run = next(r for r in self.runs_table.runs if r.id == ids[0])
        if event.action == "rename":
            self.push_screen(AskName(f"A new name for {run.name!r}:", run.name), lambda name: self._rename(run, name))
        elif event.action == "delete":
            self.push_screen(Confirm(f"Delete the run {run.name!r}, its model and its history?"),
                             lambda yes: self._delete(run) if yes else None)
        elif self.link.running:
            self.notify("Stop the run (F7) before reopening another", severity="warning")
        else:
            self._reopen(run.id, run.name)

    def _rename(self, run, name: str | None) -> None:
        if name is None or name.strip() == run.name:
            return
        try:
            self.runs.rename(run.id, name)
        except AnnclfError as error:
            self.notify(str(error), severity="error")
        self._list_runs()

    def _delete(self, run) -> None:
        if run.id == self._run_id and self.link.running:
            self.notify("This run is training: stop it (F7) before deleting it", severity="warning")
            return
        try:
            self.runs.delete(run.id)
        except AnnclfError as error:
            self.notify(str(error), severity="error")
            self._list_runs()
            return
        if run.id == self._run_id:
            self._run_id = None  # the model stays on the screen; training it again keeps it anew
        self.notify(f"Deleted {run.name!r}")
        self._list_runs()

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def _reopen(self, run_id: str, name: str) -> None:
        session = self.runs.reopen(run_id)
        self.call_from_thread(self._reopened, session, run_id, name)

    def _reopened(self, session, run_id: str, name: str) -> None:
        if self.link.running:
            return
        self._adopt_session(session, run_id)
        self.form.load(session.settings)
        self._show_curves(session, now=True)
        self._refresh_grid()
        self._update_status()
        self.views.active = "train"
        self.notify(f"Reopened {name!r} at epoch {session.history.epoch}: raise epochs or change the learning "
                    "rate or optimiser, then F5 continues it", title="run reopened")

    def _keep_run(self, session, outcome, report: dict) -> None:
        """In a worker: save the run (again, if it continued) and show it in the runs list. `report` is the
        evaluation the report view got: the kept run's final metrics, not made twice."""
        from engine.exports import results

        try:
            summary = self.runs.save(session, outcome, run_id=self._run_id, data=results(session, outcome, report))
        except (AnnclfError, OSError) as error:
            self.call_from_thread(self.notify, f"The run was not kept: {error}", severity="warning")
            return
        if self.link.session is session:
            self._run_id = summary.id
        self.call_from_thread(self._list_runs)
