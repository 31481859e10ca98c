"""A dataset as the engine uses it: features, labels, names, and the exact target where one exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import standalone
from ..errors import DataError
from ..schema import Settings
from . import csv_table
from .csv_columns import SourceColumns


@dataclass(frozen=True)
class Dataset:
    name: str
    X: np.ndarray  # (n, d): float32, or a file's float64 (scaled in float64; the model gets float32)
    y: np.ndarray  # (n,) int64 in 0..K-1
    class_names: list[str]
    feature_names: list[str]
    target: Callable[[np.ndarray], np.ndarray] | None = None  # exact labels of any points
    parts: np.ndarray | None = None  # each row's "train", "val" or "test", when the file says (a CSV's split)
    # what reading the data decided that a person should know: a CSV file's label column, the columns left
    # out, rows dropped, cells imputed, spreads far apart. The command line prints them; the app shows them
    notices: tuple[str, ...] = ()
    source: SourceColumns | None = None  # a CSV file's feature columns as read, and each row's line
    path: str | None = None  # the file the data was read from
    # ((test_size, val_size, seed), (train, val, test)): the split a CSV file's encoding was fitted on
    fitted: tuple | None = None
    preprocessing: dict | None = None  # a CSV file's fitted encoding: medians, most frequent texts, categories

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def numeric_features(self) -> list[int]:
        """The features a map's plane can span: numbers, not the columns of a text's one-hot group."""
        categories = (self.preprocessing or {}).get("categories") or {}
        onehot = {f"{column}={value}" for column, values in categories.items() for value in values}
        return [i for i, name in enumerate(self.feature_names) if name not in onehot]


def make_dataset(settings: Settings) -> Dataset:
    """The full dataset for resolved settings: the same settings always give the same arrays."""
    s = settings
    if s.dataset == "csv":  # read here, so that a bad file is a DataError naming it
        data = csv_table.load(s)
        return Dataset(s.dataset, data.X, data.y, data.class_names, data.feature_names, None, data.parts,
                       tuple(data.notices), data.source, s.csv, data.fitted, data.preprocessing)
    X, y, class_names, feature_names, parts = standalone.generate(s.to_flat())
    y = np.asarray(y, dtype=np.int64)  # the true labels: label noise touches the training rows only (split)
    counts = np.bincount(y, minlength=len(class_names))
    if counts.min() < 2:
        rare = class_names[int(counts.argmin())]
        raise DataError(s.dataset, f"class {rare!r} has {counts.min()} row(s); each class needs at least 2 "
                                   "to be split into training and test")
    return Dataset(s.dataset, np.ascontiguousarray(X, dtype=np.float32), y, list(class_names),
                   list(feature_names), standalone.TARGETS.get(s.dataset), parts)
