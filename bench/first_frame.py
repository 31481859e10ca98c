"""Seconds from starting `annclf-tui` to its first frame on a real (pseudo-)terminal.

`.venv/bin/python bench/first_frame.py [repeats]` prints each time and the median.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import time

from pty_app import APP, read_until, spawn

SIGN_OF_A_FRAME = b"decision map"  # the map's title: written once the screen is composed and drawn


def time_to_first_frame(command: tuple[str, ...] = (APP,), columns: int = 120, rows: int = 40,
                        limit: float = 30.0) -> float:
    started = time.perf_counter()
    pid, fd = spawn(list(command), columns, rows)
    try:
        read_until(fd, SIGN_OF_A_FRAME, limit)
        return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)


def median_first_frame(repeats: int = 5) -> tuple[float, list[float]]:
    times = [time_to_first_frame() for _ in range(repeats)]
    return statistics.median(times), times


if __name__ == "__main__":
    median, times = median_first_frame(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print("first frame:", ", ".join(f"{t:.3f} s" for t in times))
    print(f"median {median:.3f} s")
