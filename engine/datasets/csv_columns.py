"""A CSV file's columns as read: numbers, or texts coded by their sorted distinct values; and each row's line
in the file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


DISTINCT_MOST = 10_000  # distinct texts kept per column; a column of more is an id or a date whatever the rest


@dataclass
class Column:
    """One column as read: numbers (float64, NaN where missing) or texts (codes into `texts`, sorted; -1
    where missing)."""

    name: str
    numbers: np.ndarray | None = None
    codes: np.ndarray | None = None
    texts: list[str] = field(default_factory=list)
    integer: bool = True  # every number was read as a whole number: written back so
    more_texts: bool = False  # more than DISTINCT_MOST distinct texts: only the first are kept
    _stats: dict | None = field(default=None, repr=False)

    @property
    def is_text(self) -> bool:
        return self.codes is not None

    def missing(self) -> np.ndarray:
        return self.codes < 0 if self.is_text else np.isnan(self.numbers)

    def stats(self) -> dict:
        """Of a number column's cells that are not missing, in float64: count, low, high, mean, spread (the
        standard deviation, as StandardScaler has it); computed once."""
        if self._stats is None:
            gaps = np.isnan(self.numbers)
            present = self.numbers[~gaps] if gaps.any() else self.numbers
            found = {"count": len(present), "infinite": False}
            if len(present):
                with np.errstate(over="ignore", invalid="ignore"):
                    low, high = float(present.min()), float(present.max())
                    found.update(low=low, high=high, infinite=math.isinf(low) or math.isinf(high))
                    if not found["infinite"]:
                        found.update(mean=float(present.mean()), spread=float(present.std()))
            self._stats = found
        return self._stats

    def take(self, rows: np.ndarray) -> "Column":
        if self.is_text:
            return Column(self.name, codes=self.codes[rows], texts=self.texts, more_texts=self.more_texts)
        return Column(self.name, numbers=self.numbers[rows], integer=self.integer)


class Lines:
    """Each row's line in its file (the header's line, 1 unless blank lines come first, and then one line a
    row): counted from the first, until rows are left out or a data CSV says its rows' own lines."""

    def __init__(self, first: int, count: int, array: np.ndarray | None = None):
        self.first, self.count, self._array = first, count, array

    def __len__(self) -> int:
        return self.count if self._array is None else len(self._array)

    def __getitem__(self, at: int) -> int:
        return int(self.first + at if self._array is None else self._array[at])

    def array(self) -> np.ndarray:
        return np.arange(self.count, dtype=np.int64) + self.first if self._array is None else self._array

    def take(self, keep: np.ndarray) -> "Lines":
        kept = np.flatnonzero(keep) + self.first if self._array is None else self._array[keep]
        return Lines(0, len(kept), kept)


@dataclass(frozen=True)
class SourceColumns:
    """A file's feature columns as read, for writing its rows back as they were (--data-csv)."""

    columns: tuple[Column, ...]
    label: str  # the label column's name
    lines: Lines  # each row's line in the file (the header's is 1)

    @property
    def rows(self) -> np.ndarray:
        return self.lines.array()
