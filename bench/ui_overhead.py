"""What the app costs the training it shows.

Prints, from one process:
- training throughput inside the running app (120×40 terminal, live curves and map) over headless
  throughput of the same settings, medians of interleaved repeats (target ≥ 0.8), with the training view
  on screen and with the network view (every unit's picture, live) on screen;
- the median time to the first frame of `annclf-tui` on a pseudo-terminal (target ≤ 1.0 s);
- the median time of one decision-map update for a 120×40-cell map: the model's forward pass over the
  grid plus building the widget's lines (target ≤ 20 ms);
- the median time from ctrl+q, pressed while a small model trains, to the end of the process, the run
  kept on the way (target < 0.5 s).

`.venv/bin/python bench/ui_overhead.py [repeats]`
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from first_frame import median_first_frame  # noqa: E402
from quit_time import median_quit_time  # noqa: E402

from engine import Settings  # noqa: E402

SETTINGS = Settings(dataset="moons", hidden=[16, 16, 16], epochs=20000, device="cpu")
SIZE = (120, 40)


def headless_rate() -> float:
    from engine.training.session import TrainingSession

    session = TrainingSession(SETTINGS)
    started = time.perf_counter()
    session.run()
    return SETTINGS.epochs / (time.perf_counter() - started)


async def _until(condition, limit: float = 120) -> None:
    # asyncio.sleep, not pilot.pause: the Pilot's own waiting posts a message to every widget
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the app never got there")
        await asyncio.sleep(0.01)


async def _in_app_rate(view: str) -> float:
    from tui.app.app import AnnclfApp

    app = AnnclfApp(SETTINGS, runs_dir=tempfile.mkdtemp(prefix="annclf-bench-"))  # not the user's runs
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: app.runner.session is not None and app.training.map.data is not None)
        if view == "network":
            network = app.query_one("#network-view")
            await pilot.press("w")
            await _until(lambda: network.picture is not None)
        started = time.perf_counter()
        await pilot.press("f5")
        await _until(lambda: app.runner.session.history.epoch >= SETTINGS.epochs)
        rate = SETTINGS.epochs / (time.perf_counter() - started)
        await _until(lambda: app.runner.training is None)  # the run is then kept (saved): not training time
        await _until(lambda: len(app.training.curves.records) == SETTINGS.epochs, 5)  # the last tick's
        if view == "network":
            assert network.epoch > 0  # it was drawn while it trained
    return rate


def in_app_rate(view: str = "training") -> float:
    return asyncio.run(_in_app_rate(view))


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
    headless, inside, network = [], [], []
    for _ in range(repeats):  # interleaved, so a slow spell of the machine hits all three
        headless.append(headless_rate())
        inside.append(in_app_rate())
        network.append(in_app_rate("network"))
    ratio = statistics.median(inside) / statistics.median(headless)
    network_ratio = statistics.median(network) / statistics.median(headless)
    for name, rates in (("headless", headless), ("in the app", inside), ("network view", network)):
        print(f"{name:13} {statistics.median(rates):8,.0f} epochs/s   ({', '.join(f'{r:,.0f}' for r in rates)})")
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
