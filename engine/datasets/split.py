"""The stratified train / validation / test split, the training labels (with their noise), and the
feature scaling fitted on the training part."""

from __future__ import annotations

import hashlib
import math
import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import standalone
from ..errors import DataError, SettingError
from ..schema import DEFAULT_INPUTS
from ..standalone.csv_file import FLOAT32_MAX
from . import csv_problems, csv_table
from .dataset import Dataset
from .shown_points import Shown, shown_points


@dataclass(frozen=True)
class Split:
    dataset: Dataset
    train: np.ndarray  # row indices into dataset.X
    val: np.ndarray  # empty without a validation split
    test: np.ndarray
    shift: np.ndarray  # model input = (x - shift) / scale, x in the dataset's own units
    scale: np.ndarray
    train_labels: np.ndarray  # what training sees: the training rows' labels, label noise applied
    # the model's input columns, transforms of the two scaled features (standalone.TRANSFORMS); data of
    # other than two features has none: its columns go in as they are
    inputs: tuple[str, ...] = DEFAULT_INPUTS

    @property
    def X_train(self) -> np.ndarray:
        return self.dataset.X[self.train]

    @cached_property
    def held(self) -> np.ndarray:
        """Where a slice through the data holds the features off its plane (the decision map of more than two
        features): a number at its training median; a text column's one-hot group at its most frequent
        category on the training rows (the median of each 0/1 column would be no category, or two)."""
        X = self.X_train
        held = np.median(X, axis=0)
        place = {name: k for k, name in enumerate(self.dataset.feature_names)}
        for column, categories in ((self.dataset.preprocessing or {}).get("categories") or {}).items():
            group = [place[f"{column}={c}"] for c in categories if f"{column}={c}" in place]
            if group:
                held[group] = 0.0
                held[group[int(np.argmax(X[:, group].sum(axis=0)))]] = 1.0
        return held

    @property
    def y_train(self) -> np.ndarray:
        return self.train_labels

    @cached_property
    def shown(self) -> Shown:
        """The training and test points a map draws (all of a small set; a stratified sample of a large one)."""
        return shown_points(self.train_labels, self.dataset.y[self.test])

    @cached_property
    def extent(self) -> tuple[np.ndarray, np.ndarray]:
        """Each feature's smallest and largest value over all rows (the map's span), found once."""
        return self.dataset.X.min(axis=0), self.dataset.X.max(axis=0)

    @property
    def X_val(self) -> np.ndarray:
        return self.dataset.X[self.val]

    @property
    def y_val(self) -> np.ndarray:
        return self.dataset.y[self.val]

    @property
    def X_test(self) -> np.ndarray:
        return self.dataset.X[self.test]

    @property
    def y_test(self) -> np.ndarray:
        return self.dataset.y[self.test]

    @property
    def has_val(self) -> bool:
        return len(self.val) > 0

    @property
    def input_names(self) -> tuple[str, ...]:
        """The names of the model's input columns, in order."""
        if self.dataset.X.shape[1] == 2:
            return tuple(self.inputs)
        return tuple(self.dataset.feature_names)

    def to_model_input(self, points: np.ndarray) -> np.ndarray:
        """Points in the dataset's units (rows of the data, cells of a map) as the model reads them: scaled,
        then transformed. A map stays a map of the raw plane whatever the inputs."""
        return standalone.model_input(points, self.shift, self.scale, self.inputs)

    def fingerprint(self) -> str:
        """A hash of the rows, the labels and the split: a checkpoint knows when its data has changed. The
        inputs are left out: they belong to the model (which a checkpoint's settings rebuild), not the data."""
        digest = hashlib.sha256()
        for array in (self.dataset.X, self.dataset.y, self.train, self.val, self.test, self.train_labels):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]


def split(dataset: Dataset, test_size: float, val_size: float, scale: str, seed: int, label_noise: float = 0.0,
          inputs: tuple[str, ...] | list[str] = DEFAULT_INPUTS) -> Split:
    check_inputs(dataset, inputs)
    if dataset.fitted is not None and dataset.fitted[0] == (test_size, val_size, seed):
        train, val, test = dataset.fitted[1]  # the split a file's encoding was fitted on, made once
    else:
        train, val, test = csv_table.split_rows(dataset.y, test_size, val_size, seed, dataset.parts)
    labels = standalone.training_labels(dataset.y, train, label_noise, dataset.num_classes, seed)
    if dataset.X.dtype == np.float64:
        shift, factor = file_scaling(dataset, train, scale)
    else:
        shift, factor = standalone.scaling(dataset.X[train], scale)
    return Split(dataset, train, val, test, shift, factor, labels, tuple(inputs))


def file_scaling(dataset: Dataset, train: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """(shift, scale) of a file's float64 features, fitted on the training rows by scikit-learn's
    StandardScaler or MinMaxScaler, in float64; DataError naming a column that the model's float32 cannot
    hold once scaled: values beyond its range, or a column that would become constant."""
    d = dataset.X.shape[1]
    shift, factor = np.zeros(d), np.ones(d)
    if scale != "none":
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if scale == "standard":
                fitted = StandardScaler().fit(dataset.X[train])
                shift, factor = fitted.mean_, fitted.scale_
            else:
                fitted = MinMaxScaler().fit(dataset.X[train])
                shift, factor = fitted.data_min_, np.where(fitted.data_range_ > 0, fitted.data_range_, 1.0)
    where = dataset.path or dataset.name
    for j, name in enumerate(dataset.feature_names):
        column = dataset.X[:, j]
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = (column - shift[j]) / factor[j]
        top = float(np.max(np.abs(scaled))) if len(scaled) else 0.0
        if not math.isfinite(top) or top > FLOAT32_MAX:
            raise DataError(where, f"column {name!r} scaled {scale} reaches {top:.3g}, beyond what the model's 32-bit "
                                   f"numbers hold (±{FLOAT32_MAX:.3g}): rescale the column, or "
                                   f"exclude={name.split('=')[0]}")
        if column.min() != column.max() and csv_problems.too_coarse(float(scaled.min()), float(scaled.max())):
            raise DataError(where, f"column {name!r} varies only in digits the model's 32-bit numbers drop once "
                                   f"scaled {scale} ({column.min()!r} to {column.max()!r}): scale=standard keeps them")
    return np.asarray(shift, dtype=np.float64), np.asarray(factor, dtype=np.float64)


def check_inputs(dataset: Dataset, inputs: tuple[str, ...] | list[str]) -> None:
    """SettingError if transforms are asked of data that has not exactly two features (a CSV file of three
    or more columns): x1^2 of which two? Only there is the number of columns known."""
    count = dataset.X.shape[1]
    if tuple(inputs) == DEFAULT_INPUTS or count == 2:
        return
    names = ", ".join(dataset.feature_names[:4]) + (", …" if count > 4 else "")
    columns = f"{count} feature column" + ("" if count == 1 else "s")
    raise SettingError("inputs", f"the transforms ({','.join(inputs)}) need exactly two raw features, and the "
                                 f"data has {columns} ({names}): keep inputs x1,x2, or choose two columns "
                                 "with features")
