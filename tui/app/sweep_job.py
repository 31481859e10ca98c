"""A sweep trained in the background for the sweep view: the thread trains, makes a small map of each
configuration now and then (between epochs, as the training view's feed does), and puts what happened on a
queue that the view drains ten times a second. Nothing here touches a widget."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

MAPS_EVERY = 1.0  # seconds between two rounds of small maps: there may be dozens of them


@dataclass(frozen=True)
class Progressed:
    done: float  # runs' worth of training done (a run half trained counts a half), of the plan's
    runs: int  # runs finished and kept


@dataclass(frozen=True)
class MapMade:
    index: int  # the configuration's place in the plan's order
    session: object  # the configuration's first run (its lowest seed): the one drawn
    grid: object  # engine DecisionGrid
    accuracy: float  # its test accuracy at the epoch drawn


@dataclass(frozen=True)
class Ended:
    finished: bool  # False: stopped before the end
    error: BaseException | None = None


class SweepJob:
    def __init__(self, sweep, map_size: tuple[int, int]):
        from engine.sweep_grid import SEEDS, configuration_key

        self.sweep = sweep
        self.stop = threading.Event()
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.map_size = map_size  # (columns, pixel rows) of one small map
        varying = [n for n in sweep.grid.varying if n not in SEEDS]
        self._key = lambda settings: configuration_key(settings, varying)
        self.keys: list[tuple] = []  # the configurations in the plan's order
        for settings in sweep.plan:
            if self._key(settings) not in self.keys:
                self.keys.append(self._key(settings))
        self._drawn: dict[int, object] = {}  # configuration → the session drawn for it
        self._maps_due = 0.0
        self._fresh = False  # the group's weights were just copied out of its stack: draw them now

    def work(self) -> None:
        """In a thread worker: the whole sweep."""
        try:
            finished = self.sweep.run(self.stop.is_set, self._progressed, self._watch, self._due)
        except BaseException as error:  # the view says what went wrong; the thread must not die silently
            self.events.put(Ended(False, error))
            return
        self.events.put(Ended(finished))

    def drain(self) -> list:
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                return out

    def _progressed(self, done: float, runs: int) -> None:
        self.events.put(Progressed(done, runs))

    def _due(self) -> bool:
        """Asked by a stack of models between epochs: whether to hand their weights out to be drawn."""
        self._fresh = time.monotonic() >= self._maps_due
        return self._fresh

    def _watch(self, members, final: bool = False) -> None:
        """Between two epochs of a group (and at its end): small maps of the configurations it trains. A
        group of one trains its own weights; a stack hands them out when _due said so."""
        now = time.monotonic()
        fresh, self._fresh = self._fresh, False
        if not (final or fresh or (len(members) == 1 and now >= self._maps_due)):
            return
        from engine.decision_map import MapRequest, data_box

        columns, rows = self.map_size
        for session in members:
            index = self.keys.index(self._key(session.requested))
            if self._drawn.setdefault(index, session) is not session or not session.history.epoch:
                continue
            grid = session.decision_grid(MapRequest(data_box(session.split), columns, rows))
            self.events.put(MapMade(index, session, grid, session.history.records[-1].test_accuracy))
        self._maps_due = time.monotonic() + max(MAPS_EVERY, 10 * (time.monotonic() - now))
