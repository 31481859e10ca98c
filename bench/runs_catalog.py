"""The runs catalog with 10,000 kept runs: how long the listing takes, headless and in the app.

Makes 10,000 run folders in a temporary runs directory, each as the store writes them (summary.json, run.json
with a 50-epoch history, checkpoint.pt), copied from one real run with its own id, name, settings, metrics
and time (a tenth of them tagged with one of ten sweeps); then lists them once through the store, which
indexes them (the first open of a runs directory kept by an earlier version), and measures, medians of a
few repeats:
- `annclf-tui runs`, end to end, as a subprocess (target ≤ 0.5 s);
- the app's runs view opening: `u` pressed (from the training view), until the table lists the 10,000 runs
  of the listing it asked for and has drawn them (target ≤ 0.5 s).

`.venv/bin/python bench/runs_catalog.py [repeats] [--runs N]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import Settings  # noqa: E402
from engine.run_summary import CHECKPOINT_FILE, RUN_FILE, SUMMARY_FILE, RunSummary  # noqa: E402
from engine.runs import RunStore  # noqa: E402

DATASETS = ("circles", "moons", "blobs", "spiral", "xor")
HIDDEN = ([8], [16, 16], [32, 32, 32], [64], [])
LRS = (0.001, 0.003, 0.01, 0.03, 0.1)
SIZE = (120, 40)


def make_runs(root: Path, count: int) -> None:
    """`count` run folders in `root`, copied from one real run kept there by the store (then removed)."""
    from engine.training.session import TrainingSession

    template_store = RunStore(root / ".template")
    session = TrainingSession(Settings(dataset="circles", samples=300, hidden=[8], epochs=50, device="cpu"))
    session.run()
    kept = template_store.keep(session)
    folder = template_store.root / kept.id
    run = json.loads((folder / RUN_FILE).read_text())
    began = time.time() - count * 60
    for i in range(count):
        dataset, hidden, lr = DATASETS[i % 5], HIDDEN[i // 5 % 5], LRS[i // 25 % 5]
        run_id = f"20260101-{i:06d}-{dataset}-{i % 65536:04x}"
        shape = ",".join(map(str, hidden)) or "none"
        name = f"{dataset} {shape} relu adam lr {lr:g}" + (f" #{i // 125 + 1}" if i >= 125 else "")
        sweep = (f"sweep-{i // 1000}", f"lr × seeds {i // 1000}") if i % 10 == 0 else (None, None)
        accuracy = 0.5 + (i * 7919 % 500) / 1000
        settings = {**run["settings"], "dataset": dataset, "hidden": hidden, "lr": lr}
        final = {**run["final"], "test": {**run["final"]["test"], "accuracy": accuracy}}
        copy = {**run, "id": run_id, "name": name, "created": began + i * 60, "updated": began + i * 60 + 5,
                "settings": settings, "final": final, "sweep_id": sweep[0], "sweep_name": sweep[1],
                "stopped": "stopped" if i % 17 == 0 else "completed"}
        place = root / run_id
        place.mkdir()
        (place / RUN_FILE).write_text(json.dumps(copy, separators=(",", ":")))
        (place / SUMMARY_FILE).write_text(json.dumps(RunSummary.from_run(copy).as_dict(), indent=1))
        shutil.copyfile(folder / CHECKPOINT_FILE, place / CHECKPOINT_FILE)
    shutil.rmtree(template_store.root)


def cli_seconds(root: Path, count: int) -> float:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tui", "runs", "--runs-dir", str(root)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    if len(out.stdout.splitlines()) != count + 1:  # the header, a line a run
        raise RuntimeError(f"annclf-tui runs listed {len(out.stdout.splitlines()) - 1} runs, not {count}")
    return elapsed


async def _until(condition, limit: float = 120) -> None:
    # asyncio.sleep, not pilot.pause: the Pilot's own waiting posts a message to every widget
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the app never got there")
        await asyncio.sleep(0.005)


async def _view_seconds(root: Path, count: int, repeats: int) -> list[float]:
    from tui.app.app import AnnclfApp

    app = AnnclfApp(Settings(dataset="circles", samples=300, hidden=[8], epochs=20, device="cpu"), runs_dir=root)
    times = []
    async with app.run_test(size=SIZE) as pilot:
        table = app.runs_view.table
        await _until(lambda: app.runner.session is not None and len(table.runs) == count)  # listed at start
        shows = []
        show = table.show
        table.show = lambda *a, **k: (show(*a, **k), shows.append(time.perf_counter()))  # noqa: B023
        for _ in range(repeats):
            await pilot.press("v")
            await pilot.pause()
            before = len(shows)
            started = time.perf_counter()
            # the key in a task of its own: the Pilot's waiting for the whole app to be idle is not timed
            press = asyncio.create_task(pilot.press("u"))
            # listed anew, and drawn: the table makes the text of the rows it draws
            await _until(lambda: len(shows) > before and table.row_count == count and table._lines)  # noqa: B023
            times.append(time.perf_counter() - started)
            await press
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repeats", nargs="?", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="annclf-bench-runs-"))  # not the user's runs
    try:
        started = time.perf_counter()
        make_runs(root, args.runs)
        made = time.perf_counter() - started
        started = time.perf_counter()
        runs, damaged = RunStore(root).summaries()
        indexed = time.perf_counter() - started
        assert len(runs) == args.runs and not damaged, (len(runs), damaged[:3])
        print(f"made {args.runs:,} runs in {made:.1f} s ({sum(f.stat().st_size for f in root.rglob('*') if f.is_file()) / 1e6:.0f} MB); "
              f"indexed on first open in {indexed:.2f} s")
        started = time.perf_counter()
        RunStore(root).summaries()
        print(f"RunStore.summaries() from the index {time.perf_counter() - started:.3f} s")
        cli = [cli_seconds(root, args.runs) for _ in range(args.repeats)]
        view = asyncio.run(_view_seconds(root, args.runs, args.repeats))
        cli_s, view_s = statistics.median(cli), statistics.median(view)
        print(f"annclf-tui runs   {cli_s:.3f} s  ({', '.join(f'{t:.3f}' for t in cli)})")
        print(f"runs view opening {view_s:.3f} s  ({', '.join(f'{t:.3f}' for t in view)})")
        print(f"RESULT runs_cli_s={cli_s:.2f} runs_view_s={view_s:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
