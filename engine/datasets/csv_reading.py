"""Reading a CSV file: its header and delimiter, then its columns with pandas, in chunks written into arrays
made once (a large file costs little more than its numbers); a malformed row named by its line."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import warnings

import numpy as np

from .. import heap
from ..errors import DataError
from ..standalone import csv_file as rules
from . import csv_chunks, plain_pages
from .csv_columns import BEYOND_NUMBER, BEYOND_WORD, DISTINCT_MOST, BlockMoments, Column, Moments
from .csv_pieces import Numbers, piece

MAX_HEADER = 1 << 22  # characters of a header row whose quote never closes: read no further (not a header)
CHUNK_CELLS = 400_000  # cells parsed per chunk at the most: the parser's buffers (about 24 bytes a cell beside the
# text) stay below the size glibc keeps for reuse once freed (engine.heap: 32 MiB), so that the next chunk's
# parser finds them instead of faulting in fresh pages (with 4M-cell chunks reading cost 2.4 times pandas'
# read of a 5M-row file, 1.65 times with these)
CHUNK_LEAST = 60_000  # cells parsed per chunk at the least: a chunk's own work (a parser made, types inferred, a
# piece worked out per column) is paid however few its rows
CHUNK_ROWS_LEAST = 1_000  # rows per chunk at the least (a wide table's chunk of up to CHUNK_CELLS_MOST cells): its
# work per column is paid per chunk, and with 400-row chunks a table of a thousand columns spent its reading there
CHUNK_CELLS_MOST = 4_000_000  # a chunk's cells at the most: its parser's memory stays near 100 MB


def chunk_rows(rows_guess: int, columns: int) -> int:
    """Rows a chunk: a 32nd of the file, from CHUNK_LEAST to CHUNK_CELLS cells; in a wide table CHUNK_ROWS_LEAST
    rows. Fewer, larger chunks left a core idle, and what each thread's heap keeps of its parsers' buffers
    grows with them (a 1M-row file, reading included, peaked at 3.1 times its size in 16 chunks, 2.4 in 32)."""
    columns = max(1, columns)
    rows = max(CHUNK_LEAST // columns, min(CHUNK_CELLS // columns, rows_guess // 32))
    return max(rows, min(CHUNK_ROWS_LEAST, CHUNK_CELLS_MOST // columns))


def check_file(path: str) -> int:
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


def header(path: str) -> tuple[int, str, str, list[str]]:
    """(lines before the header, the header row, the delimiter, the header's cells): the first row that is
    not blank, over several lines when a quoted name holds a line break ("feat\none")."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for skipped, line in enumerate(handle):
                if line.strip():
                    delimiter = rules._delimiter(line.rstrip("\r\n"))
                    while line.count('"') % 2 and len(line) < MAX_HEADER:  # a quoted name goes on: its next line
                        more = handle.readline()
                        if not more:
                            break
                        line += more
                    line = line.rstrip("\r\n")
                    return skipped, line, delimiter, next(csv.reader(io.StringIO(line, newline=""),
                                                                     delimiter=delimiter))
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
        check_file(path)
        return rules.column_names(header(path)[3])
    except rules.CsvProblem as problem:
        raise DataError(path, str(problem)) from None


# ----- reading


class Texts:
    """Distinct texts of one column, chunk after chunk: each a code, in the order first met."""

    def __init__(self, rows: int, counted: bool = False, dtype=np.int32):
        self.codes = plain_pages.empty((rows,), dtype)
        self.index: dict[str, int] = {}
        self.more = False
        # rows of each text, for a label whose every chunk says them (None once one does not)
        self.counts: list[int] | None = [] if counted else None

    def _code(self, text: str) -> int:
        code = self.index.get(text)
        if code is None:
            if len(self.index) >= DISTINCT_MOST:  # beyond the kept texts: a number among them, or a word
                self.more, code = True, (BEYOND_NUMBER if rules.number(text) is not None else BEYOND_WORD)
            else:
                code = self.index[text] = len(self.index)
                if self.counts is not None:
                    self.counts.append(0)
        return code

    def add(self, series, start: int) -> None:
        import pandas as pd

        self.add_coded(*pd.factorize(series, use_na_sentinel=True), start)

    def add_numbers(self, values: np.ndarray, start: int) -> None:
        """A label's numbers, each by its class name: 1 and 1.0 are one text, "1"."""
        import pandas as pd

        self.add_coded(*pd.factorize(values, use_na_sentinel=True), start, numbers=True)

    def add_coded(self, codes: np.ndarray, uniques, start: int, numbers: bool = False,
                  counts: np.ndarray | None = None) -> None:
        """Rows from `start` given as codes into their distinct values `uniques` (-1: missing); numbers by
        their class names. `counts`: how many rows are missing, then of each of `uniques` (a label's, so
        that its classes are known without another pass over the rows)."""
        lookup = np.empty(len(uniques) + 1, dtype=self.codes.dtype)
        lookup[-1] = -1
        for k, value in enumerate(uniques):
            if counts is not None and not counts[k + 1]:  # a code no row has (a label's small numbers)
                lookup[k] = -1
                continue
            text = rules.number_name(value) if numbers else str(value).strip()
            lookup[k] = -1 if not numbers and text in rules.MISSING else self._code(text)
        if counts is None:
            self.counts = None
        elif self.counts is not None:
            for code, count in zip(lookup[:-1].tolist(), counts[1:].tolist()):
                if code >= 0:
                    self.counts[code] += count
        self.codes[start:start + len(codes)] = lookup[codes]

    def grow(self, rows: int) -> None:
        self.codes = _grown(self.codes, rows)

    def column(self, name: str, rows: int, sort: bool = True) -> Column:
        """Codes renumbered in the texts' sorted order (as OneHotEncoder sorts categories), unless not `sort`
        (a label's: its classes are sorted by number or text, in _classes)."""
        if not sort:
            return Column(name, codes=self.codes[:rows], texts=list(self.index), more_texts=self.more,
                          counts=None if self.counts is None else np.array(self.counts, dtype=np.int64))
        texts = sorted(self.index)
        rank = np.empty(len(self.index) + 3, dtype=np.int32)
        rank[[self.index[t] for t in texts]] = np.arange(len(texts), dtype=np.int32)
        rank[-3:] = BEYOND_WORD, BEYOND_NUMBER, -1  # each negative code stays itself
        return Column(name, codes=rank[self.codes[:rows]], texts=texts, more_texts=self.more)


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    bigger = plain_pages.empty((rows, *array.shape[1:]), array.dtype, order="F")
    bigger[:len(array)] = array
    return bigger


def _reader(path: str, delimiter: str, names: list[str], skip: int, usecols: list[str], chunk: int, **more):
    """pandas' own chunked reader of the file's data rows (a chunk parsed after another, on one core)."""
    import pandas as pd

    return pd.read_csv(path, skiprows=skip + 1, chunksize=chunk, **_options(delimiter, names, usecols), **more)


def _options(delimiter: str, names: list[str], usecols: list[str]) -> dict:
    return dict(sep=delimiter, header=None, names=names, usecols=None if usecols == names else usecols,  # all: faster
                index_col=False, skip_blank_lines=False, skipinitialspace=True, na_values=list(rules.MISSING),
                keep_default_na=True, encoding="utf-8")


def _pieces(path: str, delimiter: str, names: list[str], skip: int, wanted: list[str], label: str, chunk: int,
            rows_guess: int, block: frozenset[str]):
    """The data rows in chunks, each worked out by the thread that parsed it (csv_pieces), where the file can be
    cut at line ends (csv_chunks); else by pandas' own chunked reader, one after another."""
    import pandas as pd

    options = {**_options(delimiter, names, wanted), "low_memory": False}  # a range is parsed whole, its columns
    # made at once (else in pieces of 2**20 cells, then joined)
    found = csv_chunks.frames(path, skip, rows_guess, chunk,
                              lambda source: piece(pd.read_csv(source, **options), wanted, label, block))
    return _in_order(path, delimiter, names, skip, wanted, label, chunk, block) if found is None else found


def _in_order(path: str, delimiter: str, names: list[str], skip: int, wanted: list[str], label: str, chunk: int,
              block: frozenset[str]):
    return (piece(frame, wanted, label, block) for frame in _reader(path, delimiter, names, skip, wanted, chunk))


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


def read_columns(path: str, delimiter: str, names: list[str], skip: int, wanted: list[str], label: str,
                  block_names: list[str], rows_guess: int) -> tuple[dict, int, np.ndarray]:
    """({name: Column} of the `wanted` columns, the number of rows (a blank line is a row of missing cells),
    and one float64 array of the `block_names` columns side by side, each number column of them a view of
    it: when all are numbers, the feature matrix as read, made once). The label is read as its texts, its
    numbers by their class names. Arrays are made for twice `rows_guess` rows (pages never written cost
    nothing) and grown when the file has more."""
    import pandas as pd

    chunk = chunk_rows(rows_guess, len(wanted))
    block = frozenset(block_names)
    heap.roomy()  # the parsers' buffers kept for one another
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # "a loss of data": a row longer than the header
            try:
                return _columns(_pieces(path, delimiter, names, skip, wanted, label, chunk, rows_guess, block), path,
                                delimiter, names, skip, wanted, label, block_names, rows_guess)
            except csv_chunks.Unsplit:  # read again by one parser: a quoted cell may hold a line break, and
                # a parser's error names the file's line
                return _columns(_in_order(path, delimiter, names, skip, wanted, label, chunk, block), path, delimiter,
                                names, skip, wanted, label, block_names, rows_guess)
    except pd.errors.EmptyDataError:
        raise rules.CsvProblem("needs a header row and at least one row of data") from None
    except pd.errors.ParserWarning:
        raise _long_row(path, delimiter, len(names)) from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except (pd.errors.ParserError, ValueError, OSError) as error:
        raise _parse_error(error, len(names)) from None
    finally:
        heap.hand_back()  # the parsers' buffers, kept for one another while reading


def _columns(pieces, path: str, delimiter: str, names: list[str], skip: int, wanted: list[str], label: str,
             block_names: list[str], rows_guess: int) -> tuple[dict, int, np.ndarray]:
    """read_columns() from the file's pieces, in order."""
    capacity = 2 * rows_guess + 1_000
    block = plain_pages.empty((capacity, len(block_names)), np.float64, order="F")  # a column's numbers side by side
    place = {name: k for k, name in enumerate(block_names)}  # a column's in the block (thousands of columns)
    numbers: dict[str, np.ndarray] = {}
    moments: dict[str, Moments] = {}  # of the number columns outside the block (a split column's, say)
    integer = dict.fromkeys(wanted, True)
    block_moments, block_integer = BlockMoments.empty(len(block_names)), np.ones(len(block_names), dtype=bool)
    spots: dict[tuple, tuple] = {}  # where a chunk's number columns go in the block, by their names
    # the label's codes as wide as its classes will be: they are those classes when first met in order (y made
    # without another array or pass)
    texts: dict[str, Texts] = {label: Texts(capacity, counted=True, dtype=np.int64)}
    again: set[str] = set()  # numbers in one chunk and texts in another (or true/false): read again as texts
    start = 0
    for found in pieces:
        size = found.rows
        if start + size > capacity:  # more rows than the first lines foretold
            capacity = 2 * (start + size)
            block = _grown(block, capacity)
            for name in numbers:
                numbers[name] = block[:, place[name]] if name in place else _grown(numbers[name], capacity)
            for column in texts.values():
                column.grow(capacity)
        if found.numbers is not None:
            block_moments = _into_block(found.numbers, spots, place, block, start, block_moments, block_integer)
            named = spots[found.numbers.names][1]
            for name in named & (texts.keys() | again):  # rare: a column of texts in another chunk
                if name in texts and found.numbers.moments.count[found.numbers.names.index(name)]:
                    again.add(name)  # numbers here: read again as texts
                    texts.pop(name)
                elif name in texts:  # a chunk of empty cells of a text column
                    texts[name].codes[start:start + size] = -1
            for name in named - numbers.keys() - texts.keys() - again:
                numbers[name] = block[:, place[name]]
        for name, part in found.parts.items():
            if name in again:
                continue
            if name == label:
                texts[name].add_coded(part.codes, part.uniques, start, part.kind == "numbers", part.counts)
            elif part.kind == "numbers" and name not in texts:
                if name not in numbers:
                    numbers[name] = block[:, place[name]] if name in place else plain_pages.empty((capacity,), np.float64)
                numbers[name][start:start + size] = part.values
                integer[name] &= part.integer
                moments[name] = moments.get(name, Moments()) + part.moments
            elif name not in numbers and (part.kind == "texts" or (part.kind == "numbers" and not part.moments.count)):
                # texts, or a chunk of empty cells of a text column
                column = texts.setdefault(name, Texts(capacity))
                if part.kind == "texts":
                    column.add_coded(part.codes, part.uniques, start)
                else:
                    column.codes[start:start + size] = -1
            else:
                again.add(name)
                numbers.pop(name, None)
                texts.pop(name, None)
        start += size
    for name in again:  # rare: read once more, every cell as its text
        column, at = Texts(capacity), 0
        for frame in _reader(path, delimiter, names, skip, [name], CHUNK_CELLS, dtype=str):
            column.add(frame[name], at)
            at += len(frame)
        texts[name] = column
    rows = start
    result = {}
    for name in wanted:
        if name in texts:
            result[name] = texts[name].column(name, rows, sort=name != label)
        elif name in numbers and name in place:
            result[name] = Column(name, numbers=numbers[name][:rows], integer=bool(block_integer[place[name]]),
                                  moments=block_moments[place[name]])
        elif name in numbers:
            result[name] = Column(name, numbers=numbers[name][:rows], integer=integer[name], moments=moments[name])
        else:  # a column of no cell at all
            result[name] = Column(name, numbers=np.full(rows, np.nan), integer=False)
    return result, rows, block[:rows]


def _into_block(numbers: Numbers, spots: dict, place: dict, block: np.ndarray, start: int, moments: BlockMoments,
                integer: np.ndarray) -> BlockMoments:
    """A chunk's number columns copied into the block from row `start` (one copy when they are all of its
    columns, in order, as they mostly are), their wholeness and moments added to those of the block's columns."""
    spot = spots.get(numbers.names)
    if spot is None:
        at = np.array([place[name] for name in numbers.names], dtype=np.intp)
        whole = len(at) == block.shape[1] and bool((at == np.arange(len(at))).all())
        spot = spots[numbers.names] = (slice(None) if whole else at, frozenset(numbers.names))
    where = spot[0]
    block[start:start + len(numbers.values), where] = numbers.values
    integer[where] &= numbers.integer
    added = numbers.moments if isinstance(where, slice) else numbers.moments.spread_to(where, block.shape[1])
    return moments + added


def _not_utf8(path: str) -> rules.CsvProblem:
    """The problem of a file that is not UTF-8, naming the line of its first byte that is not (the parser's
    own message counts bytes from the start of the chunk it was given)."""
    import codecs

    decoder, done, lines = codecs.getincrementaldecoder("utf-8")(), 0, 1
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                at = done - pending + error.start  # the offending byte, counted from the file's start
                handle.seek(0)
                lines += handle.read(at).count(b"\n")
                return rules.CsvProblem(f"is not UTF-8 text ({error.reason} at byte {at:,}, line {lines:,}); "
                                        "save it as UTF-8")
            done += len(block)
    return rules.CsvProblem("is not UTF-8 text; save it as UTF-8")


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


def cell_text(path: str, delimiter: str, line: int, column: int) -> str:
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
