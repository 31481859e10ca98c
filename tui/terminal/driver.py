"""The driver the app talks to its terminal through: Textual's own, with each frame sent as the cells that
changed on the screen (`terminal_diff.ScreenCopy`)."""

from __future__ import annotations

import os
import threading

from textual.driver import Driver

from tui.terminal.screen_copy import ScreenCopy


def changes_only(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class` with its frames cut down to what changed on the screen."""

    class ChangesOnly(driver_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._screen = ScreenCopy(self._terminal_size)
            self._writing = threading.Lock()  # the input thread writes too (the modes it asks for)

        def _terminal_size(self) -> tuple[int, int]:
            try:  # the terminal's own word: COLUMNS and LINES may be stale after a resize
                size = os.get_terminal_size(self._file.fileno())
                return size.columns, size.lines
            except (AttributeError, OSError, ValueError):
                return 0, 0  # not known: line feeds are then not checked against the bottom

        def write(self, data: str) -> None:
            with self._writing:
                super().write(self._screen.frame(data))

    ChangesOnly.__name__ = ChangesOnly.__qualname__ = f"ChangesOnly{driver_class.__name__}"
    return ChangesOnly
