"""A user's CSV file: a header row, numeric feature columns and one label column of any values."""

from __future__ import annotations

import csv
import math

import numpy as np

from ..errors import DataError

_MISSING = {"", "na", "nan", "null", "none", "?"}


def _class_order(labels: set[str]) -> list[str]:
    """Sorted; numerically when every label is a number, so that 2 comes before 10."""
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def _rows(path: str) -> list[list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise DataError(path, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, "is a directory, not a CSV file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(path, f"cannot be read as CSV: {error}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise DataError(path, "needs a header row and at least one row of data")
    return rows


def columns(path: str) -> list[str]:
    """The names in the header row (DataError if the file is no CSV with data)."""
    return [h.strip() for h in _rows(path)[0]]


def load(path: str, label: str | None, features: list[str] | None):
    rows = _rows(path)
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header):
        raise DataError(path, "the header names a column twice")
    label = label or header[-1]
    if label not in header:
        raise DataError(path, f"no column {label!r} for the label; the columns are " + ", ".join(header))
    features = features or [h for h in header if h != label]
    missing = [f for f in features if f not in header]
    if missing:
        raise DataError(path, f"no column {missing[0]!r}; the columns are " + ", ".join(header))
    if label in features:
        raise DataError(path, f"column {label!r} is the label and cannot also be a feature")
    if not features:
        raise DataError(path, "has no feature column besides the label")

    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(path, f"row {number} has {len(row)} fields; the header has {len(header)}")
    X = np.empty((len(body), len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        column = header.index(name)
        for i, row in enumerate(body):
            cell = row[column].strip()
            if cell.lower() in _MISSING:
                raise DataError(path, f"row {i + 2}, column {name!r}: missing value")
            try:
                value = float(cell)
            except ValueError:
                raise DataError(path, f"column {name!r} is not numeric (row {i + 2}: {cell!r}); "
                                      "leave it out of the features setting (--features), or fix the file") from None
            if not math.isfinite(value):
                raise DataError(path, f"row {i + 2}, column {name!r}: {cell!r} is not a finite number")
            X[i, j] = value
    label_column = header.index(label)
    raw = [row[label_column].strip() for row in body]
    for i, value in enumerate(raw):
        if value.lower() in _MISSING:
            raise DataError(path, f"row {i + 2}, column {label!r}: missing label")
    classes = _class_order(set(raw))
    if len(classes) < 2:
        raise DataError(path, f"column {label!r} holds a single class ({classes[0]!r}); a classifier needs two or more")
    index = {name: k for k, name in enumerate(classes)}
    y = np.array([index[v] for v in raw], dtype=np.int64)
    return X, y, classes, features
