"""Bytes the app writes to its terminal per second while it trains: what an SSH link must carry.

`annclf-tui` runs in a pseudo-terminal (spiral, hidden 32,32,32, a run long enough to outlast the count),
F5 is pressed once the data is ready, and the bytes written over 10 s of training are counted, at 160×48
and 80×24, and at 160×48 with SSH_CONNECTION set (the app may draw less often over SSH). Prints
`RESULT bytes_per_s_160x48=<n> bytes_per_s_80x24=<n> ssh_bytes_per_s_160x48=<n>`.

Then the same 160×48 run with `--full-frames` (every frame as Textual draws it): its bytes, and the epochs
trained in the 10 s by each, read off the screen as a terminal shows it (pyte), so that what sending only
the changed cells costs the training beside it is seen.

`.venv/bin/python bench/terminal_bytes.py [seconds]`
"""

from __future__ import annotations

import os
import re
import signal
import sys
import tempfile
import time

import pyte
from pty_app import APP, read, read_until, spawn, wait_for_end

SETTINGS = ["--dataset", "spiral", "--hidden", "32,32,32", "--epochs", "10000000", "--device", "cpu"]
READY = b"ready"  # the status line's word once the data is prepared


def measure(columns: int, rows: int, seconds: float, *flags: str, **env: str) -> tuple[float, int]:
    """(bytes a second while training, epochs trained by the end) of one run."""
    data_home = tempfile.mkdtemp(prefix="annclf-bench-")  # the runs it keeps are not the user's
    pid, fd = spawn([APP, *SETTINGS, *flags], columns, rows, XDG_DATA_HOME=data_home, **env)
    screen = pyte.Screen(columns, rows)
    stream = pyte.ByteStream(screen)
    try:
        read_until(fd, READY, 60)
        deadline = time.perf_counter() + 1.0
        while time.perf_counter() < deadline:  # what the first frames still had to say
            read(fd, 0.05)
        os.write(fd, b"\x1b[15~")  # F5
        started, count = time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            chunk = read(fd, 0.05)
            count += len(chunk)
            stream.feed(chunk)
        rate = count / (time.perf_counter() - started)
        shown = re.search(r"epoch ([\d,]+)/", "\n".join(screen.display))
        return rate, int(shown.group(1).replace(",", "")) if shown else 0
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for_end(pid, fd)
        os.close(fd)


def main(seconds: float) -> None:
    (wide, wide_epochs), (narrow, _) = measure(160, 48, seconds), measure(80, 24, seconds)
    ssh, _ = measure(160, 48, seconds, SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22")
    full, full_epochs = measure(160, 48, seconds, "--full-frames")
    for name, value in (("160×48", wide), ("80×24", narrow), ("160×48 over SSH", ssh),
                        ("160×48 full frames", full)):
        print(f"{name:20} {value / 1000:8.1f} KB/s")
    print(f"epochs trained in {seconds:.0f} s at 160×48: {wide_epochs:,} sending the changed cells, "
          f"{full_epochs:,} with full frames ({wide_epochs / max(full_epochs, 1):.2f}×)")
    print(f"RESULT bytes_per_s_160x48={wide:.0f} bytes_per_s_80x24={narrow:.0f} ssh_bytes_per_s_160x48={ssh:.0f}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
