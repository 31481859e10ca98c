"""The app's hold on the engine: the session, its feed, its pace, and the workers that load PyTorch, build
sessions, train them and make maps, network pictures and reports.

Everything here runs on the UI thread. Workers get what they need as arguments and hand back what they
made as their result; `finished()` takes each result in and tells the views through `tell`. A key that
cannot act yet (PyTorch still loading, a run still stopping) is remembered and done when the runner is
free: the last such key wins.
"""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

from textual.app import App
from textual.message import Message
from textual.worker import Worker

from engine.errors import TableProblems
from engine.runs import RunStore
from engine.schema import Settings

from tui.app.failures import data_problem
from tui.app.messages import (DataFailed, GridArrived, NetworkArrived, PaceChanged, ReportArrived, RunKept,
                              RunState, RunStateChanged, SessionChanged)
from tui.app.tensorboard_boards import Boards

DEBOUNCE = 0.25  # seconds of quiet typing before the data and network are rebuilt


class Runner:
    def __init__(self, app: App, store: RunStore, tell: Callable[[Message], None],
                 tensorboard: tuple[str, int] | None = None):
        self.app, self.store, self.tell = app, store, tell
        self.boards = Boards(*tensorboard) if tensorboard else None  # --tensorboard DIR: each run's epochs there
        self.engine_ready = False
        self.session = None
        self.feed = None
        self.settings: Settings | None = None  # the form's latest valid settings
        self.run_id: str | None = None  # the kept run the session is saved as
        self.replaces: str | None = None  # the kept run a reset session takes the place of
        self.building = False
        self.training: Worker | None = None
        self.waiting: list[str] = []  # keys pressed while the runner was busy, to act in turn
        self.wanted: dict[str, object] = {}  # "map", "network": the request the views want kept current
        self.report_wanted = False
        self.pace: float | None = None  # epochs a second; None: as fast as possible
        self._rebuild_at: float | None = None
        self._on_disk: threading.Event | None = None  # set once the last training's run is on disk
        self._data_failed = False  # the form's last data could not be made (the views show none)
        self._built_for: Settings | None = None  # the settings of the last build (refused: not tried again unasked)
        self.sweep_feed = None  # the last sweep's: the sweep view's news

    # ----- what the views are shown
    @property
    def state(self) -> RunState:
        if not self.engine_ready:
            return RunState.LOADING
        if self.training is not None:
            controls = self.session.controls
            if controls.stop_requested:
                return RunState.STOPPING
            return RunState.PAUSED if controls.paused else RunState.RUNNING
        if self.building or self.session is None:
            return RunState.PREPARING
        return RunState.READY

    @property
    def ended(self) -> str | None:
        """How the session's last run ended, once its thread is done: the status line says it rather than
        "ready" (the run's end and the runner's state reach the views by different ways, in either order)."""
        session = self.session
        if self.training is not None or session is None or not session.history.epoch:
            return None
        if session.outcome is not None:
            return session.outcome.reason.label
        return "completed" if session.history.epoch >= session.settings.epochs else None

    def _state_changed(self) -> None:
        self.tell(RunStateChanged(self.state, ", ".join(self.waiting), self.ended))

    @property
    def busy(self) -> bool:
        """Loading PyTorch, building a session or stopping a run: a key's wish waits until it is done."""
        return not self.engine_ready or self.building or self.state == RunState.STOPPING

    # ----- starting up
    def load_engine(self) -> None:
        self._worker(lambda: import_engine(), "load")

    def _worker(self, work, name: str, *args, exclusive: bool = False, group: str | None = None) -> Worker:
        return self.app.run_worker(lambda: work(*args), name=name, group=group or name, thread=True,
                                   exit_on_error=False, exclusive=exclusive)

    # ----- the keys: each acts now if it can, else waits its turn behind the keys before it
    def press(self, key: str, settings: Settings | None = None) -> None:
        """F5 "start", F6 "step", F8 "reset", F9 "new data": called in the order the keys were pressed, with
        the form's settings as they are at the press (None: invalid, and the view has said why)."""
        self.settings = settings
        if self.waiting or self.busy:
            self.waiting.append(key)
            self._state_changed()
        else:
            self._act(key)

    def stop(self) -> None:
        """F7: stop the run (it is kept) and forget the keys that were waiting."""
        self.waiting.clear()
        if self.training is not None:
            self.session.controls.stop()
        self._state_changed()

    def _act(self, key: str) -> None:
        if self.training is not None and key in ("reset", "new data"):
            self.session.controls.stop()  # both stop the run (it is kept), then act once it has stopped
            self.waiting.insert(0, key)
        elif self.training is not None and key == "start":
            self._pause_or_resume()
        elif self.training is not None and key == "step":
            self.session.controls.step()
        elif self.settings is None:
            pass  # the form is invalid: the status line says why
        elif key == "new data":  # the form holds its new seed already (see the App's action)
            self._build_now(self.settings)
        elif key == "reset":
            self.replaces = self.run_id or self.replaces
            self._build_now(self.settings)
        elif self._needs_new_session(self.settings):
            self.waiting.insert(0, key)  # again once the data and network are made
            self._build_now(self.settings)
        else:
            self._train_now(paused=key == "step")
        self._state_changed()

    def _pause_or_resume(self) -> None:
        controls = self.session.controls
        if controls.paused:
            controls.resume()
        else:
            controls.pause()

    def _free(self) -> None:
        """The keys that waited, in turn, until one of them makes the runner busy again."""
        while self.waiting and not self.busy:
            self._act(self.waiting.pop(0))
        self._state_changed()

    # ----- the settings
    def settings_changed(self, settings: Settings | None) -> None:
        self.settings = settings
        if settings is not None:
            self._rebuild_at = time.monotonic() + DEBOUNCE

    def tick(self) -> list:
        """Ten times a second: a rebuild once typing has paused, and the engine's news since the last tick."""
        due = self._rebuild_at
        if due is not None and time.monotonic() >= due and not self.busy and self.training is None:
            self._rebuild_at = None
            refused = self._data_failed and self.settings == self._built_for  # the same file, refused again
            if self.settings is not None and not refused and self._needs_new_session(self.settings):
                self.replaces = None  # other data or another network: a run of its own
                self._build_now(self.settings)
            elif self.settings is not None and self._data_failed and self.session is not None:
                self._data_failed = False  # the form is back on the data of the session: show it again
                self.tell(SessionChanged(self.session))
        return self.feed.drain() if self.feed is not None else []

    def _needs_new_session(self, settings: Settings) -> bool:
        """A new session when the data or the network changed; training settings continue the model."""
        from engine.training.session import CONTINUABLE

        if self.session is None:
            return True
        return bool(set(settings.resolve().differences(self.session.requested)) - CONTINUABLE)

    def _build_now(self, settings: Settings) -> None:
        self.building, self._built_for = True, settings
        self._worker(build, "build", settings, exclusive=True)
        self._state_changed()

    def reopen(self, run_id: str, name: str) -> None:
        self.building = True
        # one group with building: the newer of a build and a reopen is the one adopted
        self._worker(lambda: (self.store.reopen(run_id), run_id, name), "reopen", exclusive=True, group="build")
        self._state_changed()

    def _adopt(self, session, run_id: str | None = None, reopened: str | None = None) -> None:
        from engine.training.feed import Feed

        self.session, self.run_id = session, run_id
        self.feed = Feed()
        session.attach(self.feed)
        self.wanted = {}  # the views ask for what fits the new data
        if session.device_notice:
            self.app.notify(session.device_notice, severity="warning", timeout=8)
        self.tell(SessionChanged(session, reopened))

    # ----- training
    def _train_now(self, paused: bool) -> None:
        from engine.training.session import CONTINUABLE

        session = self.session
        resolved = self.settings.resolve()
        changes = {n: getattr(resolved, n) for n in resolved.differences(session.settings) if n in CONTINUABLE}
        if changes:
            session.change(**changes)
        if session.history.epoch >= session.settings.epochs:
            self.app.notify(f"All {session.settings.epochs} epochs are done: raise epochs to continue, or F8 "
                            "to start again", severity="warning")
            return
        self.feed.want_map(self.wanted.get("map"))
        self.feed.want_network(self.wanted.get("network"))
        self.feed.want_report(self.report_wanted)
        # armed here, not in the worker: a pause pressed before the thread starts must not be undone
        session.controls.rearm(paused=paused)
        session.controls.set_pace(self.pace)
        if paused:
            session.controls.step()
        self._on_disk = threading.Event()
        self.training = self._worker(train, "train", session, self.store, self.run_id, self.replaces,
                                     self._on_disk, self.boards)
        self._state_changed()

    def want_map(self, request, session) -> None:
        self._want("map", request, session)

    def want_network(self, request, session) -> None:
        self._want("network", request, session)

    def _want(self, kind: str, request, session) -> None:
        """Kept current by the trainer between epochs, or made at once when idle (None: no longer wanted)."""
        if session is not self.session:
            return  # asked for before the data changed: its features may not exist any more
        self.wanted[kind] = request
        if self.training is not None:
            getattr(self.feed, f"want_{kind}")(request)
        elif not self.building and request is not None:
            make = session.decision_grid if kind == "map" else session.network_picture
            self._worker(lambda: (session, make(request)), kind, exclusive=True)

    def set_pace(self, pace: float | None) -> None:
        self.pace = pace
        if self.session is not None:
            self.session.controls.set_pace(pace)  # a running loop takes it at once
        self.tell(PaceChanged(pace))

    def want_report(self, wanted: bool) -> None:
        self.report_wanted = wanted
        session = self.session
        if self.training is not None:
            self.feed.want_report(wanted)
        elif wanted and session is not None and not self.building and session.history.epoch:
            self._worker(lambda: (session, session.evaluate()), "report", exclusive=True)

    def snapshot(self) -> Future:
        """The session as it is at the end of an epoch, for a checkpoint or an export: made by the training
        thread between two epochs while a run trains (the weights it is updating are never read here), at once
        otherwise. None in the future when there is no session yet."""
        future: Future = Future()
        if self.training is None or self.feed is None:
            future.set_result(self.session.snapshot() if self.session is not None else None)
        else:
            self.feed.want_snapshot(future)
        return future

    def _serve_snapshots(self) -> None:
        """A run's thread has ended: the snapshots it was asked for too late are made here."""
        if self.feed is not None:
            for future in self.feed.take_snapshot_requests():
                future.set_result(self.session.snapshot())

    # ----- a sweep (the sweep view owns its settings and what it shows; the runner, its thread)
    def start_sweep(self, sweep, feed) -> None:
        """Train `sweep` in a worker, reporting through `feed`, which `drain_sweep` empties at each tick."""
        from engine.sweep_feed import train

        self.sweep_feed = feed
        self._worker(train, "sweep", sweep, feed, group="sweep")

    def drain_sweep(self) -> list:
        return self.sweep_feed.drain() if self.sweep_feed is not None else []

    def settle(self, timeout: float = 60.0) -> None:
        """Block until a run stopped by quitting is kept: the app's screen is gone by then, the process not
        yet (its training thread keeps the run while the app tears its screen down, so quitting is quick)."""
        if self._on_disk is not None:
            self._on_disk.wait(timeout)
        if self.boards is not None:
            self.boards.close()

    # ----- what the workers hand back (on the UI thread)
    def finished(self, worker: Worker) -> None:
        result, name = worker.result, worker.name
        if name == "load":
            self.engine_ready = True
            if self.settings is not None and self.session is None and not self.building:
                self._build_now(self.settings)
        elif name == "build":
            self.building = False
            self._data_failed = False
            if self.training is None:
                self._adopt(result, reopened=None)
        elif name == "reopen":
            self.building = False
            session, run_id, run_name = result
            if self.training is None:
                self.replaces = None
                self._adopt(session, run_id, reopened=run_name)
        elif name == "train":
            self.training = None
            self._serve_snapshots()
            self._kept(result)
        elif name in ("map", "network") and result[0] is self.session:
            session, made = result
            self.tell(GridArrived(made, session) if name == "map" else
                      NetworkArrived(made, session.history.epoch, session))
        elif name == "report":
            session, report = result
            if session is self.session:
                self.tell(ReportArrived(report, session.history.epoch, session))
        self._free()

    def tells_itself(self, worker: Worker) -> bool:
        """Whether a worker's failure reaches the person through the views (a table's problems: as a dialog
        with their fixes, or as a notice when no dialog is due), not as the App's own notice."""
        return worker.name in ("build", "reopen") and self._table(worker.error) is not None

    @staticmethod
    def _table(error: BaseException | None) -> TableProblems | None:
        return error if isinstance(error, TableProblems) and error.fixes else None

    def failed(self, worker: Worker) -> None:
        if worker.name in ("build", "reopen"):
            self.building = False
            self._data_failed = True
            self.waiting.clear()  # a start waiting for data that cannot be made
            self.tell(DataFailed(data_problem(worker.error), self._table(worker.error)))
        elif worker.name == "train":
            self.training = None
            self._serve_snapshots()
        self._state_changed()

    def _kept(self, trained: Trained) -> None:
        session = trained.session
        self.tell(ReportArrived(trained.report, session.history.epoch, session))
        if trained.summary is not None:
            if session is self.session:
                self.run_id, self.replaces = trained.summary.id, None
            self.tell(RunKept(trained.summary))
        elif trained.problem is not None:
            self.app.notify(f"The run was not kept: {trained.problem}", severity="warning", timeout=8)
        if trained.board_problem is not None:
            self.app.notify(f"TensorBoard: {trained.board_problem}", severity="warning", timeout=8)

    def forget(self, run_id: str) -> bool:
        """A kept run was deleted; True if it was the session's (it is kept anew when it trains again)."""
        if run_id == self.replaces:
            self.replaces = None
        if run_id == self.run_id:
            self.run_id = None
            return True
        return False


# ----- what the workers do, each in a thread of its own: they touch no widget; what they make is their result
@dataclass(frozen=True)
class Trained:
    """What a training worker hands back: the run's end, its final report, where it was kept."""

    session: object
    report: dict
    summary: object | None  # engine RunSummary; None when not kept
    problem: str | None  # why it could not be kept; None when there was nothing new to keep
    board_problem: str | None = None  # why its TensorBoard files could not be written


def import_engine() -> None:
    """The slow imports (PyTorch; scikit-learn only once a dataset needs it), in a worker once the first frame
    is on the screen. If the launch turned the collector off for the start-up (see launch.py), what was made
    so far is frozen out of its sight and it is turned back on."""
    try:
        import engine.checkpoint  # noqa: F401
        import engine.training.session  # noqa: F401
        from engine.training import threads

        # the screen keeps a core: measured on two, a second training thread beside it made epochs slower
        # (0.65-0.72 s against 0.60 s on one, circles 1M, 64,64) and its keys later
        threads.reserve(1)
    finally:
        if not gc.isenabled():
            gc.freeze()
            gc.enable()


def train(session, store: RunStore, run_id: str | None, replaces: str | None, kept: threading.Event,
          boards: Boards | None = None) -> Trained:
    """Train, then keep the run; `kept` is set once the run is on disk (or could not be), whatever happens:
    an app that quits while this trains waits for it before the process ends. With `boards`, the epochs go to
    the session's TensorBoard folder as they are trained."""
    from engine.errors import AnnclfError

    board, board_problem = None, None
    try:
        if boards is not None:
            try:
                board = boards.of(session)
            except (AnnclfError, OSError) as error:
                board_problem = str(error)
        before = session.history.epoch
        session.run(None if board is None else lambda record: board.epoch(record, session))
        report = session.evaluate()
        if board is not None:
            board.finish(session, close=False)  # F5 may go on: the same folder, flushed now
            board_problem = board.failure  # a full disk: the run is kept all the same
        if session.history.epoch == before:  # stopped before its first epoch: nothing new to keep
            return Trained(session, report, None, None, board_problem)
        try:
            return Trained(session, report, store.keep(session, report, run_id, replaces), None, board_problem)
        except (AnnclfError, OSError) as error:
            return Trained(session, report, None, str(error), board_problem)
    finally:
        kept.set()


def build(settings: Settings):
    from engine.training.session import TrainingSession

    return TrainingSession(settings)
