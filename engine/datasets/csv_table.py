"""A user's CSV file as the engine reads it: the standalone reader's problems become DataErrors naming the file."""

from __future__ import annotations

from ..errors import DataError


def _read(what, path: str, *args):
    from .. import standalone

    try:
        return what(path, *args)
    except standalone.CsvProblem as problem:
        raise DataError(path, str(problem)) from None


def columns(path: str) -> list[str]:
    """The names in the header row (DataError if the file is no CSV with data)."""
    from .. import standalone

    return [h.strip() for h in _read(standalone.csv_rows, path)[0]]


def load(path: str, label: str | None, features: list[str] | None):
    """(X, y, class names, feature names); DataError naming the file and the row or column at fault."""
    from .. import standalone

    return _read(standalone.read_csv, path, label, features)
