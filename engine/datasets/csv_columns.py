"""A CSV file's columns as read: numbers, or texts coded by their sorted distinct values; and each row's line
in the file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


DISTINCT_MOST = 10_000  # distinct texts kept per column; a column of more is an id or a date whatever the rest
BEYOND_NUMBER, BEYOND_WORD = -2, -3  # a text column's code for a cell beyond the kept texts (-1: a missing cell)


@dataclass(frozen=True)
class Moments:
    """Of a number column's cells that are not missing, in float64: how many, the lowest and highest, the mean
    and the sum of squared deviations from it. Those of two chunks add up to those of both (Chan, Golub and
    LeVeque's update), so that a column read in chunks knows its spread once read. The mean and the squares
    are NaN where a value is infinite. (One column's entry of `BlockMoments`, which works them out.)"""

    count: int = 0
    low: float = math.inf
    high: float = -math.inf
    mean: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> "Moments":
        return BlockMoments.of(values.reshape(-1, 1))[0]

    def __add__(self, other: "Moments") -> "Moments":
        return (BlockMoments.gather([self]) + BlockMoments.gather([other]))[0]

    def stats(self) -> dict:
        found = {"count": self.count, "infinite": False}
        if self.count:
            found.update(low=self.low, high=self.high, infinite=math.isinf(self.low) or math.isinf(self.high))
            if not found["infinite"]:
                found.update(mean=self.mean, spread=math.sqrt(self.squares / self.count))
        return found


@dataclass(frozen=True)
class BlockMoments:
    """The Moments of each column of a block of numbers (rows by columns), as arrays: worked out with one numpy
    call per figure for all the columns at once (a table of a thousand columns spent its reading in a Python
    loop over them, chunk after chunk)."""

    count: np.ndarray
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    squares: np.ndarray

    @classmethod
    def empty(cls, columns: int) -> "BlockMoments":
        return cls(np.zeros(columns, dtype=np.int64), np.full(columns, math.inf), np.full(columns, -math.inf),
                   np.zeros(columns), np.zeros(columns))

    @classmethod
    def gather(cls, moments: list[Moments]) -> "BlockMoments":
        return cls(*(np.array([getattr(m, f) for m in moments], dtype=np.int64 if f == "count" else np.float64)
                     for f in ("count", "low", "high", "mean", "squares")))

    @classmethod
    def of(cls, values: np.ndarray) -> "BlockMoments":
        """Of each column of `values` (float64, NaN where missing; each column best contiguous)."""
        rows, columns = values.shape
        gaps = np.isnan(values)
        some_missing = gaps.any()
        if not rows or (some_missing and gaps.all()):
            return cls.empty(columns)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if some_missing:  # the missing cells made neutral for each figure (a copy: only where some are missing)
                count = rows - gaps.sum(axis=0)
                low = np.where(gaps, math.inf, values).min(axis=0)
                high = np.where(gaps, -math.inf, values).max(axis=0)
                mean = np.where(gaps, 0.0, values).sum(axis=0) / np.maximum(count, 1)
                deviations = np.where(gaps, 0.0, values - mean)
            else:
                count = np.full(columns, rows, dtype=np.int64)
                low, high, mean = values.min(axis=0), values.max(axis=0), values.mean(axis=0)
                deviations = values - mean
            np.square(deviations, out=deviations)  # not np.dot: BLAS threads would spin beside the parsers
            squares = deviations.sum(axis=0)
            infinite = np.isinf(low) | np.isinf(high)
            mean[infinite] = squares[infinite] = math.nan
            none = count == 0
            low[none], high[none], mean[none], squares[none] = math.inf, -math.inf, 0.0, 0.0
        return cls(count.astype(np.int64), low, high, mean, squares)

    def __add__(self, other: "BlockMoments") -> "BlockMoments":
        count = self.count + other.count
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            step = other.mean - self.mean  # floats: an overflow is inf, never an exception
            share = other.count / np.maximum(count, 1)
            mean = self.mean + step * share
            squares = self.squares + other.squares + step * step * self.count * share
        alone = self.count == 0, other.count == 0  # a side of no cell: the other as it is
        mean = np.where(alone[0], other.mean, np.where(alone[1], self.mean, mean))
        squares = np.where(alone[0], other.squares, np.where(alone[1], self.squares, squares))
        return BlockMoments(count, np.minimum(self.low, other.low), np.maximum(self.high, other.high), mean, squares)

    def spread_to(self, positions: np.ndarray, columns: int) -> "BlockMoments":
        """These columns' moments at `positions` of a block of `columns`, the others of no cell."""
        whole = BlockMoments.empty(columns)
        for name in ("count", "low", "high", "mean", "squares"):
            getattr(whole, name)[positions] = getattr(self, name)
        return whole

    def __getitem__(self, k: int) -> Moments:
        return Moments(int(self.count[k]), float(self.low[k]), float(self.high[k]), float(self.mean[k]),
                       float(self.squares[k]))


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
        return self.codes == -1 if self.is_text else np.isnan(self.numbers)  # not a text beyond the kept ones

    def gaps(self) -> int:
        """How many cells are missing (a number column's known from its moments: no pass over the rows)."""
        if self.is_text and self.counts is not None and not self.more_texts:  # a label's rows of each class
            return len(self.codes) - int(self.counts.sum())
        return int((self.codes == -1).sum()) if self.is_text else len(self.numbers) - self.stats()["count"]

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
