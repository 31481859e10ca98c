"""Ctrl-C, SIGTERM and SIGHUP for `annclf-tui train`: each ends the training cleanly (the files are still
written and the run kept, as for a finished run) and gives the exit code of its signal. While the files
are written, the first is noted and the writes go on; a second aborts them."""

from __future__ import annotations

import signal
import sys
from typing import Callable

CODES = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}
NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class Aborted(Exception):
    """A second signal while the files were being written."""


class StopSignals:
    def __init__(self, prog: str):
        self.prog = prog
        self.received: int | None = None  # the first signal
        self._previous: dict[int, object] = {}

    @property
    def exit_code(self) -> int | None:
        return CODES[self.received] if self.received is not None else None

    def said(self) -> int:
        """The last line of a command a signal stopped (what it kept is said before it), and its exit code."""
        print(f"{self.prog}: stopped by {NAMES[self.received]} (exit code {self.exit_code})", file=sys.stderr)
        return self.exit_code

    def _install(self, handler: Callable) -> None:
        for number in CODES:
            old = signal.signal(number, handler)
            self._previous.setdefault(number, old)

    def while_training(self, stop: Callable[[], None]) -> None:
        def handler(number, _frame) -> None:
            self.received = self.received or number
            stop()

        self._install(handler)

    def while_writing(self) -> None:
        writing = {"told": False}

        def handler(number, _frame) -> None:
            if writing["told"]:  # a stop again, whichever signal brings it (Ctrl-C, then SIGTERM: "SIGTERM")
                raise Aborted(NAMES[number])
            writing["told"] = True
            self.received = self.received or number
            print(f"{self.prog}: finishing the files of the run; {NAMES[number]} again to abort", file=sys.stderr)

        self._install(handler)

    def restore(self) -> None:
        for number, old in self._previous.items():
            signal.signal(number, old)
