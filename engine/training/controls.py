"""Start, pause, step and stop a training loop from another thread."""

from __future__ import annotations

import threading


class Controls:
    """Thread-safe flags the training loop consults between epochs (and between mini-batches for stop)."""

    def __init__(self, paused: bool = False):
        self._lock = threading.Condition()
        self._paused = paused
        self._stop = False
        self._steps = 0

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

    def wait_for_next_epoch(self) -> bool:
        """Block while paused; True when the next epoch may run, False when a stop was asked for."""
        with self._lock:
            while self._paused and self._steps == 0 and not self._stop:
                self._lock.wait()
            if self._stop:
                return False
            if self._paused:
                self._steps -= 1
            return True
