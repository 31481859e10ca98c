"""The points a decision map draws: every one of a small set, a stratified sample of a large one.

A map has a few thousand cells at the most (160×48 is 7,680), so drawing a million points says no more than
drawing a few thousand, and costs the screen's thread a second each time (it walks them one by one). The
sample keeps each part's share (training, test) and, within a part, each class's share, with one row at the
least of every class a part has; the same rows every time for the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POINTS = 4000  # at the most; a map the size of a large terminal has about twice as many cells


@dataclass(frozen=True)
class Shown:
    train: np.ndarray  # positions among the training rows (of Split.train), sorted
    test: np.ndarray  # positions among the test rows
    total: int  # the training and test points there are

    @property
    def count(self) -> int:
        return len(self.train) + len(self.test)

    @property
    def sampled(self) -> bool:
        """Fewer shown than there are: the map says so."""
        return self.count < self.total


def shown_points(train_labels: np.ndarray, test_labels: np.ndarray, points: int = POINTS) -> Shown:
    total = len(train_labels) + len(test_labels)
    if total <= points:
        return Shown(np.arange(len(train_labels)), np.arange(len(test_labels)), total)
    rng = np.random.default_rng(0)
    return Shown(_stratified(train_labels, points * len(train_labels) / total, rng),
                 _stratified(test_labels, points * len(test_labels) / total, rng), total)


def _stratified(labels: np.ndarray, wanted: float, rng: np.random.Generator) -> np.ndarray:
    """About `wanted` positions of `labels`, each class by its share (one at the least), sorted."""
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    chosen = []
    for k, count in enumerate(counts):
        take = min(int(count), max(1, round(wanted * count / len(labels))))
        chosen.append(rng.choice(np.flatnonzero(inverse == k), take, replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.arange(0)
