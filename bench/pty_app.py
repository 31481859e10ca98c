"""`annclf-tui` in a pseudo-terminal of a given size, for the benches that time it as a person meets it."""

from __future__ import annotations

import atexit
import os
import pty
import select
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

APP = str(Path(sys.executable).with_name("annclf-tui"))


def scratch_dir(prefix: str = "annclf-bench-") -> str:
    """A folder for what an app run keeps (not the user's runs), removed when the bench ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def spawn(command: list[str], columns: int, rows: int, **env: str) -> tuple[int, int]:
    """(pid, the terminal's fd) of `command` running in a terminal of columns × rows."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.environ.update(COLUMNS=str(columns), LINES=str(rows), TERM="xterm-256color", **env)
        os.execv(command[0], command)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return pid, fd


def read(fd: int, seconds: float) -> bytes:
    """What the app writes within `seconds` (answering its cursor query as a terminal would); b"" at its end."""
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


def read_until(fd: int, sign: bytes, limit: float) -> bytes:
    """Read until `sign` has been written (RuntimeError after `limit` seconds); what was read."""
    seen, started = b"", time.perf_counter()
    while time.perf_counter() - started < limit:
        seen += read(fd, 0.05)
        if sign in seen:
            return seen
    raise RuntimeError(f"{sign!r} not seen within {limit} s; the app wrote {seen[-300:]!r}")


def wait_for_end(pid: int, fd: int) -> int:
    """Wait for the app to end, reading what it writes the while (a terminal nobody reads fills up and
    blocks the app that writes to it); its exit status."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        read(fd, 0.005)


def quit_timed(pid: int, fd: int) -> float:
    """Seconds from ctrl+q to the end of the app's process."""
    started = time.perf_counter()
    os.write(fd, b"\x11")
    wait_for_end(pid, fd)
    return time.perf_counter() - started


def check_one_kept(data: str) -> None:
    """RuntimeError unless the app, run with XDG_DATA_HOME=`data`, kept exactly one run."""
    kept = list(Path(data, "annclf-tui", "runs").glob("*/summary.json"))
    if len(kept) != 1:
        raise RuntimeError(f"the run was not kept on quitting ({len(kept)} runs)")


def median_of(measure, repeats: int) -> tuple[float, list[float]]:
    """(median, each) of `repeats` measurements in seconds."""
    times = [measure() for _ in range(repeats)]
    return statistics.median(times), times


def report(what: str, measure) -> None:
    """As a command: `python bench/<file>.py [repeats]` prints each measurement and the median."""
    median, times = median_of(measure, int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(f"{what}:", ", ".join(f"{t:.3f} s" for t in times))
    print(f"median {median:.3f} s")
