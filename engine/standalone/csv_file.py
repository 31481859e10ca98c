"""A user's CSV file as data: a header row, numeric feature columns, one label column of any values, and
optionally a `split` column of train / val / test (as --data-csv writes it)."""

import csv
import math
import os
import stat

import numpy as np


class CsvProblem(ValueError):
    """The file cannot be used as data; the message says why (without the file's name)."""


MISSING = {"", "na", "nan", "null", "none", "?"}
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the model computes in float32: larger values become inf
SPLIT = "split"  # a column of "train" / "val" / "test", as --data-csv writes it: the split itself
PARTS = ("train", "val", "test")


def class_order(labels):
    """Sorted; numerically when every label is a number, so that 2 comes before 10."""
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def _delimiter(header_line):
    """A comma, unless the header holds none and another common separator (; tab |) instead."""
    counts = {d: header_line.count(d) for d in ",;\t|"}
    best = max(counts, key=counts.get)
    return "," if counts[","] or not counts[best] else best


def csv_rows(path):
    """The file's non-blank rows, header first."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would be read forever, a device too
            raise CsvProblem("is not a regular file (a directory, FIFO or device); give a CSV file")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        lines = text.splitlines()
        rows = list(csv.reader(lines, delimiter=_delimiter(lines[0] if lines else "")))
    except FileNotFoundError:
        raise CsvProblem("no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CsvProblem(f"cannot be read as CSV: {error}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise CsvProblem("needs a header row and at least one row of data")
    return rows


def _split_column(header, body, label, features):
    """The index of a column to split the rows by, or None: a column named `split` of the words train, val
    and test (train and test at least), neither the label nor a chosen feature."""
    if SPLIT not in header or label == SPLIT or (features and SPLIT in features):
        return None
    j = header.index(SPLIT)
    words = {row[j].strip().lower() for row in body}
    return j if words <= set(PARTS) and {"train", "test"} <= words else None


def _csv_features(header, label, features, split):
    others = [h for h in header if h != SPLIT or split is None]
    label = label or others[-1]
    if label not in header:
        raise CsvProblem(f"no column {label!r} for the label; the columns are " + ", ".join(header))
    features = features or [h for h in others if h != label]
    missing = [f for f in features if f not in header]
    if missing:
        raise CsvProblem(f"no column {missing[0]!r}; the columns are " + ", ".join(header))
    if label in features:
        raise CsvProblem(f"column {label!r} is the label and cannot also be a feature")
    if not features:
        raise CsvProblem("has no feature column besides the label")
    return label, features


def _number(cell, row, name):
    if cell.lower() in MISSING:
        raise CsvProblem(f"row {row}, column {name!r}: missing value")
    try:
        value = float(cell)
    except ValueError:
        raise CsvProblem(f"column {name!r} is not numeric (row {row}: {cell!r}); leave it out of the "
                         "features setting, or fix the file") from None
    if not math.isfinite(value):
        raise CsvProblem(f"row {row}, column {name!r}: {cell!r} is not a finite number")
    if abs(value) > FLOAT32_MAX:
        raise CsvProblem(f"row {row}, column {name!r}: {cell} is beyond what the model's 32-bit numbers hold "
                         f"(±{FLOAT32_MAX:.3g}); rescale the column")
    return value


def read_csv(path, label, features):
    """(X, y, class names, feature names, parts): numeric feature columns, one label column of any values;
    parts, each row's "train", "val" or "test", when the file has a `split` column, else None."""
    rows = csv_rows(path)
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header):
        raise CsvProblem("the header names a column twice")
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise CsvProblem(f"row {number} has {len(row)} fields; the header has {len(header)}")
    split = _split_column(header, body, label, features)
    label, features = _csv_features(header, label, features, split)
    X = np.empty((len(body), len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        column = header.index(name)
        for i, row in enumerate(body):
            X[i, j] = _number(row[column].strip(), i + 2, name)
    raw = [row[header.index(label)].strip() for row in body]
    for i, value in enumerate(raw):
        if value.lower() in MISSING:
            raise CsvProblem(f"row {i + 2}, column {label!r}: missing label")
    classes = class_order(set(raw))
    if len(classes) < 2:
        raise CsvProblem(f"column {label!r} holds a single class ({classes[0]!r}); a classifier needs two or more")
    index = {name: k for k, name in enumerate(classes)}
    parts = None if split is None else np.array([row[split].strip().lower() for row in body])
    return X, np.array([index[v] for v in raw], dtype=np.int64), classes, features, parts
