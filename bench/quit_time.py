"""Seconds from ctrl+q, pressed while a small model trains, to the end of `annclf-tui` (the run kept first).

`.venv/bin/python bench/quit_time.py [repeats]` prints each time and the median.
"""

from __future__ import annotations

import os
import pty
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [str(Path(sys.executable).with_name("annclf-tui")), "--dataset", "moons", "--hidden", "16,16",
           "--epochs", "10000000", "--device", "cpu"]
F5, CTRL_Q = b"\x1b[15~", b"\x11"


def _read(fd, seconds: float) -> bytes:
    """What the app writes in the next `seconds` (answering its cursor query as a terminal would)."""
    ready, _, _ = select.select([fd], [], [], seconds)
    if not ready:
        return b""
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return b""
    if b"\x1b[6n" in chunk:
        os.write(fd, b"\x1b[1;1R")
    return chunk


def _read_until(fd, sign: bytes, limit: float) -> None:
    seen, started = b"", time.perf_counter()
    while time.perf_counter() - started < limit:
        seen += _read(fd, 0.05)
        if sign in seen:
            return
    raise RuntimeError(f"{sign!r} not seen within {limit} s; the app wrote {seen[-300:]!r}")


def time_to_quit(columns: int = 120, rows: int = 40) -> float:
    runs = tempfile.mkdtemp(prefix="annclf-bench-")  # not the user's runs
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(COLUMNS=str(columns), LINES=str(rows), TERM="xterm-256color", XDG_DATA_HOME=runs)
        os.execv(COMMAND[0], COMMAND)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    try:
        _read_until(fd, b"ready", 60)  # the status line: PyTorch loaded, the data prepared
        os.write(fd, F5)
        _read_until(fd, b"running", 10)
        time.sleep(1.0)  # a second of training
        started = time.perf_counter()
        os.write(fd, CTRL_Q)
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                elapsed = time.perf_counter() - started
                break
            _read(fd, 0.005)  # keep the terminal drained: a full one would block the app
        kept = list(Path(runs, "annclf-tui", "runs").glob("*/summary.json"))
        if len(kept) != 1:
            raise RuntimeError(f"the run was not kept ({len(kept)} runs)")
        return elapsed
    finally:
        os.close(fd)


def median_quit_time(repeats: int = 5) -> tuple[float, list[float]]:
    times = [time_to_quit() for _ in range(repeats)]
    return statistics.median(times), times


if __name__ == "__main__":
    median, times = median_quit_time(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print("quit while training:", ", ".join(f"{t:.3f} s" for t in times))
    print(f"median {median:.3f} s")
