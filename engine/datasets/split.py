"""The stratified train / validation / test split, the training labels (with their noise), and the
feature scaling fitted on the training part."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .. import standalone
from ..errors import SettingError
from ..schema import DEFAULT_INPUTS
from .dataset import Dataset


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

    @property
    def y_train(self) -> np.ndarray:
        return self.train_labels

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
    try:
        train, val, test = standalone.split_rows(dataset.y, test_size, val_size, seed, dataset.parts)
    except ValueError as error:
        name = "val_size" if val_size and "test_size" not in str(error) else "test_size"
        raise SettingError(name, f"cannot split {len(dataset.y)} rows of {dataset.num_classes} classes with every "
                                 f"class in each part ({error})") from None
    labels = standalone.training_labels(dataset.y, train, label_noise, dataset.num_classes, seed)
    shift, factor = standalone.scaling(dataset.X[train], scale)
    return Split(dataset, train, val, test, shift, factor, labels, tuple(inputs))


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
