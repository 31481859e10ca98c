"""What one chunk of a CSV file holds, worked out in the thread that parsed it: each number column as float64
with its moments, each text column and the label as codes of its distinct values. What is left to the
thread that reads the chunks in order is copying and small lookups, so that reading a file keeps every core
busy parsing (a chunk's factorising and sums took a third of the time on the reader's thread)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .csv_columns import Moments


@dataclass(frozen=True)
class Part:
    """One column of one chunk: `numbers` (float64, NaN where missing: `values`, `integer`, `moments`), `texts`
    (`codes` into `uniques`, -1 where missing), or `other` (true/false: read again as texts). The label, of
    numbers or texts, also has its codes."""

    kind: str
    values: np.ndarray | None = None
    integer: bool = False
    moments: Moments | None = None
    codes: np.ndarray | None = None
    uniques: object = None
    counts: np.ndarray | None = None  # the label's: rows of each of `uniques`, after those missing


@dataclass(frozen=True)
class Piece:
    rows: int
    parts: dict[str, Part]


def piece(frame, wanted: list[str], label: str) -> Piece:
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    parts = {}
    for name in wanted:
        series = frame[name]
        numeric = is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype)
        if name == label:  # its numbers as they are (whole numbers are hashed faster): named as classes later
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            parts[name] = Part("numbers" if numeric else "texts", codes=codes, uniques=uniques.to_numpy(),
                               counts=np.bincount(codes + 1, minlength=len(uniques) + 1))
        elif numeric:
            values = series.to_numpy(dtype=np.float64, na_value=np.nan)
            parts[name] = Part("numbers", values, series.dtype.kind in "iu", Moments.of(values))
        elif not is_bool_dtype(series.dtype):
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            parts[name] = Part("texts", codes=codes, uniques=uniques)
        else:
            parts[name] = Part("other")
    return Piece(len(frame), parts)
