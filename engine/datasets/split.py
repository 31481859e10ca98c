"""The stratified train/test split and the feature scaling fitted on the training part."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import standalone
from ..errors import SettingError
from .dataset import Dataset


@dataclass(frozen=True)
class Split:
    dataset: Dataset
    train: np.ndarray  # row indices into dataset.X
    test: np.ndarray
    shift: np.ndarray  # model input = (x - shift) / scale, x in the dataset's own units
    scale: np.ndarray

    @property
    def X_train(self) -> np.ndarray:
        return self.dataset.X[self.train]

    @property
    def y_train(self) -> np.ndarray:
        return self.dataset.y[self.train]

    @property
    def X_test(self) -> np.ndarray:
        return self.dataset.X[self.test]

    @property
    def y_test(self) -> np.ndarray:
        return self.dataset.y[self.test]

    def to_model_input(self, points: np.ndarray) -> np.ndarray:
        return ((points - self.shift) / self.scale).astype(np.float32)


def split(dataset: Dataset, test_size: float, scale: str, seed: int) -> Split:
    try:
        train, test = standalone.split_rows(dataset.y, test_size, seed)
    except ValueError as error:
        raise SettingError("test_size", f"{test_size:g} cannot split {len(dataset.y)} rows of "
                                        f"{dataset.num_classes} classes with every class on both sides ({error})") from None
    shift, factor = standalone.scaling(dataset.X[train], scale)
    return Split(dataset, train, test, shift, factor)
