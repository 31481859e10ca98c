"""Fisher's iris, shipped with scikit-learn: two of its four features, min-max scaled to [0, 1]."""

from __future__ import annotations

from .catalog import IRIS_DEFAULT_FEATURES, IRIS_FEATURES

SPECIES = ("setosa", "versicolor", "virginica")


def load(classes: int, features: list[str] | None):
    from sklearn.datasets import load_iris

    iris = load_iris()
    names = features or IRIS_DEFAULT_FEATURES
    columns = [IRIS_FEATURES.index(n) for n in names]
    X = iris.data[:, columns]
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    y = iris.target
    if classes == 2:  # versicolor vs virginica: the pair that is not linearly separable
        keep = y > 0
        return X[keep], y[keep] - 1, list(SPECIES[1:]), list(names)
    return X, y, list(SPECIES), list(names)
