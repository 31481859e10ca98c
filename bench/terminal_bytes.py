"""Bytes the app writes to its terminal per second while it trains: what an SSH link must carry.

`annclf-tui` runs in a pseudo-terminal (spiral, hidden 32,32,32, a run long enough to outlast the count),
F5 is pressed once the data is ready, and the bytes written over 10 s of training are counted, at 160×48
and 80×24, and at 160×48 with SSH_CONNECTION set (the app may draw less often over SSH). Prints
`RESULT bytes_per_s_160x48=<n> bytes_per_s_80x24=<n> ssh_bytes_per_s_160x48=<n>`.

The 160×48 run is made four times, each beside one with `--full-frames` (every frame as Textual draws
it): the medians of their bytes, and of the epochs each trained in the 10 s, read off the screen as a
terminal shows it (pyte), so that what sending only the changed cells costs the training is seen.

`.venv/bin/python bench/terminal_bytes.py [seconds]`
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import sys
import time

import pyte
from pty_app import APP, read, scratch_dir, spawn, wait_for_end

SETTINGS = ["--dataset", "spiral", "--hidden", "32,32,32", "--epochs", "10000000", "--device", "cpu"]


def measure(columns: int, rows: int, seconds: float, *flags: str, **env: str) -> tuple[float, int]:
    """(bytes a second while training, epochs trained by the end) of one run."""
    data_home = scratch_dir()  # the runs it keeps are not the user's
    pid, fd = spawn([APP, *SETTINGS, *flags], columns, rows, XDG_DATA_HOME=data_home, **env)
    screen = pyte.Screen(columns, rows)  # fed from the start: a frame may send only what changed
    stream = pyte.ByteStream(screen)
    try:
        limit = time.perf_counter() + 60
        while "ready" not in "\n".join(screen.display):
            if time.perf_counter() > limit:
                raise RuntimeError("the app did not get ready within 60 s")
            stream.feed(read(fd, 0.05))
        deadline = time.perf_counter() + 1.0
        while time.perf_counter() < deadline:  # what the first frames still had to say
            stream.feed(read(fd, 0.05))
        os.write(fd, b"\x1b[15~")  # F5
        started, chunks = time.perf_counter(), []
        while time.perf_counter() - started < seconds:
            chunks.append(read(fd, 0.05))
        rate = sum(map(len, chunks)) / (time.perf_counter() - started)
        stream.feed(b"".join(chunks))  # afterwards: its cost, which grows with the bytes, not in the window
        shown = re.search(r"epoch ([\d,]+)/", "\n".join(screen.display))
        return rate, int(shown.group(1).replace(",", "")) if shown else 0
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for_end(pid, fd)
        os.close(fd)


def pair(seconds: float, changed_first: bool) -> tuple[tuple[float, int], tuple[float, int]]:
    """(sending the changed cells, full frames) at 160×48, one after the other in the order given."""
    changed = lambda: measure(160, 48, seconds)  # noqa: E731
    whole = lambda: measure(160, 48, seconds, "--full-frames")  # noqa: E731
    if changed_first:
        first = changed()
        return first, whole()
    first = whole()
    return changed(), first


def main(seconds: float, repeats: int = 4) -> None:
    # 160×48 with and without full frames, interleaved, each first in half the pairs: the machine's speed
    # drifts, and the epochs of one run vary by more than what is measured
    pairs = [pair(seconds, changed_first=i % 2 == 0) for i in range(repeats)]
    wide, wide_epochs = (statistics.median(values) for values in zip(*(changed for changed, _ in pairs)))
    full, full_epochs = (statistics.median(values) for values in zip(*(whole for _, whole in pairs)))
    narrow, _ = measure(80, 24, seconds)
    ssh, _ = measure(160, 48, seconds, SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22")
    for name, value in (("160×48", wide), ("80×24", narrow), ("160×48 over SSH", ssh),
                        ("160×48 full frames", full)):
        print(f"{name:20} {value / 1000:8.1f} KB/s")
    # each pair's ratio: the machine's speed drifts between pairs more than within one
    ratios = sorted(changed[1] / max(whole[1], 1) for changed, whole in pairs)
    print(f"epochs trained in {seconds:.0f} s at 160×48 (medians of {repeats}): {wide_epochs:,.0f} sending the "
          f"changed cells, {full_epochs:,.0f} with full frames; pair by pair "
          + ", ".join(f"{r:.2f}×" for r in ratios))
    print(f"RESULT bytes_per_s_160x48={wide:.0f} bytes_per_s_80x24={narrow:.0f} ssh_bytes_per_s_160x48={ssh:.0f}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
