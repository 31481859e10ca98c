"""A user's CSV file as the engine reads it.

pandas reads it (types inferred; the delimiter sniffed from the header: a comma, semicolon, tab or bar), in
chunks written into arrays made once, so that a large file costs little more than its numbers. Every
problem of the table is found before any is reported, and all are reported at once, each with the setting
that fixes it (`TableProblems`). The label becomes classes (equal numbers are one class), and the feature
columns are encoded with scikit-learn's own tools, fitted on the training rows: `SimpleImputer` (median of
a number column, most frequent text) and `OneHotEncoder`, assembled by a `ColumnTransformer`. What the
reading decided and a person should know (the label chosen, a column left out, rows dropped, cells filled,
spreads far apart) is said in `notices`.

The exported script reads the same file with engine.standalone.csv_file, whose rules (which column is what,
which cells are missing, how labels become classes) this module shares, and whose numpy encoding a test
holds to this one.
"""

from __future__ import annotations

import csv
import math
import os
import re
import stat
import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import standalone
from ..errors import DataError, Fix, SettingError, TableProblems
from ..standalone import csv_file as rules

CHUNK_CELLS = 4_000_000  # cells parsed per chunk: the parser's own memory stays near 100 MB
DISTINCT_MOST = 10_000  # distinct texts kept per column; a column of more is an id or a date whatever the rest
SPREAD_RATIO = 100  # feature spreads further apart than this get a notice
SHOWN = 3  # values, rows or columns named in a message before "…"
DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+")
DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}([ T].*)?")


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


@dataclass(frozen=True)
class SourceColumns:
    """A file's feature columns as read, for writing its rows back as they were (--data-csv)."""

    columns: tuple[Column, ...]
    label: str  # the label column's name
    lines: Lines  # each row's line in the file (the header's is 1)

    @property
    def rows(self) -> np.ndarray:
        return self.lines.array()


@dataclass
class CsvData:
    X: np.ndarray  # float64: the file's own values, encoded
    y: np.ndarray
    class_names: list[str]
    feature_names: list[str]
    parts: np.ndarray | None
    notices: list[str]
    source: SourceColumns
    fitted: tuple | None = None  # ((test_size, val_size, seed), (train, val, test)): what the encoding was fitted on
    preprocessing: dict = field(default_factory=dict)  # the fitted constants: medians, most frequent texts, categories


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _some(items, quote: bool = True) -> str:
    items = list(items)
    shown = [repr(i) if quote else str(i) for i in items[:SHOWN]]
    return ", ".join(shown) + (", …" if len(items) > SHOWN else "")


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


def _rows(lines: Lines, where: np.ndarray) -> str:
    """"row 7" or "rows 7, 12, 40, …": the lines of the rows `where` is true."""
    at = np.flatnonzero(where)
    return ("row " if len(at) == 1 else "rows ") + _some([lines[k] for k in at[:SHOWN + 1]], quote=False)


# ----- the file, before it is read


def _check_file(path: str) -> int:
    """The file's size; CsvProblem if it is no regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise rules.CsvProblem("no such file") from None
    except OSError as error:
        raise rules.CsvProblem(f"cannot be read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO would be read forever, a device too
        raise rules.CsvProblem("is not a regular file (a directory, FIFO or device); give a CSV file")
    return info.st_size


def _header(path: str) -> tuple[int, str, str, list[str]]:
    """(lines before the header, the header line, the delimiter, the header's cells): the first line that is
    not blank."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for skipped, line in enumerate(handle):
                if line.strip():
                    line = line.rstrip("\r\n")
                    delimiter = rules._delimiter(line)
                    return skipped, line, delimiter, next(csv.reader([line], delimiter=delimiter))
    except UnicodeDecodeError as error:
        raise rules.CsvProblem(f"is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8") from None
    except (OSError, csv.Error) as error:
        raise rules.CsvProblem(f"cannot be read as CSV: {error}") from None
    raise rules.CsvProblem("needs a header row and at least one row of data")


def sample_shape(path: str) -> tuple[int, int]:
    """(bytes per line, columns) of the file's first lines: what its memory is estimated from."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()] or [head]
    text = lines[0].decode("utf-8", "replace")
    columns = text.count(rules._delimiter(text)) + 1
    return max(1, len(head[:sum(len(line) + 1 for line in lines)]) // len(lines)), columns


def columns(path: str) -> list[str]:
    """The names in the header row (DataError if the file is no CSV with a header): read without the rest."""
    try:
        _check_file(path)
        return rules.column_names(_header(path)[3])
    except rules.CsvProblem as problem:
        raise DataError(path, str(problem)) from None


# ----- reading


class _Texts:
    """Distinct texts of one column, chunk after chunk: each a code, in the order first met."""

    def __init__(self, rows: int):
        self.codes = np.empty(rows, dtype=np.int32)
        self.index: dict[str, int] = {}
        self.more = False

    def _code(self, text: str) -> int:
        code = self.index.get(text)
        if code is None:
            if len(self.index) >= DISTINCT_MOST:
                self.more, code = True, -2
            else:
                code = self.index[text] = len(self.index)
        return code

    def add(self, series, start: int) -> None:
        import pandas as pd

        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        lookup = np.empty(len(uniques) + 1, dtype=np.int32)
        lookup[-1] = -1
        for k, value in enumerate(uniques):
            text = str(value).strip()
            lookup[k] = -1 if text in rules.MISSING else self._code(text)
        self.codes[start:start + len(codes)] = lookup[codes]

    def add_numbers(self, values: np.ndarray, start: int) -> None:
        """A label's numbers, each by its class name: 1 and 1.0 are one text, "1"."""
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        lookup = np.array([self._code(rules.number_name(v)) for v in uniques] + [-1], dtype=np.int32)
        self.codes[start:start + len(codes)] = lookup[codes]

    def grow(self, rows: int) -> None:
        self.codes = _grown(self.codes, rows)

    def column(self, name: str, rows: int, sort: bool = True) -> Column:
        """Codes renumbered in the texts' sorted order (as OneHotEncoder sorts categories), unless not `sort`
        (a label's: its classes are sorted by number or text, in _classes)."""
        if not sort:
            return Column(name, codes=self.codes[:rows], texts=list(self.index), more_texts=self.more)
        texts = sorted(self.index)
        rank = np.empty(len(self.index) + 2, dtype=np.int32)
        rank[[self.index[t] for t in texts]] = np.arange(len(texts), dtype=np.int32)
        rank[-1], rank[-2] = -1, -2  # missing; one of the texts beyond the kept ones
        return Column(name, codes=rank[self.codes[:rows]], texts=texts, more_texts=self.more)


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    bigger = np.empty((rows, *array.shape[1:]), dtype=array.dtype)
    bigger[:len(array)] = array
    return bigger


def _reader(path: str, delimiter: str, names: list[str], skip: int, usecols: list[str], chunk: int, **more):
    import pandas as pd

    usecols = None if usecols == names else usecols  # every column: not asking is faster
    return pd.read_csv(path, sep=delimiter, header=None, names=names, usecols=usecols, skiprows=skip + 1,
                       index_col=False, skip_blank_lines=False, skipinitialspace=True, na_values=list(rules.MISSING),
                       keep_default_na=True, chunksize=chunk, encoding="utf-8", **more)


def _parse_error(error: Exception, fields: int) -> rules.CsvProblem:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if found:
        return rules.CsvProblem(f"row {found.group(2)} has {found.group(3)} fields; the header has {fields}")
    found = re.search(r"Too many columns specified: expected \d+ and found (\d+)", str(error))
    if found:
        return rules.CsvProblem(f"its rows have {found.group(1)} fields; the header has {fields}")
    if isinstance(error, UnicodeDecodeError):
        return rules.CsvProblem(f"is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8")
    return rules.CsvProblem(f"cannot be read as CSV: {' '.join(str(error).split())}")


def _read_columns(path: str, delimiter: str, names: list[str], skip: int, wanted: list[str], label: str,
                  block_names: list[str], rows_guess: int) -> tuple[dict, int, np.ndarray]:
    """({name: Column} of the `wanted` columns, the number of rows (a blank line is a row of missing cells),
    and one float64 array of the `block_names` columns side by side, each number column of them a view of
    it: when all are numbers, the feature matrix as read, made once). The label is read as its texts, its
    numbers by their class names. Arrays are made for twice `rows_guess` rows (pages never written cost
    nothing) and grown when the file has more."""
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    capacity = 2 * rows_guess + 1_000
    # half the file a chunk, up to CHUNK_CELLS cells: the parser's memory stays small beside the file's
    chunk = max(10_000, min(CHUNK_CELLS // max(1, len(wanted)), rows_guess // 2))
    block = np.empty((capacity, len(block_names)), dtype=np.float64)
    numbers: dict[str, np.ndarray] = {}
    integer = dict.fromkeys(wanted, True)
    texts: dict[str, _Texts] = {label: _Texts(capacity)}
    again: set[str] = set()  # numbers in one chunk and texts in another (or true/false): read again as texts
    start = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # "a loss of data": a row longer than the header
            for frame in _reader(path, delimiter, names, skip, wanted, chunk):
                size = len(frame)
                if start + size > capacity:  # more rows than the first lines foretold
                    capacity = 2 * (start + size)
                    block = _grown(block, capacity)
                    for name in numbers:
                        numbers[name] = (block[:, block_names.index(name)] if name in block_names
                                         else _grown(numbers[name], capacity))
                    for found in texts.values():
                        found.grow(capacity)
                for name in wanted:
                    if name in again:
                        continue
                    series = frame[name]
                    numeric = is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype)
                    if name == label:
                        if numeric:
                            texts[name].add_numbers(series.to_numpy(dtype=np.float64, na_value=np.nan), start)
                        else:
                            texts[name].add(series, start)
                    elif numeric and name not in texts:
                        if name not in numbers:
                            numbers[name] = (block[:, block_names.index(name)] if name in block_names
                                             else np.empty(capacity, dtype=np.float64))
                        numbers[name][start:start + size] = series.to_numpy(dtype=np.float64, na_value=np.nan)
                        integer[name] &= series.dtype.kind in "iu"
                    elif name not in numbers and not is_bool_dtype(series.dtype) and (
                            not numeric or series.isna().all()):  # texts, or a chunk of empty cells of a text column
                        texts.setdefault(name, _Texts(capacity)).add(series, start)
                    else:
                        again.add(name)
                        numbers.pop(name, None)
                        texts.pop(name, None)
                start += size
            for name in again:  # rare: read once more, every cell as its text
                found, at = _Texts(capacity), 0
                for frame in _reader(path, delimiter, names, skip, [name], CHUNK_CELLS, dtype=str):
                    found.add(frame[name], at)
                    at += len(frame)
                texts[name] = found
    except pd.errors.EmptyDataError:
        raise rules.CsvProblem("needs a header row and at least one row of data") from None
    except pd.errors.ParserWarning:
        raise _long_row(path, delimiter, len(names)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as error:
        raise _parse_error(error, len(names)) from None
    rows = start
    result = {}
    for name in wanted:
        if name in texts:
            result[name] = texts[name].column(name, rows, sort=name != label)
        elif name in numbers:
            result[name] = Column(name, numbers=numbers[name][:rows], integer=integer[name])
        else:  # a column of no cell at all
            result[name] = Column(name, numbers=np.full(rows, np.nan), integer=False)
    return result, rows, block[:rows]


def _long_row(path: str, delimiter: str, fields: int) -> rules.CsvProblem:
    """The problem of a file whose rows have more fields than its header, naming the first such row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                if len(row) > fields and any(cell.strip() for cell in row[fields:]):
                    return rules.CsvProblem(f"row {number} has {len(row)} fields; the header has {fields}")
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return rules.CsvProblem(f"its rows have more fields than the header's {fields}")


def _cell_text(path: str, delimiter: str, line: int, column: int) -> str:
    """The text of one cell as the file has it, for a message: line `line` of the file (the first is 1)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    row = next(csv.reader([text], delimiter=delimiter, skipinitialspace=True), [])
                    return row[column].strip() if column < len(row) else ""
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return "?"


# ----- the problems of a table


@dataclass
class _Report:
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    fixes: dict[str, tuple[Fix, ...]] = field(default_factory=dict)  # a problem's settings that mend it

    def refuse(self, problem: str, fixes: tuple[Fix, ...] = ()) -> None:
        self.problems.append(problem)
        if fixes:
            self.fixes[problem] = fixes


def _leave_out(name: str) -> Fix:
    return Fix("exclude", name, f"leave column {name!r} out")


SCALE_STANDARD = Fix("scale", "standard", "scale the features standard (mean 0, spread 1)")


def _looks_like_dates(texts: list[str]) -> bool:
    shown = texts[:50]
    dated = sum(bool(DATE.fullmatch(t)) for t in shown)
    return bool(shown) and dated >= 0.8 * len(shown)


def _as_numbers(column: Column) -> Column:
    """A column read as a label's texts, as the feature it is: numbers if every text is one."""
    values = [rules.number(t) for t in column.texts]
    if None in values or column.more_texts:
        return column
    numbers = np.array(values + [math.nan])[column.codes]
    return Column(column.name, numbers=numbers, integer=all(v.is_integer() for v in values))


def _empty(name: str) -> str:
    return f"column {name!r} has no value in any row; exclude={name} leaves it out"


def _text_problem(column: Column, lines: Lines, categorical: str) -> tuple[str, tuple[Fix, ...]] | None:
    """Why a text feature column is refused and the settings that mend it, or None (it is one-hot encoded)."""
    name, texts, codes = column.name, column.texts, column.codes
    if not texts and not column.more_texts:
        return _empty(name), (_leave_out(name),)
    words = [k for k, t in enumerate(texts) if rules.number(t) is None]
    numeric = len(texts) - len(words)
    wordy = np.isin(codes, words) | (codes == -2)
    at = int(np.flatnonzero(wordy if wordy.any() else codes >= 0)[0])
    first = texts[codes[at]] if codes[at] >= 0 else "…"
    where = f"row {lines[at]}: {first!r}"
    count = f"more than {DISTINCT_MOST:,}" if column.more_texts else f"{len(texts):,}"
    if words and all(DECIMAL_COMMA.fullmatch(texts[k]) for k in words):
        return (f"column {name!r} holds numbers with a decimal comma ({where}); write them with a decimal point "
                f"(and the columns apart with ; or a tab), or exclude={name} leaves it out"), (_leave_out(name),)
    if numeric and numeric >= len(words):  # numbers with a few texts among them: a mistake, not categories
        cells = int(wordy.sum())
        return (f"column {name!r} is not numeric ({where}): {_plural(cells, 'cell')} of text among its numbers "
                f"({_some(texts[k] for k in words)}); fix them (an empty cell is a missing one), or exclude={name} "
                "leaves it out"), (_leave_out(name),)
    if categorical == "refuse":
        return (f"column {name!r} is not numeric ({where}; {count} distinct texts: {_some(texts)}): "
                f"categorical=onehot encodes it, exclude={name} leaves it out"), (
            Fix("categorical", "onehot", "one-hot encode the text columns"), _leave_out(name))
    if column.more_texts or len(texts) > rules.ONEHOT_MOST:
        if _looks_like_dates(texts):
            kind = ": they look like dates"
        elif column.more_texts or len(texts) >= 0.9 * len(codes):
            kind = ": nearly every row has its own, an id"
        else:
            kind = ""
        return (f"column {name!r} has {count} distinct texts ({_some(texts)}), too many to one-hot (at most "
                f"{rules.ONEHOT_MOST}){kind}; exclude={name} leaves it out"), (_leave_out(name),)
    return None


def too_coarse(low: float, high: float) -> bool:
    """Whether float32 holds fewer than 256 distinct steps between `low` and `high` (low < high): a column
    whose values the model's float32 would turn into a few, or into one."""
    step = max(abs(low), abs(high)) * 2.0 ** -23  # float32's spacing near the larger end
    return high - low < 256 * step


def _scaled_range(stats: dict, how: str) -> tuple[float, float] | None:
    """The lowest and highest of a number column once scaled `how` in float64 (the scaling fitted on all its
    rows: the training rows are not known yet, and split() checks those), or None when the scaling itself
    overflows (a spread beyond float64)."""
    low, high = stats["low"], stats["high"]
    with np.errstate(over="ignore", invalid="ignore"):
        if how == "standard":
            shift, spread = stats["mean"], stats["spread"] or 1.0
        elif how == "minmax":
            shift, spread = low, (high - low) or 1.0
        else:
            shift, spread = 0.0, 1.0
        if not (math.isfinite(shift) and math.isfinite(spread)):
            return None
        return (low - shift) / spread, (high - shift) / spread


def _number_problems(column: Column, lines: Lines, text_at, scale: str,
                     chosen: bool) -> list[tuple[str, tuple[Fix, ...]]]:
    """Infinite values; an index column; a constant one; values the model's float32 cannot hold, scaled: each
    with the settings that mend it."""
    name, values, stats = column.name, column.numbers, column.stats()
    if not stats["count"]:
        return [(_empty(name), (_leave_out(name),))]
    if stats["infinite"]:
        where = np.isinf(values)
        return [(f"column {name!r} holds infinite values ({_rows(lines, where)}: "
                 f"{text_at(int(np.flatnonzero(where)[0]), name)!r}): fix those cells, or exclude={name} leaves it out",
                 (_leave_out(name),))]
    out, n = [], len(values)
    low, high = stats["low"], stats["high"]
    if not chosen and stats["count"] == n > 2 and low == 0 and high == n - 1 and column.integer and (
            np.array_equal(values, np.arange(n, dtype=np.float64))):
        out.append((f"column {name!r} counts the rows, 0 to {n - 1}: an index, not a measurement (a perfect label "
                   f"leak when the rows are sorted); exclude={name} leaves it out, features naming it keeps it",
                    (_leave_out(name),)))
    if not chosen and low == high and stats["count"] > 1:
        out.append((f"column {name!r} holds one value ({rules.number_name(low)}) in every row: it cannot tell "
                   f"classes apart; exclude={name} leaves it out", (_leave_out(name),)))
    scaled = _scaled_range(stats, scale)
    if scaled is None or max(abs(scaled[0]), abs(scaled[1])) > rules.FLOAT32_MAX:
        at = int(np.nanargmax(np.abs(values)))
        fits = _scaled_range(stats, "standard")
        fixes = (_leave_out(name),)
        if scale != "none":
            how = f", even after {scale} scaling"
        elif fits is not None and max(map(abs, fits)) <= rules.FLOAT32_MAX:
            how = " unscaled; scale=standard brings it within"
            fixes = (SCALE_STANDARD, *fixes)
        else:
            how = ""
        out.append((f"row {lines[at]}, column {name!r}: {text_at(at, name)} is beyond what the model's 32-bit "
                   f"numbers hold (±{rules.FLOAT32_MAX:.3g}){how}; rescale the column, or exclude={name} leaves "
                   "it out", fixes))
    elif low != high and too_coarse(*scaled):
        out.append((f"column {name!r} varies only in digits the model's 32-bit numbers drop ({low!r} to {high!r}); "
                    "scale=standard keeps them", (SCALE_STANDARD, _leave_out(name))))
    return out


def _missing_text(counts: dict[str, int], label: str) -> str:
    return ", ".join(f"{name!r}{' (the label)' if name == label else ''} {count:,}" for name, count in counts.items())


def _spread_notice(columns: list[Column], scale: str) -> str | None:
    spreads = {}
    for column in columns:
        spread = column.stats().get("spread", 0.0)
        if spread > 0 and math.isfinite(spread):
            spreads[column.name] = spread
    if len(spreads) < 2:
        return None
    wide, narrow = max(spreads, key=spreads.get), min(spreads, key=spreads.get)
    ratio = spreads[wide] / spreads[narrow]
    if ratio <= SPREAD_RATIO:
        return None
    said = (f"the feature spreads differ {ratio:,.0f}-fold ({wide!r} {spreads[wide]:.3g} against {narrow!r} "
            f"{spreads[narrow]:.3g})")
    if scale == "none":
        return said + ": unscaled, the widest decides alone; scale=standard or scale=minmax evens them out"
    return said + f"; {scale} scaling evens them out"


# ----- labels


def _classes(column: Column) -> tuple[np.ndarray, list[str]]:
    """(y, class names) of the label column's rows (none of them missing): equal numbers are one class."""
    codes = column.codes
    present = np.flatnonzero(np.bincount(codes, minlength=len(column.texts)))
    names = [rules.label_name(t) for t in column.texts]
    classes = rules.class_order({names[k] for k in present})
    index = {name: k for k, name in enumerate(classes)}
    lookup = np.array([index.get(n, -1) for n in names], dtype=np.int64)
    return lookup[codes], classes


# ----- the encoding, fitted on the training rows


def _encode(numbers: list[Column], texts: list[tuple[Column, list[str] | None]], train: np.ndarray | None,
            impute: bool, report: _Report) -> tuple[np.ndarray, list[str], dict]:
    """(X, names, constants): the numbers, missing ones imputed by their training median; each text column
    one-hot (its missing cells the training rows' most frequent text), fitted on the training rows."""
    n = len(numbers[0].numbers) if numbers else len(texts[0][0].codes)
    needs_fit = texts or (impute and any(c.missing().any() for c in numbers))
    if not needs_fit:  # numbers only, none missing: the columns as they are, in one array
        X = np.empty((n, len(numbers)), dtype=np.float64)
        for j, column in enumerate(numbers):
            X[:, j] = column.numbers
        return X, [c.name for c in numbers], {}

    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    table = np.empty((n, len(numbers) + len(texts)), dtype=np.float64)
    for j, column in enumerate(numbers):
        table[:, j] = column.numbers
    for j, (column, _) in enumerate(texts, start=len(numbers)):
        table[:, j] = np.where(column.codes >= 0, column.codes, np.nan)
    parts, constants = [], {}
    numeric = list(range(len(numbers)))
    if numeric:
        imputer = SimpleImputer(strategy="median", keep_empty_features=True) if impute else "passthrough"
        parts.append(("numbers", imputer, numeric))
    for j, (column, named) in enumerate(texts, start=len(numbers)):
        if named is None:
            categories = "auto"
        else:
            categories = [[float(column.texts.index(t)) for t in named]]
        encoder = OneHotEncoder(categories=categories, handle_unknown="ignore", sparse_output=False, dtype=np.float64)
        steps = [SimpleImputer(strategy="most_frequent"), encoder] if column.missing().any() else [encoder]
        parts.append((column.name, make_pipeline(*steps), [j]))
    assembly = ColumnTransformer(parts, sparse_threshold=0)
    fit_rows = table if train is None else table[train]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown categories outside the training rows: said below, in words
        assembly.fit(fit_rows)
        X = np.ascontiguousarray(assembly.transform(table), dtype=np.float64)
    names = [c.name for c in numbers]
    filled = []
    if numeric and impute:
        medians = assembly.named_transformers_["numbers"].statistics_
        constants["median"] = {c.name: float(m) for c, m in zip(numbers, medians)}
        filled += [f"{c.name!r} {int(c.missing().sum()):,} with the median {float(m):.6g}"
                   for c, m in zip(numbers, medians) if c.missing().any()]
    constants["categories"] = {}
    for column, named in texts:
        pipeline = assembly.named_transformers_[column.name]
        codes = [int(c) for c in pipeline[-1].categories_[0]]
        categories = [column.texts[c] for c in codes]
        constants["categories"][column.name] = categories
        names += [f"{column.name}={c}" for c in categories]
        if len(pipeline) > 1:
            common = column.texts[int(pipeline[0].statistics_[0])]
            constants.setdefault("most_frequent", {})[column.name] = common
            filled.append(f"{column.name!r} {int(column.missing().sum()):,} with the most frequent {common!r}")
        if train is not None:
            seen = np.zeros(len(column.texts) + 1, dtype=bool)
            seen[codes] = True
            unseen = ~seen[column.codes] & (column.codes >= 0)
            if unseen.any():
                others = sorted({column.texts[c] for c in column.codes[unseen]})
                report.notices.append(f"{column.name!r} has {_some(others)} only outside the training rows "
                                      f"({_plural(int(unseen.sum()), 'row')}): none of its columns is set there")
    if filled:
        report.notices.append("missing cells filled from the training rows: " + ", ".join(filled))
    if texts:
        report.notices.append("one-hot: " + ", ".join(
            f"{c.name!r} as {_plural(len(constants['categories'][c.name]), 'column')} "
            f"({_some(constants['categories'][c.name], quote=False)})" for c, _ in texts))
    return X, names, constants


# ----- all together


def split_rows(y: np.ndarray, test_size: float, val_size: float, seed: int, parts) -> tuple:
    """standalone.split_rows, its ValueError a SettingError naming the fraction that cannot be met."""
    try:
        return standalone.split_rows(y, test_size, val_size, seed, parts)
    except ValueError as error:
        name = "val_size" if val_size and "test_size" not in str(error) else "test_size"
        raise SettingError(name, f"cannot split {len(y)} rows of {int(y.max()) + 1 if len(y) else 0} classes with "
                                 f"every class in each part ({error})") from None


def load(s) -> CsvData:
    """The data of the csv dataset of resolved settings `s`; TableProblems naming every problem of the file,
    DataError for a file that cannot be read at all, ResourceError for one too large for the memory."""
    try:
        return _load(s, s.csv)
    except rules.CsvProblem as problem:
        raise DataError(s.csv, str(problem)) from None


def _header_problems(cells: list[str], names: list[str]) -> tuple[list[str], list[str]]:
    """(problems, names made unique): a name given twice; a first line of numbers only (no header)."""
    problems = []
    twice = [n for k, n in enumerate(names) if n in names[:k]]
    for name in dict.fromkeys(twice):
        problems.append(f"the header names {name!r} {names.count(name)} times; rename the columns so that each "
                        "name is one column's")
    if twice:
        names = [n if n not in names[:k] else f"{n} ({k + 1})" for k, n in enumerate(names)]
    if all(rules.number(c) is not None for c in cells):
        problems.append(f"its first line ({_some((c.strip() for c in cells), quote=False)}) is all numbers: the file "
                        "seems to have no header row; add one naming the columns")
    return problems, names


def _load(s, path: str) -> CsvData:
    from ..memory import check_csv_memory

    size = _check_file(path)
    line_bytes, columns_seen = sample_shape(path)
    check_csv_memory(path, size, line_bytes, columns_seen)
    skip, _, delimiter, cells = _header(path)
    report = _Report()
    report.problems, names = _header_problems(cells, rules.column_names(cells))
    roles = rules.column_roles(names, s.label, s.features, s.exclude, split=True)
    if roles[-1]:  # columns named that the file lacks: nothing else can be said yet
        raise TableProblems(path, report.problems + roles[-1], fixes=report.fixes)
    sources = lambda features: list(dict.fromkeys(rules.feature_source(f, names)[0] for f in features))  # noqa: E731
    wanted = [n for n in names if n in {roles[0], *sources(roles[2]), roles[3], rules.SOURCE_ROW}]
    block_names = [n for n in wanted if n in sources(roles[2])]
    read, rows, block = _read_columns(path, delimiter, names, skip, wanted, roles[0], block_names,
                                      size // line_bytes)
    lines = Lines(skip + 2, rows)  # each row's line in the file (the header's is skip + 1)
    blank = np.ones(rows, dtype=bool)
    for name, column in read.items():
        if name != rules.SOURCE_ROW:
            blank &= column.missing()
    if blank.any():  # blank lines, and rows of empty cells only: no rows at all
        read = {name: column.take(~blank) for name, column in read.items()}
        lines, block = lines.take(~blank), None
    if not len(lines):
        raise rules.CsvProblem("needs a header row and at least one row of data")
    split_column = read.get(roles[3])
    if split_column is not None and not (split_column.is_text and not split_column.missing().any()
                                         and rules.is_split(split_column.texts)):
        first_label = roles[0]
        roles = rules.column_roles(names, s.label, s.features, s.exclude, split=False)  # an ordinary column
        if roles[-1]:
            raise TableProblems(path, report.problems + roles[-1], fixes=report.fixes)
        if roles[0] != first_label:  # the column read as the label is a feature: its numbers as numbers
            read[first_label] = _as_numbers(read[first_label])
    label, guessed, features, split, left_out, _ = roles
    for name in left_out:
        report.notices.append(f"column {name!r} (no name in the header: a saved index, most likely) is left out; "
                              "features naming it keeps it")

    def text_at(at: int, name: str) -> str:
        return _cell_text(path, delimiter, lines[at], names.index(name))

    # the features: numbers, texts, categories of texts named one by one
    pinned: dict[str, list[str]] = {}
    for f in features:
        source, category = rules.feature_source(f, names)
        if category is not None:
            pinned.setdefault(source, []).append(category)
    chosen = set(s.features or [])
    number_columns = [read[n] for n in sources(features) if not read[n].is_text and n not in pinned]
    text_columns = [read[n] for n in sources(features) if read[n].is_text or n in pinned]
    for name, named in pinned.items():
        column = read[name]
        if name in features:
            report.problems.append(f"features names {name!r} and categories of it ({_some(named)}): name the "
                                   "column or some of its texts, not both")
        elif not column.is_text:
            report.problems.append(f"features names categories of {name!r} ({_some(named)}), a column of numbers")
        elif [t for t in named if t not in column.texts]:
            unknown = [t for t in named if t not in column.texts]
            report.problems.append(f"features names {_some(f'{name}={t}' for t in unknown)}, and column {name!r} "
                                   f"has no such text (it has {_some(column.texts)})")
    for column in text_columns:
        problem = None if column.name in pinned else _text_problem(column, lines, s.categorical)
        if problem:
            report.refuse(*problem)
    for column in number_columns:
        for problem in _number_problems(column, lines, text_at, s.scale, column.name in chosen):
            report.refuse(*problem)

    # missing cells: refused, or their rows dropped, or imputed (a missing label is never made up)
    target = read[label]
    if not target.is_text:  # a column read as a feature became the label (a split column that holds no split)
        labels = _Texts(len(lines))
        labels.add_numbers(target.numbers, 0)
        target = read[label] = labels.column(label, len(lines), sort=False)
    considered = [target, *number_columns, *text_columns]
    gaps = {c.name: int(c.missing().sum()) for c in considered}
    gaps = {name: count for name, count in gaps.items() if count}
    unlabelled = target.missing()
    any_gap = unlabelled.copy()
    for column in considered[1:]:
        if column.name in gaps:
            any_gap |= column.missing()
    keep = ~unlabelled
    if gaps and s.missing == "refuse":
        report.refuse(
            f"{_plural(sum(gaps.values()), 'missing cell')} in {_plural(int(any_gap.sum()), 'row')} "
            f"({_rows(lines, any_gap)}): {_missing_text(gaps, label)}; missing=drop leaves those rows out, "
            "missing=impute fills them from the training rows (a column's median, its most frequent text)",
            (Fix("missing", "drop", f"leave the {_plural(int(any_gap.sum()), 'row')} with a missing cell out"),
             Fix("missing", "impute", "impute them from the training rows (median, most frequent)")))
    elif gaps and s.missing == "drop":
        keep = ~any_gap
        report.notices.append(f"{_plural(int(any_gap.sum()), 'row')} with missing cells left out "
                              f"({_rows(lines, any_gap)}): {_missing_text(gaps, label)}")
    elif unlabelled.any():
        report.notices.append(f"{_plural(int(unlabelled.sum()), 'row')} without a label left out "
                              f"({_rows(lines, unlabelled)})")

    # the classes, of the rows kept
    if target.is_text and target.more_texts:
        report.problems.append(f"column {label!r} (the label) has more than {DISTINCT_MOST:,} distinct values; set "
                               f"label to the column of classes (the columns are {', '.join(names)})")
        raise TableProblems(path, report.problems, fixes=report.fixes)
    kept = keep.all()
    if not kept:
        read = {name: column.take(keep) for name, column in read.items()}
        lines, block = lines.take(keep), None
        target = read[label]
        number_columns = [read[c.name] for c in number_columns]
        text_columns = [read[c.name] for c in text_columns]
    y, classes = _classes(target)
    values = [rules.number(t) for t in target.texts]
    measured = None not in values and not all(v.is_integer() for v in values)  # 0.5, 1.25, ...
    if guessed and len(classes) > 1 and (len(classes) > 50 or measured):
        report.problems.append(f"the label column is not named, and the last column, {label!r}, has "
                               f"{_plural(len(classes), 'distinct value')}: a measurement more likely than classes; "
                               f"set label to the column of classes (the columns are {', '.join(names)})")
    elif not classes:
        report.problems.append(f"column {label!r} (the label) has no value in any row")
    elif len(classes) < 2:
        report.problems.append(f"column {label!r} (the label) holds a single class ({_some(classes)}); a classifier "
                               "needs two or more")
    else:
        counts = np.bincount(y, minlength=len(classes))
        for k in np.flatnonzero(counts < 2):
            report.problems.append(f"class {classes[k]!r} has {_plural(int(counts[k]), 'row')}; each class needs at "
                                   "least 2 to be split into training and test")
    if report.problems:
        context = f"with label {label!r}, the last column (label= names another)" if guessed else ""
        raise TableProblems(path, report.problems, context, fixes=report.fixes)

    parts = None
    if split is not None:
        words = np.array([rules.part_of(t) for t in read[split].texts])
        parts = words[read[split].codes]
        counts = {p: int((parts == p).sum()) for p in rules.PARTS}
        report.notices.append(f"column {split!r} gives the split: {counts['train']:,} train, {counts['val']:,} "
                              f"validation, {counts['test']:,} test rows")
    said = f"label: column {label!r}" + (" (the last; label= names another)" if guessed else "")
    report.notices.insert(0, f"{said}, {_plural(len(classes), 'class', 'classes')}: {_some(classes, quote=False)}")
    spread = _spread_notice(number_columns, s.scale)
    if spread:
        report.notices.append(spread)

    # the encoding, fitted on the training rows of the split the settings make
    texts = [(c, sorted(pinned[c.name]) if c.name in pinned else None) for c in text_columns]
    impute = s.missing == "impute"
    fitted = None
    if texts or (impute and any(c.missing().any() for c in number_columns)):
        key = (s.test_size, s.val_size, s.data_seed)
        fitted = (key, split_rows(y, *key, parts))
        X, feature_names, constants = _encode(number_columns, texts, fitted[1][0], impute, report)
    elif block is not None and [c.name for c in number_columns] == block_names:
        X, feature_names, constants = block, block_names, {}  # the numbers as read: no copy made
    else:
        X, feature_names, constants = _encode(number_columns, [], None, False, report)
    numbered = read.get(rules.SOURCE_ROW)
    if numbered is not None and rules.SOURCE_ROW not in [label, *sources(features)] and not numbered.is_text and (
            numbered.integer and not numbered.missing().any()):
        lines = Lines(0, len(lines), numbered.numbers.astype(np.int64))  # a data CSV read back: its rows keep
        # the lines they had in the file it was written from
    source = SourceColumns(tuple(read[n] for n in sources(features)), label, lines)
    return CsvData(X, y, classes, feature_names, parts, report.notices, source, fitted, constants)
