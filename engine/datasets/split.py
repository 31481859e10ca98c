"""The stratified train / validation / test split, the training labels (with their noise), and the
feature scaling fitted on the training part."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .. import standalone
from ..errors import SettingError
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

    def to_model_input(self, points: np.ndarray) -> np.ndarray:
        return ((points - self.shift) / self.scale).astype(np.float32)

    def fingerprint(self) -> str:
        """A hash of the rows, the labels and the split: a checkpoint knows when its data has changed."""
        digest = hashlib.sha256()
        for array in (self.dataset.X, self.dataset.y, self.train, self.val, self.test, self.train_labels):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]


def split(dataset: Dataset, test_size: float, val_size: float, scale: str, seed: int, label_noise: float = 0.0) -> Split:
    try:
        train, val, test = standalone.split_rows(dataset.y, test_size, val_size, seed, dataset.parts)
    except ValueError as error:
        name = "val_size" if val_size and "test_size" not in str(error) else "test_size"
        raise SettingError(name, f"cannot split {len(dataset.y)} rows of {dataset.num_classes} classes with every "
                                 f"class in each part ({error})") from None
    labels = standalone.training_labels(dataset.y, train, label_noise, dataset.num_classes, seed)
    shift, factor = standalone.scaling(dataset.X[train], scale)
    return Split(dataset, train, val, test, shift, factor, labels)
