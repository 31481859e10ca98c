"""glibc's allocator told to keep what is freed for the next block, as its own tuning ends up doing.

glibc serves a block of 128 KiB or more with a mapping of its own, unmapped when the block is freed; it raises
that threshold (to 32 MiB, and the heap's trim threshold to twice it) when it sees such a block freed. Two
common workloads never let it:
- pandas' CSV parser grows its buffers by realloc and shrinks them to a page before freeing them, so glibc
  sees only small blocks freed. Every chunk a parser reads maps, faults in and unmaps its buffers again:
  reading a 100 MB file in chunks made 150,000 page faults and, in a process of several threads, a TLB
  shootdown per unmap; its parsing cost 1.7 times pandas' own read of the file, and 1.2 times with the
  thresholds set (0.9 times with chunks of a few megabytes, whose buffers fit below them).
- Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which hands freed memory back at once:
  the thousands of small tensors of a training step then cost 2.4 times as much (a group of 8 models: 0.92 s
  against 0.38 s). Setting the trim threshold alone stops glibc's own tuning (0.67 s): both are set.

`roomy()` sets both thresholds where glibc's tuning ends, once a process (set by hand, they stay: mallopt cannot
give glibc its tuning back, and its fixed defaults would slow training as Dask's setting does); `hand_back()`
returns the free memory of every arena to the system after a large read, so that the process is no larger for
having kept it.
Where the C library is not glibc both do nothing: there is no such threshold to set."""

from __future__ import annotations

import ctypes
import threading

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # where glibc's own tuning stops raising it (DEFAULT_MMAP_THRESHOLD_MAX on 64 bits)
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # as glibc sets it when it raises the other

_done: list[bool] = []


def _libc():
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols (Windows has no such handle: a TypeError there)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except (OSError, TypeError):
        return None


def roomy() -> bool:
    """Freed blocks below 32 MiB kept for the next, the heap trimmed past 64 MiB free: once a process. False
    where there is no glibc."""
    if _done:
        return _done[0]
    libc = _libc()
    _done.append(bool(libc) and bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
                 and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)))
    return _done[0]


def hand_back() -> threading.Thread | None:
    """What every arena holds free is returned to the system (after a read that freed much at once), by a
    thread of its own: glibc walks every free block (5 ms after reading a 100 MB file), and ctypes lets go of
    the interpreter's lock while it does, so the caller goes on. The thread, or None where there is no glibc."""
    libc = _libc()
    if libc is None:
        return None
    trimming = threading.Thread(target=libc.malloc_trim, args=(0,), name="malloc_trim", daemon=True)
    trimming.start()
    return trimming
