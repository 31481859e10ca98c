"""The toy sets of the unit square, each labelled by an exact function that can be drawn as the truth."""

from __future__ import annotations

from typing import Callable

import numpy as np


def _polar(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dx = points[:, 0] - 0.5
    dy = points[:, 1] - 0.5
    return np.hypot(dx, dy), np.arctan2(dy, dx)


def easy(points: np.ndarray) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    in_first = (x - 0.30) ** 2 + (y - 0.60) ** 2 <= 0.25**2
    in_second = (x - 0.55) ** 2 + (y - 0.15) ** 2 <= 0.15**2
    return (in_first | in_second).astype(np.int64)


def hard(points: np.ndarray) -> np.ndarray:
    r, theta = _polar(points)
    return ((np.cos(3 * theta + 10 * r) >= 0) | (r <= 0.1)).astype(np.int64)


def xor(points: np.ndarray) -> np.ndarray:
    return ((points[:, 0] >= 0.5) ^ (points[:, 1] >= 0.5)).astype(np.int64)


def cross(points: np.ndarray) -> np.ndarray:
    near_x = np.abs(points[:, 0] - 0.5) <= 0.12
    near_y = np.abs(points[:, 1] - 0.5) <= 0.12
    return (near_x | near_y).astype(np.int64)


def ring(points: np.ndarray) -> np.ndarray:
    r, _ = _polar(points)
    return ((r >= 0.18) & (r <= 0.32)).astype(np.int64)


TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "easy": easy, "hard": hard, "xor": xor, "cross": cross, "ring": ring,
}


def sample(name: str, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    points = np.random.default_rng(seed).uniform(0.0, 1.0, size=(samples, 2))
    return points, TARGETS[name](points)
