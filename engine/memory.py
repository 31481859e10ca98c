"""A memory estimate for a run, checked before anything is allocated."""

from __future__ import annotations

import os

from .errors import ResourceError
from .model import parameter_count

_FLOAT = 4
_HEADROOM = 0.85  # leave room for the interpreter, torch itself and the decision map


def estimate_bytes(rows: int, inputs: int, classes: int, hidden: list[int], batch_size: int,
                   test_size: float) -> int:
    train_rows = max(1, int(rows * (1 - test_size)))
    test_rows = max(1, rows - train_rows)
    batch = train_rows if batch_size in (0, None) or batch_size > train_rows else batch_size
    params = parameter_count(inputs, classes, hidden)
    widest = max([inputs, classes, *hidden])
    # forward keeps pre- and post-activation and a dropout mask per layer; backward adds a gradient each
    training = batch * (sum(hidden) * 4 + classes * 2)
    evaluation = max(train_rows, test_rows) * widest * 2
    data = rows * (inputs + 1) * 4  # numpy copy, device copy, its transpose, the epoch's shuffled copy
    state = params * 7  # weights, gradients, two optimiser moments and a scratch, best and last-finite copies
    return _FLOAT * (training + max(evaluation - training, 0) + data + state)


def available_bytes(device) -> int | None:
    """Free memory on the device, or None when it cannot be told."""
    if getattr(device, "type", device) == "cuda":
        import torch

        return torch.cuda.mem_get_info(device)[0]
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**27 else f"{n / 2**20:.0f} MiB"


def check_memory(estimate: int, device, what: str) -> None:
    free = available_bytes(device)
    if free is not None and estimate > free * _HEADROOM:
        raise ResourceError("memory", f"{what} needs about {gib(estimate)}, more than the {gib(free)} "
                                      f"free on {getattr(device, 'type', device)}: use mini-batches "
                                      "(batch_size), fewer samples or narrower hidden layers")


def size_text(n: int) -> str:
    """A file's size as people read it: 812 bytes, 21 KiB, 104 MiB, 1.2 GiB."""
    if n < 2**10:
        return f"{n} bytes"
    return f"{n / 2**10:.0f} KiB" if n < 2**20 else gib(n)


def csv_bytes(size: int, line_bytes: int, columns: int) -> tuple[int, int]:
    """(bytes, rows): the memory reading a CSV file of `size` bytes takes, estimated before it is read from
    its first lines (`line_bytes` a line, `columns` cells each): every cell a float64 as read, half as much
    again for what encoding adds (a text's codes, a one-hot column, an imputed copy), each row its label and
    class, and the chunk being parsed (half the file, 4M cells at most). bench/csv_load.py measures it."""
    rows = max(1, size // max(1, line_bytes))
    chunk_rows = min(rows // 2 + 1, max(1_000, 4_000_000 // max(1, columns)))
    return rows * (columns * 12 + 16) + chunk_rows * columns * 16, rows


def check_csv_memory(path: str, size: int, line_bytes: int, columns: int) -> None:
    """ResourceError naming the file, before it is read, if reading it would not fit in the free memory."""
    estimate, rows = csv_bytes(size, line_bytes, columns)
    free = available_bytes("cpu")
    if free is not None and estimate > free * _HEADROOM:
        raise ResourceError(path, f"reading it needs about {size_text(estimate)} (some {rows:,} rows of {columns} "
                                  f"columns, estimated from its {size_text(size)}), more than the {size_text(free)} "
                                  "free: use "
                                  "a sample of its rows, or leave columns out with exclude")


def check_run_memory(s, rows: int, inputs: int, classes: int) -> None:
    """ResourceError, before anything is allocated, if the resolved settings `s` would not fit."""
    from .device import resolve_device

    device, _ = resolve_device(s.device)
    estimate = estimate_bytes(rows, inputs, classes, s.hidden, s.batch_size, s.test_size)
    hidden = ",".join(map(str, s.hidden)) or "none"
    batch = f"batch {s.batch_size:,}" if s.batch_size else "full batch"
    check_memory(estimate, device, f"hidden {hidden} on {rows:,} samples ({batch})")
