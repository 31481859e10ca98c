"""Seconds from starting `annclf-tui` to its first frame on a real (pseudo-)terminal.

`.venv/bin/python bench/first_frame.py [repeats]` prints each time and the median.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import statistics
import sys
import time
from pathlib import Path

COMMAND = [str(Path(sys.executable).with_name("annclf-tui"))]
SIGN_OF_A_FRAME = b"decision map"  # the map's title: written once the screen is composed and drawn


def time_to_first_frame(command: list[str] = COMMAND, columns: int = 120, rows: int = 40,
                        limit: float = 30.0) -> float:
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, in a terminal of the given size
        os.environ.update(COLUMNS=str(columns), LINES=str(rows), TERM="xterm-256color")
        os.execv(command[0], command)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - started < limit:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if SIGN_OF_A_FRAME in seen:
                    return time.perf_counter() - started
                if b"\x1b[6n" in chunk:  # Textual asks where the cursor is; a terminal answers
                    os.write(fd, b"\x1b[1;1R")
        raise RuntimeError(f"no frame within {limit} s; the app wrote {seen[-300:]!r}")
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
