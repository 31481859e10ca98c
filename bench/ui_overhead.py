"""What the app costs the training it shows.

Prints, from one process:
- training throughput inside the running app over headless throughput of the same settings, medians of
  interleaved repeats (target ≥ 0.8), with the training view on screen (live curves and map) and with the
  network view (every unit's picture, live) on screen. The app is `annclf-tui` itself in a 120×40
  pseudo-terminal (pty_app.py), so what it writes to its terminal is made, written and counted, as a
  person's terminal receives it: from F5 to the run kept (its summary.json written), the bytes read the
  while;
- the median time to the first frame of `annclf-tui` on a pseudo-terminal (target ≤ 1.0 s);
- the median time of one decision-map update for a 120×40-cell map: the model's forward pass over the
  grid plus building the widget's lines (target ≤ 20 ms);
- the median time from ctrl+q, pressed while a small model trains, to the end of the process, the run
  kept on the way (target < 0.5 s).

`.venv/bin/python bench/ui_overhead.py [repeats]`
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyte  # noqa: E402
from first_frame import median_first_frame  # noqa: E402
from pty_app import APP, read, read_until, scratch_dir, spawn, wait_for_end  # noqa: E402
from quit_time import median_quit_time  # noqa: E402

from engine import Settings  # noqa: E402

SETTINGS = Settings(dataset="moons", hidden=[16, 16, 16], epochs=20000, device="cpu")
FLAGS = ["--dataset", "moons", "--hidden", "16,16,16", "--epochs", "20000", "--device", "cpu"]  # the same
SIZE = (120, 40)
F5 = b"\x1b[15~"


def headless_rate() -> float:
    from engine.training.session import TrainingSession

    session = TrainingSession(SETTINGS)
    started = time.perf_counter()
    session.run()
    return SETTINGS.epochs / (time.perf_counter() - started)


def in_app_rate(view: str = "training") -> tuple[float, float]:
    """(epochs a second, bytes written to the terminal a second) of one run trained in the app, from F5 to the
    run kept, with `view` on screen."""
    data = scratch_dir()  # the run it keeps is not the user's
    pid, fd = spawn([APP, *FLAGS], *SIZE, XDG_DATA_HOME=data)
    kept = Path(data, "annclf-tui", "runs")
    written = []
    try:
        written.append(read_until(fd, b"ready", 120))  # PyTorch loaded, the data and network built
        if view == "network":
            os.write(fd, b"w")
            written.append(read_until(fd, b"outgoing", 20))  # the network view's first pictures
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:  # what the first frames still had to say
            written.append(read(fd, 0.05))
        os.write(fd, F5)
        started, chunks = time.perf_counter(), []
        while not any(kept.glob("*/summary.json")):  # read as a terminal does, or the app blocks writing
            chunks.append(read(fd, 0.01))
            if time.perf_counter() - started > 600:
                raise RuntimeError("the run did not end within 600 s")
        seconds = time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for_end(pid, fd)
        os.close(fd)
    # afterwards (its cost is not the app's): the screen as a terminal shows it was drawn while it trained
    screen = pyte.Screen(*SIZE)
    pyte.ByteStream(screen).feed(b"".join(written + chunks))
    shown = "\n".join(screen.display)
    epochs = [int(n.replace(",", "")) for n in re.findall(rf"epoch ([\d,]+)|([\d,]+)/{SETTINGS.epochs:,}", shown)
              for n in n if n]
    if not epochs or max(epochs) == 0:
        raise RuntimeError(f"the {view} view showed no epoch trained:\n{shown}")
    return SETTINGS.epochs / seconds, sum(map(len, chunks)) / seconds


def map_update_ms(repeats: int = 30) -> float:
    """Forward pass over a 120×80-pixel grid and the lines of a 120×40-cell map, as the app does them."""
    from engine.decision_map import data_box
    from engine.training.session import MapRequest, TrainingSession
    from tui.app.drawing.map_cells import Palette
    from tui.app.widgets.decision_map import MapData, build_lines

    session = TrainingSession(SETTINGS.replace(epochs=200))
    session.run()
    request = MapRequest(data_box(session.split), 120, 80)
    palette = Palette(dark=True)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        grid = session.decision_grid(request)
        split = session.split
        data = MapData(box=grid.box, probabilities=grid.probabilities, X_train=split.X_train,
                       y_train=split.y_train, X_test=split.X_test, y_test=split.y_test,
                       train_correct=grid.train_correct, test_correct=grid.test_correct,
                       target=split.dataset.target, class_names=tuple(session.class_names))
        build_lines(data, 120, 40, palette, ascii_only=False, show_target=False)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main(repeats: int) -> None:
    headless, inside, network, inside_bytes, network_bytes = [], [], [], [], []
    for _ in range(repeats):  # interleaved, so a slow spell of the machine hits all three
        headless.append(headless_rate())
        rate, written = in_app_rate()
        inside.append(rate)
        inside_bytes.append(written)
        rate, written = in_app_rate("network")
        network.append(rate)
        network_bytes.append(written)
    ratio = statistics.median(inside) / statistics.median(headless)
    network_ratio = statistics.median(network) / statistics.median(headless)
    for name, rates in (("headless", headless), ("in the app", inside), ("network view", network)):
        print(f"{name:13} {statistics.median(rates):8,.0f} epochs/s   ({', '.join(f'{r:,.0f}' for r in rates)})")
    for name, values in (("in the app", inside_bytes), ("network view", network_bytes)):
        print(f"{name:13} {statistics.median(values) / 1000:8.1f} KB/s written to the terminal while it trains")
    frame, frames = median_first_frame(repeats)
    print(f"first frame {frame:.3f} s  ({', '.join(f'{t:.3f}' for t in frames)})")
    map_ms = map_update_ms()
    print(f"map update  {map_ms:.1f} ms (120×40 cells)")
    quit_s, quits = median_quit_time(repeats)
    print(f"quit while training {quit_s:.3f} s  ({', '.join(f'{t:.3f}' for t in quits)})")
    print(f"RESULT in_app_vs_headless={ratio:.2f} network_view_vs_headless={network_ratio:.2f} first_frame_s={frame:.2f} map_update_ms={map_ms:.1f} "
          f"quit_s={quit_s:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
