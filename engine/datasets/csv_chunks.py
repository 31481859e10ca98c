"""A CSV file's data rows as pandas DataFrames of a bounded size, in order, parsed on every core.

pandas.read_csv of a whole file parses byte ranges of it in threads (its C parser lets go of the GIL),
but asked for chunks, which keep the memory near the file's own size, it parses them one after another
on one core: twice as slow on two cores. Here the data rows are cut into byte ranges at line ends, each
range parsed by read_csv in a thread, a few ranges in flight at once, and what each gave handed out in the
file's order.

`Unsplit` says that a range could not be parsed as it stands: it holds a quote character (a quoted cell may
hold a line break, and a cut there would split a row), or a row of more fields, say. The caller reads the
file again with pandas' own chunked reader, whose error names the file's line. Quotes are looked for in each
range as it is parsed, not in the whole file first (a pass over the file that cost a tenth of its reading).
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator


AHEAD = 2  # ranges handed to each thread at once
KEPT_PER_THREAD = 8 << 20  # bytes of the file a parsing thread at the least: what its heap keeps is about that


class Unsplit(Exception):
    """A range of the file could not be parsed alone."""


def data_start(path: str, skip: int) -> int:
    """The byte offset of the first data row: after `skip` blank lines and the header line."""
    with open(path, "rb") as handle:
        for _ in range(skip + 1):
            handle.readline()
        return handle.tell()


def ranges(path: str, start: int, count: int) -> list[tuple[int, int]]:
    """About `count` byte ranges of the data rows, each ending at a line end (none split between two)."""
    size = os.path.getsize(path)
    cuts = [start]
    with open(path, "rb") as handle:
        for k in range(1, count):
            handle.seek(start + (size - start) * k // count)
            handle.readline()  # to the end of the line the cut fell in
            at = handle.tell()
            if cuts[-1] < at < size:
                cuts.append(at)
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def frames(path: str, skip: int, rows_guess: int, chunk_rows: int, read, workers: int | None = None) -> Iterator:
    """What `read(source)` gives of each range of about `chunk_rows` data rows (a bytes stream, parsed as
    read_csv does the file), in order. Unsplit when a range cannot be parsed alone."""
    start = data_start(path, skip)
    parts = ranges(path, start, max(1, -(-rows_guess // max(chunk_rows, 1))))
    # a thread's heap keeps what its parsers freed for the next (engine.heap): a thread for each KEPT_PER_THREAD
    # of the file at the most, and for a quarter of its ranges (a 1M-row file of 20 MB peaked at 2.4 times its
    # size with two threads, 3.1 with four)
    data = parts[-1][1] - start if parts else 0  # the ranges end at the file's end
    workers = workers or max(1, min(4, os.cpu_count() or 1, len(parts) // 4, data // KEPT_PER_THREAD))
    return _parsed(path, parts, read, workers)


def _parsed(path: str, parts: list[tuple[int, int]], read, workers: int) -> Iterator:
    def parse(part: tuple[int, int]):
        with open(path, "rb") as handle:
            handle.seek(part[0])
            data = handle.read(part[1] - part[0])
        if b'"' in data:
            raise Unsplit("a quote character")
        return read(io.BytesIO(data))

    ahead = AHEAD * workers  # ranges handed to the threads: each has the next to parse while the reader copies
    with ThreadPoolExecutor(workers) as pool:
        pending = [pool.submit(parse, part) for part in parts[:ahead]]
        following = iter(parts[ahead:])
        while pending:
            try:
                frame = pending.pop(0).result()
            except Exception as error:
                for future in pending:
                    future.cancel()
                raise Unsplit(str(error)) from error
            nxt = next(following, None)
            if nxt is not None:
                pending.append(pool.submit(parse, nxt))
            yield frame
