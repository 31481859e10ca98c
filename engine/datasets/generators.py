"""The continuous synthetic sets: scikit-learn's generators and the playground's spiral and gauss."""

from __future__ import annotations

import numpy as np


def circles(samples: int, noise: float, factor: float, seed: int):
    from sklearn.datasets import make_circles

    return make_circles(n_samples=samples, noise=noise, factor=factor, random_state=seed)


def moons(samples: int, noise: float, seed: int):
    from sklearn.datasets import make_moons

    return make_moons(n_samples=samples, noise=noise, random_state=seed)


def blobs(samples: int, classes: int, cluster_std: float, seed: int):
    from sklearn.datasets import make_blobs

    return make_blobs(n_samples=samples, centers=classes, cluster_std=cluster_std, random_state=seed)


def linear(samples: int, seed: int):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=samples, n_features=2, n_informative=2, n_redundant=0,
                               n_clusters_per_class=1, random_state=seed)


def spiral(samples: int, noise: float, seed: int):
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


def gauss(samples: int, noise: float, seed: int):
    """Clouds at (2, 2) and (-2, -2); variance grows from 0.5 (noise 0) to 4 (noise 0.5) as in the playground."""
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    half = samples // 2
    first = rng.normal((2.0, 2.0), std, size=(half, 2))
    second = rng.normal((-2.0, -2.0), std, size=(samples - half, 2))
    return np.concatenate([first, second]), np.concatenate([np.zeros(half), np.ones(samples - half)])
