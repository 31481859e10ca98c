"""A client's line to a sweep that trains in another thread: the sweep's `Feed`.

The sweep puts its events here (training/events.py: SweepProgressed, ConfigurationDrawn, RunFinishedInSweep,
SweepEnded); the client drains them when it likes (the app, ten times a second). The client says how large
the small maps it wants are; the sweep makes them in its own thread, between epochs, throttled so that
they may lag but training does not: a map of each configuration's first run (its first seed), and one more
as each group of runs ends. Everything in an event is the client's to keep: no session crosses over.
"""

from __future__ import annotations

import queue
import threading
import time

from .training.events import ConfigurationDrawn, Points, SweepEnded, SweepEvent, SweepNoticed, SweepProgressed
from .training.feed import drained

MAPS_EVERY = 1.0  # seconds between two rounds of small maps at the least: there may be dozens of them


class SweepFeed:
    def __init__(self):
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._size: tuple[int, int] | None = None  # (columns, pixel rows) of one small map; None: none wanted
        self._due = 0.0
        self._fresh = False  # a stack just handed its weights out: draw them now
        self._points: dict[int, Points] = {}  # configuration → its data, copied once

    # ----- the client's side (any thread)
    def drain(self) -> list[SweepEvent]:
        """Every event since the last call, oldest first; never blocks."""
        return drained(self._events)

    def want_maps(self, size: tuple[int, int] | None) -> None:
        """Small maps of `size` (columns, pixel rows: two a line of text) from now on; None: no more."""
        self._size, self._due = size, 0.0

    def stop(self) -> None:
        """Stop the sweep between two epochs; the runs that finished are kept."""
        self._stop.set()

    # ----- the sweep's side (its thread)
    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def put(self, event: SweepEvent) -> None:
        self._events.put(event)

    def progressed(self, done: float, runs: int) -> None:
        self.put(SweepProgressed(done, runs))

    def noticed(self, text: str) -> None:
        self.put(SweepNoticed(text))

    def maps_due(self) -> bool:
        """Asked by a stack of models between epochs: whether to hand their weights out to be drawn."""
        self._fresh = self._size is not None and time.monotonic() >= self._due
        return self._fresh

    def serve(self, sweep, members, final: bool = False) -> None:
        """Between two epochs of a group of runs (and at its end, `final`): the small maps of the
        configurations it trains, if they are due. A group of one trains its own weights; a stack hands them
        out when maps_due() said so."""
        size, started = self._size, time.monotonic()
        fresh, self._fresh = self._fresh, False
        if size is None or not (final or fresh or (len(members) == 1 and started >= self._due)):
            return
        from .decision_map import MapRequest, data_box

        for session in members:
            if not session.history.epoch or not sweep.drawn(session.requested):
                continue
            index = sweep.index(session.requested)
            points = self._points.get(index) or self._points.setdefault(index, snapshot(session))
            grid = session.decision_grid(MapRequest(data_box(session.split), *size))
            seeds = tuple((name, getattr(session.requested, name)) for name, _ in sweep.drawn_seeds)
            self.put(ConfigurationDrawn(index, grid, points, session.history.records[-1].test_accuracy,
                                        session.history.epoch, seeds, final))
        self._due = time.monotonic() + max(MAPS_EVERY, 10 * (time.monotonic() - started))


def snapshot(session) -> Points:
    """A copy of what a map of the session draws besides its grid (see Points)."""
    split, shown = session.split, session.split.shown
    arrays = [split.dataset.X[split.train[shown.train]], split.y_train[shown.train],
              split.dataset.X[split.test[shown.test]], split.y_test[shown.test]]  # copies (fancy indexing)
    for array in arrays:
        array.setflags(write=False)
    return Points(*arrays, split.dataset.target, tuple(session.class_names), shown.total)


def train(sweep, feed: SweepFeed, workers: int = 1) -> None:
    """The whole sweep, in the caller's thread, reported into `feed` to its end: SweepEnded comes last, with
    what went wrong when something did (it is not raised: the client is told as it is told the rest)."""
    try:
        finished = sweep.run(feed=feed, workers=workers)
    except Exception as error:
        feed.put(SweepEnded(False, str(error) or "an unexpected error (please report it)"))
        return
    finally:
        if sweep.executor is not None:
            sweep.executor.close()
    lost = [s for group in sweep.lost for s in group.settings]
    if lost:  # the rest were kept: it ran, but not whole
        feed.put(SweepEnded(False, f"{len(lost):,} of {len(sweep.plan):,} runs never finished on the cluster: "
                                   f"{sweep.lost[0].why}"))
        return
    feed.put(SweepEnded(finished))
