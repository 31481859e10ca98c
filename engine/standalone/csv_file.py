"""A user's CSV file as data: a header row, feature columns of numbers or of text (one-hot encoded), one
label column of any values, and optionally a `split` column of train / validation / test (as --data-csv
writes it). The engine reads files with pandas and reports every problem they have (engine/datasets/
csv_table.py); this is the same reading with the standard library and numpy alone, for the exported
script. The rules both share are here: which column is what, which cells are missing, how labels become
classes, and how the encoding (medians, most frequent texts, one-hot categories) is fitted on the training
rows, number for number as scikit-learn's SimpleImputer and OneHotEncoder fit it."""

import csv
import math
import os
import stat

import numpy as np


class CsvProblem(ValueError):
    """The file cannot be used as data; the message says why (without the file's name)."""


# cells that hold no value: pandas' own default markers, and "?", "na" and "none" as people and UCI files write them
MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "?", "na", "none"})
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the model computes in float32: larger values become inf
SPLIT = "split"  # a column of train / validation / test, as --data-csv writes it: the split itself
PARTS = ("train", "val", "test")
PART_WORDS = {"train": "train", "val": "val", "validation": "val", "test": "test"}
SOURCE_ROW, TRAINED_AS = "source_row", "trained_as"  # a data CSV's bookkeeping: never features unless named
UNNAMED = "Unnamed: "  # an empty header cell, named as pandas names it: "Unnamed: 0" for the first column
ONEHOT_MOST = 20  # a text feature of more distinct values is refused (names, dates, ids), not encoded


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


def column_names(cells):
    """The header's names, stripped; an empty cell is "Unnamed: k" (k from 0), as pandas names it."""
    return [cell.strip() or f"{UNNAMED}{k}" for k, cell in enumerate(cells)]


def number(text):
    """The number a cell holds, or None (a text)."""
    text = text.strip()
    if "_" in text:  # Python reads 1_000; pandas, and people, do not
        return None
    try:
        return float(text)
    except ValueError:
        return None


def number_name(value):
    """A numeric label's class name: 1, 1.0 and 01 are all "1"; 0.5 is "0.5"."""
    value = float(value)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def label_name(value):
    """The class a label cell (a text or a number) belongs to: numbers that are equal are one class."""
    if isinstance(value, str):
        found = number(value)
        return value.strip() if found is None or not math.isfinite(found) else number_name(found)
    return number_name(value)


def part_of(word):
    """"train", "val" or "test" for a split cell (validation is val), else None."""
    return PART_WORDS.get(str(word).strip().lower())


def is_split(words):
    """Whether a column's distinct cells make it the split: train and test at least, nothing but parts."""
    parts = [part_of(w) for w in words]
    return None not in parts and {"train", "test"} <= set(parts)


def feature_source(name, names):
    """(column, category) of a feature name: a column's own name, category None; or "column=text", one
    category of a text column as a one-hot column of its own (as a run's settings record them). None: no
    such column."""
    if name in names:
        return name, None
    column, sep, category = name.partition("=")
    while sep:
        if column in names:
            return column, category
        more, sep, category = category.partition("=")
        column = f"{column}={more}"
    return None


def column_roles(names, label=None, features=None, exclude=None, split=False):
    """(label, label guessed, features, split column or None, unnamed columns left out, problems).

    The label is the column named, else the last one that is neither the split, a data CSV's bookkeeping,
    unnamed nor excluded (and the choice is announced). Features are those named (a text column's category
    as "column=text"), else every other such column. `split`: whether the `split` column holds parts."""
    exclude, problems, named = list(exclude or []), [], set(names)  # sets: a file may have 100,000 columns
    listing = "; the columns are " + ", ".join(names)
    problems += [f"exclude names {n!r}, which is no column{listing}" for n in exclude if n not in named]
    excluded = set(exclude)
    chosen = set(features or []) | {label}
    split = SPLIT if split and SPLIT in names and SPLIT not in chosen else None
    candidates = [n for n in names if n != split and n not in (SOURCE_ROW, TRAINED_AS) and n not in excluded]
    left_out = [n for n in candidates if n.startswith(UNNAMED) and n not in chosen] if features is None else []
    candidates = [n for n in candidates if n not in set(left_out)] if left_out else candidates
    guessed = label is None
    if guessed:
        label = candidates[-1] if candidates else None
        if label is None:
            problems.append("has no column left for the label" + listing)
    elif label not in named:
        problems.append(f"no column {label!r} for the label{listing}")
    if label is not None and label in excluded:
        problems.append(f"column {label!r} is the label and cannot be excluded")
    if features is None:
        features = [n for n in candidates if n != label]
    else:
        problems += [f"no column {f!r}{listing}" for f in features if feature_source(f, named) is None]
        features = list(features)
    if label in features:
        problems.append(f"column {label!r} is the label and cannot also be a feature")
    if not features and label is not None:
        problems.append("has no feature column besides the label")
    return label, guessed, features, split, left_out, problems


def csv_rows(path):
    """The file's non-blank rows, header first."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would be read forever, a device too
            raise CsvProblem("is not a regular file (a directory, FIFO or device); give a CSV file")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        lines = text.splitlines()
        rows = list(csv.reader(lines, delimiter=_delimiter(lines[0] if lines else ""), skipinitialspace=True))
    except FileNotFoundError:
        raise CsvProblem("no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CsvProblem(f"cannot be read as CSV: {error}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise CsvProblem("needs a header row and at least one row of data")
    return rows


def _column(cells):
    """Numbers (float64, NaN where missing) when every cell that is not missing is one; else texts (an object
    array, None where missing)."""
    missing = [c.strip() in MISSING for c in cells]
    numbers = [None if m else number(c) for c, m in zip(cells, missing)]
    if all(m or v is not None for v, m in zip(numbers, missing)):
        return np.array([math.nan if m else v for v, m in zip(numbers, missing)], dtype=np.float64)
    return np.array([None if m else c.strip() for c, m in zip(cells, missing)], dtype=object)


def _is_missing(column):
    return np.isnan(column) if column.dtype.kind == "f" else np.array([v is None for v in column], dtype=bool)


class CsvTable:
    """A file's columns as read, its rows kept, their classes: what the encoding is fitted on."""

    def __init__(self, columns, features, y, classes, parts):
        self.columns = columns  # name → float64 (NaN missing) or object (None missing) array, rows kept
        self.features = features  # as named: columns, or "column=text" for one category of a text column
        self.y, self.classes, self.parts = y, classes, parts


def read_csv(path, label=None, features=None, exclude=None, missing="refuse"):
    """The table of a CSV file (see CsvTable): the rows with a missing cell left out (missing "drop") or
    kept for imputing (missing "impute"; rows without a label are left out); CsvProblem if it is refused."""
    rows = csv_rows(path)
    names = column_names(rows[0])
    if len(set(names)) != len(names):
        raise CsvProblem("the header names a column twice")
    body = rows[1:]
    for number_, row in enumerate(body, start=2):
        if len(row) > len(names):
            raise CsvProblem(f"row {number_} has {len(row)} fields; the header has {len(names)}")
    body = [row + [""] * (len(names) - len(row)) for row in body]  # a short row: its last cells are missing
    place = {name: k for k, name in enumerate(names)}
    cells = lambda name: [row[place[name]] for row in body]  # noqa: E731
    has_split = SPLIT in names and is_split({c.strip() for c in cells(SPLIT)})
    label, _, features, split, _, problems = column_roles(names, label, features, exclude, has_split)
    if problems:
        raise CsvProblem("; ".join(problems))
    sources = list(dict.fromkeys(feature_source(f, place)[0] for f in features))
    columns = {name: _column(cells(name)) for name in [label, *sources]}
    lost = _is_missing(columns[label])
    gaps = np.zeros(len(body), dtype=bool)
    for name in sources:
        gaps |= _is_missing(columns[name])
    if missing == "refuse" and (lost | gaps).any():
        raise CsvProblem(f"{int((lost | gaps).sum())} rows have missing cells; missing=drop or missing=impute")
    keep = ~(lost | gaps) if missing == "drop" else ~lost
    columns = {name: column[keep] for name, column in columns.items()}
    raw = columns.pop(label)
    found = [label_name(v) for v in raw]
    classes = class_order(set(found))
    index = {name: k for k, name in enumerate(classes)}
    y = np.array([index[v] for v in found], dtype=np.int64)
    parts = None if split is None else np.array([part_of(c) for c in cells(split)])[keep]
    return CsvTable(columns, features, y, classes, parts)


def _most_frequent(values):
    """The most frequent of `values`, the smallest of those tied (as SimpleImputer chooses)."""
    kinds, counts = np.unique(values, return_counts=True)
    return kinds[int(np.argmax(counts))]


def encode(table, train, fitted=None):
    """(X float64, feature names): the numeric features, each missing cell given the median of the training
    rows; then every text feature one-hot, a missing cell given the training rows' most frequent text, one
    column per category of the training rows (sorted; or those the features name), a category they lack
    none. The engine fits the same with scikit-learn (SimpleImputer, OneHotEncoder); a test holds them equal.
    `fitted` (a run's own: "median", "most_frequent", "categories", by column) is used as it is, not refitted."""
    fitted = fitted or {}
    numeric = [f for f in table.features if f in table.columns and table.columns[f].dtype.kind == "f"]
    blocks, names = [], list(numeric)
    for name in numeric:
        column = table.columns[name].copy()
        gaps = np.isnan(column)
        if gaps.any():
            median = fitted.get("median", {}).get(name)
            column[gaps] = np.nanmedian(column[train]) if median is None else median
        blocks.append(column[:, None])
    texts = {}
    for f in table.features:
        if f in numeric:
            continue
        source, category = (f, None) if f in table.columns else feature_source(f, table.columns)
        texts.setdefault(source, [])
        if category is not None:
            texts[source].append(category)
    for source, named in texts.items():
        column = table.columns[source].copy()
        if column.dtype.kind == "f":  # a column of numbers, some named as categories: by their class names
            column = np.array([None if math.isnan(v) else number_name(v) for v in column], dtype=object)
        gaps = np.array([v is None for v in column], dtype=bool)
        if gaps.any():
            common = fitted.get("most_frequent", {}).get(source)
            column[gaps] = _most_frequent(column[train][~gaps[train]].astype(str)) if common is None else common
        column = column.astype(str)
        categories = fitted.get("categories", {}).get(source) or sorted(named) or sorted(set(column[train].tolist()))
        blocks.append(np.column_stack([(column == c).astype(np.float64) for c in categories]))
        names += [f"{source}={c}" for c in categories]
    return np.ascontiguousarray(np.column_stack(blocks), dtype=np.float64), names
