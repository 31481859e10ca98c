"""Seconds from ctrl+q, pressed while a small model trains, to the end of `annclf-tui` (the run kept first).

`.venv/bin/python bench/quit_time.py [repeats]` prints each time and the median.
"""

from __future__ import annotations

import os
import time

from pty_app import APP, check_one_kept, median_of, quit_timed, read_until, report, scratch_dir, spawn

COMMAND = [APP, "--dataset", "moons", "--hidden", "16,16", "--epochs", "10000000", "--device", "cpu"]
F5, CTRL_Q = b"\x1b[15~", b"\x11"


def time_to_quit(columns: int = 120, rows: int = 40) -> float:
    data = scratch_dir()  # not the user's runs
    pid, fd = spawn(COMMAND, columns, rows, XDG_DATA_HOME=data)
    try:
        read_until(fd, b"ready", 60)  # the status line: PyTorch loaded, the data prepared
        os.write(fd, F5)
        read_until(fd, b"running", 10)
        time.sleep(1.0)  # a second of training
        elapsed = quit_timed(pid, fd)
    finally:
        os.close(fd)
    check_one_kept(data)
    return elapsed


def median_quit_time(repeats: int = 5) -> tuple[float, list[float]]:
    return median_of(time_to_quit, repeats)


if __name__ == "__main__":
    report("quit while training", time_to_quit)
