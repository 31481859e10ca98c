"""A client's line to a session that trains in another thread.

The session puts its events here; the client drains them when it likes (the app, ten times a second).
The client also says which decision map, which pictures of the network's units and whether a report it
wants: the session makes them between epochs, throttled so that they may lag but training does not, and at
once while it is paused.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from typing import Callable

from ..decision_map import MapRequest
from ..network_picture import NetworkRequest
from .events import Event, GridReady, NetworkReady, ReportReady

MAP_EVERY = 0.3  # seconds between decision maps at the least, unless a request asks for fewer
REPORT_EVERY = 1.0  # a report a second is current enough to read


def drained(events: queue.SimpleQueue) -> list:
    """Everything on `events` now, oldest first, without waiting (a client's drain ten times a second)."""
    out = []
    while True:
        try:
            out.append(events.get_nowait())
        except queue.Empty:
            return out


class Feed:
    def __init__(self):
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._map: MapRequest | None = None
        self._map_due = 0.0
        self._network: NetworkRequest | None = None
        self._network_due = 0.0
        self._report = False
        self._report_due = 0.0
        self._wake: Callable[[], None] = lambda: None  # the session's: a paused loop serves at once
        self._snapshots: list[Future] = []  # asked for, to be made between two epochs
        self._lock = threading.Lock()

    # ----- the client's side (any thread)
    def drain(self) -> list[Event]:
        """Every event since the last call, oldest first; never blocks."""
        return drained(self._events)

    def want_map(self, request: MapRequest | None) -> None:
        self._map, self._map_due = request, 0.0
        self._wake()

    def want_network(self, request: NetworkRequest | None) -> None:
        self._network, self._network_due = request, 0.0
        self._wake()

    def want_report(self, wanted: bool) -> None:
        self._report, self._report_due = wanted, 0.0
        self._wake()

    def want_snapshot(self, future: Future) -> None:
        """`future` gets the session's snapshot(), made by the training thread at the end of the epoch it is in
        (at once while paused): weights, optimiser and history of one epoch, never a step apart."""
        with self._lock:
            self._snapshots.append(future)
        self._wake()

    def take_snapshot_requests(self) -> list[Future]:
        """The requests not yet served (each is served once: by the training thread or by this caller)."""
        with self._lock:
            taken, self._snapshots = self._snapshots, []
        return taken

    # ----- the session's side (the training thread)
    def attached(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def put(self, event: Event) -> None:
        self._events.put(event)

    def serve(self, session, final: bool = False, still: bool = False) -> None:
        """Make the map, the network's pictures and the report if they are due (the pictures in any case at
        the end of a run); `still`: the loop is paused."""
        for future in self.take_snapshot_requests():
            future.set_result(session.snapshot())
        now = time.monotonic()
        request = self._map
        if request is not None and (final or now >= self._map_due):
            self.put(GridReady(session.decision_grid(request), session.history.epoch, still=final or still))
            cost = time.monotonic() - now
            # from when this one was begun, so maps come at the cadence asked for; but wide nets make the map
            # expensive: it comes less often rather than slowing training
            self._map_due = now + max(MAP_EVERY, request.every, 6 * cost)
        network = self._network
        if network is not None and (final or time.monotonic() >= self._network_due):
            started = time.monotonic()
            self.put(NetworkReady(session.network_picture(network), session.history.epoch))
            self._network_due = time.monotonic() + max(MAP_EVERY, network.every, 5 * (time.monotonic() - started))
        if self._report and not final and time.monotonic() >= self._report_due:
            started = time.monotonic()
            self.put(ReportReady(session.evaluate(), session.history.epoch))
            self._report_due = time.monotonic() + max(REPORT_EVERY, 10 * (time.monotonic() - started))
