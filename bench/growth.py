"""How the engine's epochs per second grow with the data and the network: a table for README.

Circles of 1k, 10k, 100k and 1M samples (80/20), two hidden layers of width 10, 128 and 1024, SGD, full
batch and batch 256, on each device asked for (CUDA beside CPU where there is a GPU). A cell trains about
`--budget` seconds (at least one epoch); a cell whose memory the engine refuses says so.

`.venv/bin/python bench/growth.py [--devices cpu,cuda] [--budget 2]`
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Settings, TrainingSession  # noqa: E402
from engine.errors import ResourceError  # noqa: E402

SAMPLES = (1_000, 10_000, 100_000, 1_000_000)
WIDTHS = (10, 128, 1024)
BATCHES = (0, 256)


def epochs_per_second(samples: int, width: int, batch: int, device: str, budget: float) -> str:
    settings = Settings(dataset="circles", samples=samples, test_size=0.2, hidden=[width, width],
                        optimizer="sgd", lr=0.1, batch_size=batch, epochs=1, device=device)
    try:
        session = TrainingSession(settings)
    except ResourceError:
        return "memory"
    started = time.perf_counter()
    session.run()  # the first epoch pays for allocations; a slow cell is measured by it alone
    first = time.perf_counter() - started
    more = int(min(1000, budget / first))
    if more < 2:
        return _format(1 / first)
    session.change(epochs=1 + more)
    started = time.perf_counter()
    session.run()
    return _format(more / (time.perf_counter() - started))


def _format(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.2g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default="cpu", help="comma-separated: cpu, cuda")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of training per cell")
    args = parser.parse_args()
    devices = args.devices.split(",")
    columns = [(device, width, batch) for device in devices for batch in BATCHES for width in WIDTHS]
    header = ["samples"] + [f"{d} w{w} {'full' if b == 0 else f'b{b}'}" for d, w, b in columns]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for samples in SAMPLES:
        cells = [epochs_per_second(samples, w, b, d, args.budget) for d, w, b in columns]
        print(f"| {samples:,} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
