"""Seconds from starting `annclf-tui` to its first frame, and to "ready", on a real (pseudo-)terminal,
beside the seconds of a bare `python -c "import torch"`.

"Ready" is the status line's word once PyTorch is loaded and the default settings' data and network are
built: what a person waits for before F5 can train. The app imports PyTorch after its first frame, so
ready can never come before torch's own import; the ratio says what the app adds to it.

Each repeat starts the app in a 120×40 pseudo-terminal (its runs in a fresh data directory), reads the
screen as a terminal shows it (pyte) until the status line says "ready", then times `import torch` in a
fresh interpreter, and `import torch, sklearn.datasets, sklearn.model_selection` (what the first
session imported while the default circles were scikit-learn's): interleaved, so that a slow spell of the
machine hits all.
Prints each measurement, the medians and `RESULT first_frame_s=… ready_s=… import_torch_s=…
ready_vs_import_torch=… import_torch_sklearn_s=…` (target: ready_vs_import_torch ≤ 1.3).

`.venv/bin/python bench/first_frame.py [repeats]`
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time

import pyte
from pty_app import APP, median_of, read, read_until, scratch_dir, spawn, wait_for_end

SIGN_OF_A_FRAME = b"decision map"  # the map's title: written once the screen is composed and drawn
READY = re.compile(r"\bready\b")  # the status line's state once the data and network are built


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


def time_to_ready(command: tuple[str, ...] = (APP,), columns: int = 120, rows: int = 40,
                  limit: float = 120.0) -> tuple[float, float]:
    """(seconds to the first frame, seconds until the screen says "ready") of one start of the app."""
    screen = pyte.Screen(columns, rows)  # fed from the start: a frame may send only what changed
    stream = pyte.ByteStream(screen)
    seen = b""
    frame = None
    started = time.perf_counter()
    pid, fd = spawn(list(command), columns, rows, XDG_DATA_HOME=scratch_dir())
    try:
        while True:
            now = time.perf_counter()
            if now - started > limit:
                raise RuntimeError(f"not ready within {limit} s; the screen shows:\n" + "\n".join(screen.display))
            chunk = read(fd, 0.01)
            if not chunk:
                continue
            now = time.perf_counter()  # when the bytes came, before pyte's time to take them in
            if frame is None:
                seen += chunk
                if SIGN_OF_A_FRAME in seen:
                    frame = now - started
            stream.feed(chunk)
            if frame is not None and READY.search("\n".join(screen.display)):
                return frame, now - started
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for_end(pid, fd)
        os.close(fd)


def time_import(modules: str = "torch") -> float:
    """Seconds of `python -c "import <modules>"` in a fresh interpreter, its start included (as the app's is)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {modules}"], check=True)
    return time.perf_counter() - started


# what the default dataset (circles: scikit-learn's make_circles, then train_test_split) adds to torch
WITH_SKLEARN = "torch, sklearn.datasets, sklearn.model_selection"


def main(repeats: int) -> None:
    times: dict[str, list[float]] = {"first frame": [], "ready": [], "import torch": [], "+ sklearn": []}
    for i in range(repeats):  # interleaved, each first in half the rounds: the page cache favours the second
        if i % 2:
            times["import torch"].append(time_import())
            times["+ sklearn"].append(time_import(WITH_SKLEARN))
        frame, ready = time_to_ready()
        times["first frame"].append(frame)
        times["ready"].append(ready)
        if not i % 2:
            times["import torch"].append(time_import())
            times["+ sklearn"].append(time_import(WITH_SKLEARN))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:13} median {medians[name]:.3f} s   ({', '.join(f'{t:.3f}' for t in values)})")
    print(f"(+ sklearn: python -c \"import {WITH_SKLEARN}\", what the first session imported before circles and moons were drawn without scikit-learn)")
    ratio = medians["ready"] / medians["import torch"]
    print(f"RESULT first_frame_s={medians['first frame']:.2f} ready_s={medians['ready']:.2f} "
          f"import_torch_s={medians['import torch']:.2f} ready_vs_import_torch={ratio:.2f} "
          f"import_torch_sklearn_s={medians['+ sklearn']:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
