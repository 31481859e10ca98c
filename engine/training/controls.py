"""Start, pause, step, stop and pace a training loop from another thread."""

from __future__ import annotations

import threading
import time
from typing import Callable


class Controls:
    """Thread-safe flags the training loop consults between epochs (and between mini-batches, or chunks of a large
    batch, for a stop or a pause)."""

    def __init__(self, paused: bool = False):
        self._lock = threading.Condition()
        self._paused = paused
        self._stop = False
        self._steps = 0
        self._wake = False
        self._pace: float | None = None  # epochs a second to keep to; None: as fast as it goes

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            self._lock.notify_all()

    def step(self, epochs: int = 1) -> None:
        """Allow `epochs` more epochs while paused (pausing first if running)."""
        with self._lock:
            self._paused = True
            self._steps += epochs
            self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()

    @property
    def pace(self) -> float | None:
        return self._pace

    def set_pace(self, epochs_per_second: float | None) -> None:
        """Keep to this many epochs a second (None: as fast as possible); a loop waiting for its pace
        takes the new one at once."""
        with self._lock:
            self._pace = epochs_per_second
            self._lock.notify_all()

    def keep_pace(self, started: float) -> None:
        """Wait until the epoch that began at `started` (time.perf_counter) has taken its share of a second
        at the pace; a stop or a pause ends the wait at once."""
        with self._lock:
            while self._pace and not (self._stop or self._paused):
                left = started + 1.0 / self._pace - time.perf_counter()
                if left <= 0:
                    return
                self._lock.wait(left)

    def rearm(self, paused: bool = False) -> None:
        """Ready for another run after a stop."""
        with self._lock:
            self._stop, self._paused, self._steps = False, paused, 0

    def wake(self) -> None:
        """Have a paused loop serve its requests (a map after a resize, a report) and pause again."""
        with self._lock:
            self._wake = True
            self._lock.notify_all()

    def wait_for_next_epoch(self, serve: Callable[[], None] | None = None) -> bool:
        """Block while paused; True when the next epoch may run, False when a stop was asked for.

        Woken while paused, it calls `serve` (outside the lock, so pause and stop never wait on it)."""
        while True:
            with self._lock:
                while self._paused and self._steps == 0 and not self._stop and not self._wake:
                    self._lock.wait()
                woken, self._wake = self._wake, False
                if self._stop:
                    return False
                if not self._paused or self._steps:
                    if self._paused:
                        self._steps -= 1
                    return True
            if woken and serve is not None:
                serve()
