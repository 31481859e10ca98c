"""The stratified train/test split and the feature scaling fitted on the training part."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def _scaling(X: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    d = X.shape[1]
    if how == "standard":
        shift, scale = X.mean(axis=0), X.std(axis=0)
    elif how == "minmax":
        shift, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
    else:
        shift, scale = np.zeros(d), np.ones(d)
    scale = np.where(scale > 0, scale, 1.0)  # a constant feature stays constant instead of dividing by 0
    return shift.astype(np.float32), scale.astype(np.float32)


def split(dataset: Dataset, test_size: float, scale: str, seed: int) -> Split:
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(dataset.y))
    try:
        train, test = train_test_split(rows, test_size=test_size, stratify=dataset.y, random_state=seed)
    except ValueError as error:
        raise SettingError("test_size", f"{test_size:g} cannot split {len(rows)} rows of "
                                        f"{dataset.num_classes} classes with every class on both sides ({error})") from None
    train, test = np.sort(train), np.sort(test)
    shift, factor = _scaling(dataset.X[train], scale)
    return Split(dataset, train, test, shift, factor)
