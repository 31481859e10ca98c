"""Seconds from starting `annclf-tui` to its first frame on a real (pseudo-)terminal.

`.venv/bin/python bench/first_frame.py [repeats]` prints each time and the median.
"""

from __future__ import annotations

import os
import signal
import time

from pty_app import APP, median_of, read_until, report, spawn, wait_for_end

SIGN_OF_A_FRAME = b"decision map"  # the map's title: written once the screen is composed and drawn


def time_to_first_frame(command: tuple[str, ...] = (APP,), columns: int = 120, rows: int = 40,
                        limit: float = 30.0) -> float:
    started = time.perf_counter()
    pid, fd = spawn(list(command), columns, rows)
    try:
        read_until(fd, SIGN_OF_A_FRAME, limit)
        return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGTERM)  # the app ends as on ctrl+q
        wait_for_end(pid, fd)
        os.close(fd)


def median_first_frame(repeats: int = 5) -> tuple[float, list[float]]:
    return median_of(time_to_first_frame, repeats)


if __name__ == "__main__":
    report("first frame", time_to_first_frame)
