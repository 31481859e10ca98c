"""A user's CSV file as the engine reads it.

pandas reads it (types inferred; the delimiter sniffed from the header: a comma, semicolon, tab or bar), in
chunks written into arrays made once, so that a large file costs little more than its numbers. Every
problem of the table is found before any is reported, and all are reported at once, each with the setting
that fixes it (`TableProblems`). The label becomes classes (equal numbers are one class), and the feature
columns are encoded with scikit-learn's own tools, fitted on the training rows: `SimpleImputer` (median of
a number column, most frequent text) and `OneHotEncoder`, assembled by a `ColumnTransformer`. What the
reading decided and a person should know (the label chosen, a column left out, rows dropped, cells filled,
spreads far apart) is said in `notices`.

The parts: csv_reading (the header, then the columns), csv_columns (what a column holds), csv_problems (what
is wrong with them, and the settings that mend it), csv_encoding (imputing and one-hot), csv_words (how the
messages name things). This module puts them together: the columns' roles, the missing cells, the label's
classes, and the data.

The exported script reads the same file with engine.standalone.csv_file, whose rules (which column is what,
which cells are missing, how labels become classes) these modules share, and whose numpy encoding a test
holds to this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import standalone
from ..errors import DataError, Fix, SettingError, TableProblems
from ..standalone import csv_file as rules
from . import csv_reading, plain_pages
from .csv_columns import DISTINCT_MOST, Column, Lines, SourceColumns
from .csv_encoding import encode
from .csv_problems import Report, as_numbers, missing_text, number_problems, spread_notice, text_problem
from .csv_reading import Texts, cell_text, check_file, header, sample_shape
from .csv_words import plural, rows_named, some


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


# ----- labels


def _classes(column: Column) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(y, class names, rows of each class) of the label column's rows (none of them missing): equal numbers
    are one class."""
    codes = column.codes
    counts = np.bincount(codes, minlength=len(column.texts)) if column.counts is None else column.counts
    names = [rules.label_name(t) for t in column.texts]
    present = np.flatnonzero(counts)
    classes = rules.class_order({names[k] for k in present})
    index = {name: k for k, name in enumerate(classes)}
    lookup = np.array([index.get(n, -1) for n in names], dtype=np.int64)
    sizes = np.bincount(lookup[present], weights=counts[present], minlength=len(classes)).astype(np.int64)
    if codes.dtype == np.int64 and np.array_equal(lookup[present], present):  # classes met in their order: y as read
        return codes, classes, sizes
    y = plain_pages.empty(codes.shape, np.int64)
    return np.take(lookup, codes, out=y, mode="clip"), classes, sizes  # clip: no buffer (every code is in range)


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
    problems, seen, twice = [], set(), []
    for name in names:
        (twice.append if name in seen else seen.add)(name)
    for name in dict.fromkeys(twice):
        problems.append(f"the header names {name!r} {names.count(name)} times; rename the columns so that each "
                        "name is one column's")
    if twice:
        seen.clear()
        names = [f"{n} ({k + 1})" if n in seen else seen.add(n) or n for k, n in enumerate(names)]
    if all(rules.number(c) is not None for c in cells):
        problems.append(f"its first line ({some((c.strip() for c in cells), quote=False)}) is all numbers: the file "
                        "seems to have no header row; add one naming the columns")
    return problems, names


def _load(s, path: str) -> CsvData:
    from ..memory import check_csv_memory

    size = check_file(path)
    line_bytes, columns_seen = sample_shape(path)
    check_csv_memory(path, size, line_bytes, columns_seen)
    skip, top, delimiter, cells = header(path)
    report = Report()
    report.problems, names = _header_problems(cells, rules.column_names(cells))
    roles = rules.column_roles(names, s.label, s.features, s.exclude, split=True)
    if roles[-1]:  # columns named that the file lacks: nothing else can be said yet
        raise TableProblems(path, report.problems + roles[-1], fixes=report.fixes)
    # as sets, once: a file of thousands of columns asked each name of each other (16 s for 1,000 columns)
    def sources(features: list[str]) -> list[str]:
        named = set(names)  # as it is now
        return list(dict.fromkeys(rules.feature_source(f, named)[0] for f in features))

    chosen = set(sources(roles[2]))
    wanted = [n for n in names if n in chosen or n in {roles[0], roles[3], rules.SOURCE_ROW}]
    block_names = [n for n in wanted if n in chosen]
    read, rows, block = csv_reading.read_columns(path, delimiter, names, skip, wanted, roles[0], block_names,
                                      size // line_bytes)
    lines = Lines(skip + 2 + top.count("\n"), rows)  # each row's line in the file (the header's is skip + 1)
    cells = sorted((column for name, column in read.items() if name != rules.SOURCE_ROW), key=lambda c: c.is_text)
    blank = np.zeros(rows, dtype=bool)
    if not any(column.gaps() == 0 for column in cells):  # else no row is empty (numbers first: no pass over them)
        blank = np.logical_and.reduce([column.missing() for column in cells])
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
            read[first_label] = as_numbers(read[first_label])
    label, guessed, features, split, left_out, _ = roles
    for name in left_out:
        report.notices.append(f"column {name!r} (no name in the header: a saved index, most likely) is left out; "
                              "features naming it keeps it")

    def text_at(at: int, name: str) -> str:
        return cell_text(path, delimiter, lines[at], names.index(name))

    # the features: numbers, texts, categories of texts named one by one
    pinned: dict[str, list[str]] = {}
    named = set(names)
    for f in features:
        source, category = rules.feature_source(f, named)
        if category is not None:
            pinned.setdefault(source, []).append(category)
    chosen = set(s.features or [])
    number_columns = [read[n] for n in sources(features) if not read[n].is_text and n not in pinned]
    text_columns = [read[n] for n in sources(features) if read[n].is_text or n in pinned]
    for name, named in pinned.items():
        column = read[name]
        if name in features:
            report.problems.append(f"features names {name!r} and categories of it ({some(named)}): name the "
                                   "column or some of its texts, not both")
        elif not column.is_text:
            report.problems.append(f"features names categories of {name!r} ({some(named)}), a column of numbers")
        elif [t for t in named if t not in column.texts]:
            unknown = [t for t in named if t not in column.texts]
            report.problems.append(f"features names {some(f'{name}={t}' for t in unknown)}, and column {name!r} "
                                   f"has no such text (it has {some(column.texts)})")
    for column in text_columns:
        problem = None if column.name in pinned else text_problem(column, lines, s.categorical, text_at)
        if problem:
            report.refuse(*problem)
    for column in number_columns:
        for problem in number_problems(column, lines, text_at, s.scale, column.name in chosen):
            report.refuse(*problem)

    # missing cells: refused, or their rows dropped, or imputed (a missing label is never made up)
    target = read[label]
    if not target.is_text:  # a column read as a feature became the label (a split column that holds no split)
        labels = Texts(len(lines))
        labels.add_numbers(target.numbers, 0)
        target = read[label] = labels.column(label, len(lines), sort=False)
    considered = [target, *number_columns, *text_columns]
    gaps = {c.name: c.gaps() for c in considered}
    # an empty column is a problem of its own (exclude it), not a reason to drop or fill every row
    gaps = {name: count for name, count in gaps.items() if count and (count < len(lines) or name == label)}
    keep = unlabelled = None  # no cell missing: no pass over the rows
    if gaps:
        unlabelled = target.missing()
        any_gap = unlabelled.copy()
        for column in considered[1:]:
            if column.name in gaps:
                any_gap |= column.missing()
        keep = ~unlabelled
    if gaps and s.missing == "refuse":
        report.refuse(
            f"{plural(sum(gaps.values()), 'missing cell')} in {plural(int(any_gap.sum()), 'row')} "
            f"({rows_named(lines, any_gap)}): {missing_text(gaps, label)}; missing=drop leaves those rows out, "
            "missing=impute fills them from the training rows (a column's median, its most frequent text)",
            (Fix("missing", "drop", f"leave the {plural(int(any_gap.sum()), 'row')} with a missing cell out"),
             Fix("missing", "impute", "impute them from the training rows (median, most frequent)")))
    elif gaps and s.missing == "drop":
        keep = ~any_gap
        report.notices.append(f"{plural(int(any_gap.sum()), 'row')} with missing cells left out "
                              f"({rows_named(lines, any_gap)}): {missing_text(gaps, label)}")
    elif unlabelled is not None and unlabelled.any():
        report.notices.append(f"{plural(int(unlabelled.sum()), 'row')} without a label left out "
                              f"({rows_named(lines, unlabelled)})")

    # the classes, of the rows kept
    if target.is_text and target.more_texts:
        report.problems.append(f"column {label!r} (the label) has more than {DISTINCT_MOST:,} distinct values; set "
                               f"label to the column of classes (the columns are {', '.join(names)})")
        raise TableProblems(path, report.problems, fixes=report.fixes)
    if keep is not None and not keep.all():
        read = {name: column.take(keep) for name, column in read.items()}
        lines, block = lines.take(keep), None
        target = read[label]
        number_columns = [read[c.name] for c in number_columns]
        text_columns = [read[c.name] for c in text_columns]
    y, classes, counts = _classes(target)
    values = [rules.number(t) for t in target.texts]
    measured = None not in values and not all(v.is_integer() for v in values)  # 0.5, 1.25, ...
    if guessed and len(classes) > 1 and (len(classes) > 50 or measured):
        report.problems.append(f"the label column is not named, and the last column, {label!r}, has "
                               f"{plural(len(classes), 'distinct value')}: a measurement more likely than classes; "
                               f"set label to the column of classes (the columns are {', '.join(names)})")
    elif not classes and (unlabelled is None or not unlabelled.all()):  # every labelled row misses a cell elsewhere
        report.problems.append("no row is left once the rows with a missing cell are left out (missing=drop); "
                               "missing=impute fills them")
    elif not classes:
        report.problems.append(f"column {label!r} (the label) has no value in any row")
    elif len(classes) < 2:
        report.problems.append(f"column {label!r} (the label) holds a single class ({some(classes)}); a classifier "
                               "needs two or more")
    else:
        for k in np.flatnonzero(counts < 2):
            report.problems.append(f"class {classes[k]!r} has {plural(int(counts[k]), 'row')}; each class needs at "
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
    report.notices.insert(0, f"{said}, {plural(len(classes), 'class', 'classes')}: {some(classes, quote=False)}")
    spread = spread_notice(number_columns, s.scale)
    if spread:
        report.notices.append(spread)

    # the encoding, fitted on the training rows of the split the settings make
    texts = [(c, sorted(pinned[c.name]) if c.name in pinned else None) for c in text_columns]
    impute = s.missing == "impute"
    fitted = None
    if texts or (impute and any(c.missing().any() for c in number_columns)):
        key = (s.test_size, s.val_size, s.data_seed)
        fitted = (key, split_rows(y, *key, parts))
        X, feature_names, constants = encode(number_columns, texts, fitted[1][0], impute, report)
    elif block is not None and [c.name for c in number_columns] == block_names:
        X, feature_names, constants = block, block_names, {}  # the numbers as read: no copy made
    else:
        X, feature_names, constants = encode(number_columns, [], None, False, report)
    numbered = read.get(rules.SOURCE_ROW)
    if numbered is not None and rules.SOURCE_ROW not in [label, *sources(features)] and not numbered.is_text and (
            numbered.integer and not numbered.missing().any()):
        lines = Lines(0, len(lines), numbered.numbers.astype(np.int64))  # a data CSV read back: its rows keep
        # the lines they had in the file it was written from
    source = SourceColumns(tuple(read[n] for n in sources(features)), label, lines)
    return CsvData(X, y, classes, feature_names, parts, report.notices, source, fitted, constants)
