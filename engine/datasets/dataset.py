"""A dataset as the engine uses it: features, labels, names, and the exact target where one exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import DataError
from ..schema import Settings
from . import csv_table, generators, iris, unit_square


@dataclass(frozen=True)
class Dataset:
    name: str
    X: np.ndarray  # (n, d) float32
    y: np.ndarray  # (n,) int64 in 0..K-1
    class_names: list[str]
    feature_names: list[str]
    target: Callable[[np.ndarray], np.ndarray] | None = None  # exact labels of any points

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def _generate(s: Settings):
    """(X, y, class names, feature names) before label noise; `s` is resolved."""
    xy = ["x", "y"]
    if s.dataset in unit_square.TARGETS:
        X, y = unit_square.sample(s.dataset, s.samples, s.data_seed)
        return X, y, ["outside", "inside"], xy
    if s.dataset == "iris":
        return iris.load(s.classes, s.features)
    if s.dataset == "csv":
        return csv_table.load(s.csv, s.label, s.features)
    if s.dataset == "circles":
        X, y = generators.circles(s.samples, s.noise, s.factor, s.data_seed)
        names = ["outer", "inner"]
    elif s.dataset == "moons":
        X, y = generators.moons(s.samples, s.noise, s.data_seed)
        names = ["upper moon", "lower moon"]
    elif s.dataset == "blobs":
        X, y = generators.blobs(s.samples, s.classes, s.cluster_std, s.data_seed)
        names = [f"blob {k}" for k in range(s.classes)]
    elif s.dataset == "linear":
        X, y = generators.linear(s.samples, s.data_seed)
        names = ["class 0", "class 1"]
    elif s.dataset == "spiral":
        X, y = generators.spiral(s.samples, s.noise, s.data_seed)
        names = ["arm 0", "arm 1"]
    elif s.dataset == "gauss":
        X, y = generators.gauss(s.samples, s.noise, s.data_seed)
        names = ["near (2, 2)", "near (-2, -2)"]
    else:  # the schema refuses other names; reaching here is a bug
        raise AssertionError(s.dataset)
    return X, y, names, xy


def flip_labels(y: np.ndarray, fraction: float, classes: int, seed: int) -> np.ndarray:
    """Move round(fraction·n) labels, chosen at random, to another class chosen at random."""
    count = int(round(fraction * len(y)))
    if count == 0:
        return y
    rng = np.random.default_rng([seed, 0x1abe1])  # a stream apart from the one that drew the points
    chosen = rng.choice(len(y), size=count, replace=False)
    flipped = y.copy()
    flipped[chosen] = (y[chosen] + rng.integers(1, classes, size=count)) % classes
    return flipped


def make_dataset(settings: Settings) -> Dataset:
    """The full dataset for resolved settings: the same settings always give the same arrays."""
    s = settings
    X, y, class_names, feature_names = _generate(s)
    y = np.asarray(y, dtype=np.int64)
    y = flip_labels(y, s.label_noise, len(class_names), s.data_seed)
    target = unit_square.TARGETS.get(s.dataset)
    counts = np.bincount(y, minlength=len(class_names))
    if counts.min() < 2:
        rare = class_names[int(counts.argmin())]
        raise DataError(s.csv or s.dataset, f"class {rare!r} has {counts.min()} row(s); each class needs at least 2 "
                                            "to be split into training and test")
    return Dataset(s.dataset, np.ascontiguousarray(X, dtype=np.float32), y, list(class_names),
                   list(feature_names), target)
