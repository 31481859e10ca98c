"""The synthetic datasets: scikit-learn's generators (circles and moons redrawn in numpy), the playground's spiral and gauss, the toy sets of
the unit square (each labelled by an exact function, drawn as the truth) and Fisher's iris."""

import numpy as np


def _two_arcs(outer, inner, noise, seed):
    """Two arcs of points, class 0 and class 1, shuffled, then Gaussian noise, from one RandomState: as
    scikit-learn's make_circles and make_moons draw them, number for number (a test holds them to it). In
    numpy, so that the default data needs no scikit-learn, whose import takes as long as torch's."""
    rng = np.random.RandomState(seed)
    X = np.vstack([np.append(outer[0], inner[0]), np.append(outer[1], inner[1])]).T
    y = np.hstack([np.zeros(len(outer[0]), dtype=np.intp), np.ones(len(inner[0]), dtype=np.intp)])
    order = np.arange(len(y))
    rng.shuffle(order)
    X, y = X[order], y[order]
    if noise is not None:
        X += rng.normal(scale=noise, size=X.shape)
    return X, y


def circles(samples, noise, factor, seed):
    """scikit-learn's make_circles: an outer circle (class 0) and an inner one `factor` as large."""
    outer = np.linspace(0, 2 * np.pi, samples // 2, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, samples - samples // 2, endpoint=False)
    return _two_arcs((np.cos(outer), np.sin(outer)), (np.cos(inner) * factor, np.sin(inner) * factor), noise, seed)


def moons(samples, noise, seed):
    """scikit-learn's make_moons: two interleaving half circles."""
    outer = np.linspace(0, np.pi, samples // 2)
    inner = np.linspace(0, np.pi, samples - samples // 2)
    return _two_arcs((np.cos(outer), np.sin(outer)), (1 - np.cos(inner), 1 - np.sin(inner) - 0.5), noise, seed)


def blobs(samples, classes, cluster_std, seed):
    from sklearn.datasets import make_blobs

    return make_blobs(n_samples=samples, centers=classes, cluster_std=cluster_std, random_state=seed)


def linear(samples, seed):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=samples, n_features=2, n_informative=2, n_redundant=0,
                               n_clusters_per_class=1, random_state=seed)


def spiral(samples, noise, seed):
    """Two arms: point i of m at r = 5i/m, t = 1.75·2π·i/m (+π for the second), jittered uniformly."""
    rng = np.random.default_rng(seed)
    arms = []
    for label, count, offset in ((0, samples // 2, 0.0), (1, samples - samples // 2, np.pi)):
        i = np.arange(count)
        r = 5.0 * i / count
        t = 1.75 * 2 * np.pi * i / count + offset
        jitter = rng.uniform(-1.0, 1.0, size=(count, 2)) * noise
        points = np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter
        arms.append((points, np.full(count, label)))
    return np.concatenate([a[0] for a in arms]), np.concatenate([a[1] for a in arms])


def gauss(samples, noise, seed):
    """Clouds at (2, 2) and (-2, -2); variance grows from 0.5 (noise 0) to 4 (noise 0.5) as in the playground."""
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    half = samples // 2
    first = rng.normal((2.0, 2.0), std, size=(half, 2))
    second = rng.normal((-2.0, -2.0), std, size=(samples - half, 2))
    return np.concatenate([first, second]), np.concatenate([np.zeros(half), np.ones(samples - half)])




def _polar(points):
    dx = points[:, 0] - 0.5
    dy = points[:, 1] - 0.5
    return np.hypot(dx, dy), np.arctan2(dy, dx)


def easy(points):
    x, y = points[:, 0], points[:, 1]
    in_first = (x - 0.30) ** 2 + (y - 0.60) ** 2 <= 0.25**2
    in_second = (x - 0.55) ** 2 + (y - 0.15) ** 2 <= 0.15**2
    return (in_first | in_second).astype(np.int64)


def hard(points):
    r, theta = _polar(points)
    return ((np.cos(3 * theta + 10 * r) >= 0) | (r <= 0.1)).astype(np.int64)


def xor(points):
    return ((points[:, 0] >= 0.5) ^ (points[:, 1] >= 0.5)).astype(np.int64)


def cross(points):
    near_x = np.abs(points[:, 0] - 0.5) <= 0.12
    near_y = np.abs(points[:, 1] - 0.5) <= 0.12
    return (near_x | near_y).astype(np.int64)


def ring(points):
    r, _ = _polar(points)
    return ((r >= 0.18) & (r <= 0.32)).astype(np.int64)


TARGETS = {"easy": easy, "hard": hard, "xor": xor, "cross": cross, "ring": ring}


def unit_square(name, samples, seed):
    points = np.random.default_rng(seed).uniform(0.0, 1.0, size=(samples, 2))
    return points, TARGETS[name](points)



IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_DEFAULT_FEATURES = ["petal_length", "petal_width"]
SPECIES = ("setosa", "versicolor", "virginica")


def iris(classes, features):
    """Two of the four features, min-max scaled to [0, 1]; 2 classes: versicolor vs virginica."""
    from sklearn.datasets import load_iris

    data = load_iris()
    names = features or IRIS_DEFAULT_FEATURES
    X = data.data[:, [IRIS_FEATURES.index(n) for n in names]]
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    y = data.target
    if classes == 2:  # the pair that is not linearly separable
        keep = y > 0
        return X[keep], y[keep] - 1, list(SPECIES[1:]), list(names)
    return X, y, list(SPECIES), list(names)
