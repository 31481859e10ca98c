"""A large run in the app, as a person meets it: circles 1,000,000 rows, 64,64, full batch and batch 1024.

For each batch size, `annclf-tui` runs in a pseudo-terminal of 100×32:
  keys      while it trains, F1 (help), Escape, `r` (report), `w` (network), `v` (training), several times
            each: seconds from the key to the first bytes of what it brings on the screen;
  quit      ctrl+q while it trains: seconds to the end of the process, the run kept;
  app       F5 on a run of a few epochs: seconds from the key to "completed", over the epochs;
and in this process, on the same settings and data:
  headless  TrainingSession.run() of the same epochs, then its report and its run kept, as the app does
            before it says "completed" (the engine without the app): seconds an epoch;
  plain     a plain PyTorch loop as a careful person writes it (nn.Sequential, autograd, torch.optim.Adam,
            BCE with logits, the training rows in one batch or in shuffled slices of 1024, the test set passed
            after each epoch, loss and accuracy of both kept on the device and read once an epoch), at one
            thread and at the machine's, the faster kept.
`--busy` keeps one core busy with another process the whole time (the goals hold under it too).

`.venv/bin/python bench/large_run.py [--repeats 3] [--epochs 4] [--busy] [--batch 0 1024]`
Last line: RESULT key_p95_s=<worst of all key times> quit_s=<worst quit> app_vs_headless=<lower of the two
batch sizes> headless_vs_plain=<lower of the two> (the ratios: epochs a second over epochs a second)
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pty_app import APP, check_one_kept, quit_timed, read, read_until, scratch_dir, spawn, wait_for_end  # noqa: E402

import torch  # noqa: E402

from engine import Settings, TrainingSession  # noqa: E402
from engine.runs import RunStore  # noqa: E402
from engine.training import threads  # noqa: E402

F1, F5, ESCAPE, CTRL_Q = b"\x1bOP", b"\x1b[15~", b"\x1b", b"\x11"
COLUMNS, ROWS = 100, 32
# each key, and what it brings on the screen (one of them)
KEYS = [("F1", F1, (b"Escape or F1 closes",)), ("Escape", ESCAPE, (b"decision map",)),
        ("r", b"r", (b"The model at epoch", b"to see its report")),
        ("w", b"w", (b"parameters", b"Drawing the network")), ("v", b"v", (b"decision map",))]


def settings(batch: int, epochs: int) -> Settings:
    return Settings(dataset="circles", samples=1_000_000, hidden=[64, 64], batch_size=batch, epochs=epochs,
                    device="cpu")


def command(batch: int, epochs: int) -> list[str]:
    return [APP, "--dataset", "circles", "--samples", "1000000", "--hidden", "64,64", "--batch-size", str(batch),
            "--epochs", str(epochs), "--device", "cpu"]


def started(batch: int, epochs: int) -> tuple[int, int, str]:
    """(pid, terminal, runs folder) of the app, its data made, a run begun."""
    data = scratch_dir()
    pid, fd = spawn(command(batch, epochs), COLUMNS, ROWS, XDG_DATA_HOME=data)
    read_until(fd, b"ready", 120)
    os.write(fd, F5)
    read_until(fd, b"running", 30)
    return pid, fd, data


def drain(fd: int, seconds: float) -> None:
    """Read what the app writes for `seconds` (the screen settles between two presses)."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        read(fd, 0.02)


def answered(fd: int, key: bytes, signs: tuple[bytes, ...], limit: float = 30.0) -> float:
    """Seconds from `key` to the first of `signs` on the screen."""
    began = time.perf_counter()
    os.write(fd, key)
    seen = b""
    while time.perf_counter() - began < limit:
        seen += read(fd, 0.005)
        if any(sign in seen for sign in signs):
            return time.perf_counter() - began
    raise RuntimeError(f"no answer to {key!r} within {limit} s; the app wrote {seen[-300:]!r}")


def keys_and_quit(batch: int, repeats: int) -> tuple[dict[str, list[float]], float]:
    pid, fd, data = started(batch, 10_000_000)
    try:
        drain(fd, 3.0)  # a few epochs in: the views have something to show
        times: dict[str, list[float]] = {name: [] for name, _, _ in KEYS}
        for _ in range(repeats):
            for name, key, signs in KEYS:
                times[name].append(answered(fd, key, signs))
                drain(fd, 0.6)
        quit_s = quit_timed(pid, fd)
    finally:
        os.close(fd)
    check_one_kept(data)
    return times, quit_s


def app_seconds_an_epoch(batch: int, epochs: int) -> float:
    data = scratch_dir()
    pid, fd = spawn(command(batch, epochs), COLUMNS, ROWS, XDG_DATA_HOME=data)
    try:
        read_until(fd, b"ready", 120)
        began = time.perf_counter()
        os.write(fd, F5)
        read_until(fd, b"completed", 600)
        seconds = time.perf_counter() - began
        os.write(fd, CTRL_Q)
        wait_for_end(pid, fd)
    finally:
        os.close(fd)
    return seconds / epochs


def headless_seconds_an_epoch(batch: int, epochs: int) -> float:
    """As the app's, from the start of the run to the run kept: its epochs, its final report, its folder."""
    session = TrainingSession(settings(batch, epochs))
    store = RunStore(scratch_dir())
    began = time.perf_counter()
    session.run()
    store.keep(session, session.evaluate())
    return (time.perf_counter() - began) / epochs


def plain_seconds_an_epoch(batch: int, epochs: int) -> tuple[float, int]:
    """The plain loop's seconds an epoch at its faster thread count, and that count."""
    session = TrainingSession(settings(batch, epochs))  # the same data, split and scaling
    X, y = session.X_train, session.y_train.float()
    X_test, y_test = session.X_test, session.y_test.float()
    timings = {}
    for count in sorted({1, threads.MACHINE}):
        torch.set_num_threads(count)
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                                    torch.nn.ReLU(), torch.nn.Linear(64, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        loss_of = torch.nn.BCEWithLogitsLoss(reduction="sum")
        began = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(len(y)) if batch else None
            totals = torch.zeros(4)
            for start in range(0, len(y), batch or len(y)):
                rows = order[start:start + batch] if batch else slice(None)
                xb, yb = X[rows], y[rows]
                optimizer.zero_grad()
                out = model(xb).squeeze(1)
                loss = loss_of(out, yb)
                (loss / len(yb)).backward()
                optimizer.step()
                totals[0] += loss.detach()
                totals[1] += ((out.detach() > 0).float() == yb).sum()
            with torch.no_grad():
                out = model(X_test).squeeze(1)
                totals[2] += loss_of(out, y_test)
                totals[3] += ((out > 0).float() == y_test).sum()
            totals.tolist()  # the epoch's one read
        timings[count] = (time.perf_counter() - began) / epochs
    best = min(timings, key=timings.get)
    return timings[best], best


def busy() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3, help="presses of each key")
    parser.add_argument("--epochs", type=int, default=8, help="epochs of the throughput runs")
    parser.add_argument("--busy", action="store_true", help="keep one core busy with another process")
    parser.add_argument("--batch", type=int, nargs="+", default=[0, 1024])
    args = parser.parse_args()
    spinner = multiprocessing.Process(target=busy, daemon=True) if args.busy else None
    if spinner is not None:
        spinner.start()
    keys_all, quits, app_ratios, plain_ratios = [], [], [], []
    try:
        for batch in args.batch:
            label = "full batch" if batch == 0 else f"batch {batch}"
            times, quit_s = keys_and_quit(batch, args.repeats)
            for name, each in times.items():
                print(f"{label}: {name:6} median {statistics.median(each):.3f} s, worst {max(each):.3f} s "
                      f"({', '.join(f'{t:.3f}' for t in each)})", flush=True)
                keys_all += each
            print(f"{label}: quit {quit_s:.3f} s (the run kept)", flush=True)
            quits.append(quit_s)
            app = app_seconds_an_epoch(batch, args.epochs)
            with threads.kept():
                headless = headless_seconds_an_epoch(batch, args.epochs)
                plain, plain_threads = plain_seconds_an_epoch(batch, args.epochs)
            print(f"{label}: s an epoch: app {app:.3f}, headless {headless:.3f}, plain {plain:.3f} "
                  f"(on {plain_threads} thread{'s' if plain_threads > 1 else ''})", flush=True)
            app_ratios.append(headless / app)
            plain_ratios.append(plain / headless)
    finally:
        if spinner is not None:
            spinner.terminate()
    keys_all.sort()
    p95 = keys_all[min(len(keys_all) - 1, int(round(0.95 * (len(keys_all) - 1))))]
    print(f"RESULT key_p95_s={p95:.3f} key_worst_s={keys_all[-1]:.3f} quit_s={max(quits):.3f} "
          f"app_vs_headless={min(app_ratios):.2f} headless_vs_plain={min(plain_ratios):.2f}")


if __name__ == "__main__":
    main()
