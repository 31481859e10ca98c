"""How a table's problems and notices name counts, values and rows: "3 rows", "'a', 'b', …", "rows 7, 12, …"."""

from __future__ import annotations

import numpy as np

from .csv_columns import Lines

SHOWN = 3  # values, rows or columns named in a message before "…"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def some(items, quote: bool = True) -> str:
    items = list(items)
    shown = [repr(i) if quote else str(i) for i in items[:SHOWN]]
    return ", ".join(shown) + (", …" if len(items) > SHOWN else "")


def rows_named(lines: Lines, where: np.ndarray) -> str:
    """"row 7" or "rows 7, 12, 40, …": the lines of the rows `where` is true."""
    at = np.flatnonzero(where)
    return ("row " if len(at) == 1 else "rows ") + some([lines[k] for k in at[:SHOWN + 1]], quote=False)
