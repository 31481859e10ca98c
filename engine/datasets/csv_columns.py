"""A CSV file's columns as read: numbers, or texts coded by their sorted distinct values; and each row's line
in the file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


DISTINCT_MOST = 10_000  # distinct texts kept per column; a column of more is an id or a date whatever the rest


@dataclass(frozen=True)
class Moments:
    """Of a number column's cells that are not missing, in float64: how many, the lowest and highest, the mean
    and the sum of squared deviations from it. Those of two chunks add up to those of both (Chan, Golub and
    LeVeque's update), so that a column read in chunks knows its spread once read. The mean and the squares
    are NaN where a value is infinite."""

    count: int = 0
    low: float = math.inf
    high: float = -math.inf
    mean: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> "Moments":
        gaps = np.isnan(values)
        present = values[~gaps] if gaps.any() else values
        if not len(present):
            return cls()
        with np.errstate(over="ignore", invalid="ignore"):
            low, high = float(present.min()), float(present.max())
            if math.isinf(low) or math.isinf(high):
                return cls(len(present), low, high, math.nan, math.nan)
            mean = float(present.mean())
            deviations = present - mean
            np.square(deviations, out=deviations)  # not np.dot: BLAS threads would spin beside the parsers
            return cls(len(present), low, high, mean, float(deviations.sum()))

    def __add__(self, other: "Moments") -> "Moments":
        if not other.count or not self.count:
            return other if not self.count else self
        count = self.count + other.count
        low, high = min(self.low, other.low), max(self.high, other.high)
        step = other.mean - self.mean  # floats: an overflow is inf, never an exception
        return Moments(count, low, high, self.mean + step * other.count / count,
                       self.squares + other.squares + step * step * self.count * other.count / count)

    def stats(self) -> dict:
        found = {"count": self.count, "infinite": False}
        if self.count:
            found.update(low=self.low, high=self.high, infinite=math.isinf(self.low) or math.isinf(self.high))
            if not found["infinite"]:
                found.update(mean=self.mean, spread=math.sqrt(self.squares / self.count))
        return found


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
    moments: Moments | None = field(default=None, repr=False)  # of the numbers, once known
    counts: np.ndarray | None = field(default=None, repr=False)  # rows of each text, where known as read

    @property
    def is_text(self) -> bool:
        return self.codes is not None

    def missing(self) -> np.ndarray:
        return self.codes < 0 if self.is_text else np.isnan(self.numbers)

    def gaps(self) -> int:
        """How many cells are missing (a number column's known from its moments: no pass over the rows)."""
        if self.is_text and self.counts is not None and not self.more_texts:  # a label's rows of each class
            return len(self.codes) - int(self.counts.sum())
        return int((self.codes < 0).sum()) if self.is_text else len(self.numbers) - self.stats()["count"]

    def stats(self) -> dict:
        """Of a number column's cells that are not missing, in float64: count, low, high, mean, spread (the
        standard deviation, as StandardScaler has it); computed once."""
        if self.moments is None:
            self.moments = Moments.of(self.numbers)
        return self.moments.stats()

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
