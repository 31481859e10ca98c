"""Start, pause, step and stop a training loop from another thread."""

from __future__ import annotations

import threading
from typing import Callable


class Controls:
    """Thread-safe flags the training loop consults between epochs (and between mini-batches for stop)."""

    def __init__(self, paused: bool = False):
        self._lock = threading.Condition()
        self._paused = paused
        self._stop = False
        self._steps = 0
        self._wake = False

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
