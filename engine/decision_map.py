"""Class probabilities over a box of the feature plane, in one batched forward pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .datasets.split import Split
from .model import probabilities


@dataclass(frozen=True)
class Box:
    x_min: float
    x_max: float
    y_min: float
    y_max: float


@dataclass(frozen=True)
class MapRequest:
    """A grid of `columns` × `rows` cells over `box`, spanned by two of the features."""

    box: Box
    columns: int
    rows: int
    features: tuple[int, int] = (0, 1)
    every: float = 0.3  # seconds between two grids at the least, while it trains


@dataclass(frozen=True)
class DecisionGrid:
    box: Box
    probabilities: np.ndarray  # (rows, columns, K) float32; row 0 is the top (largest y)
    features: tuple[int, int]  # which two features span the plane
    train_correct: np.ndarray | None = None  # per training row shown (Split.shown): does the model get it right?
    test_correct: np.ndarray | None = None  # per test row shown


def data_box(split: Split, features: tuple[int, int] = (0, 1), margin: float = 0.08) -> Box:
    """The extent of all points along two features, widened by `margin` on each side."""
    lo, hi = (ends[list(features)] for ends in split.extent)
    pad = (hi - lo) * margin + 1e-6
    return Box(float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def grid_points(box: Box, columns: int, rows: int) -> np.ndarray:
    """Cell centres, row-major from the top-left: (rows·columns, 2) in the dataset's units."""
    xs = box.x_min + (np.arange(columns) + 0.5) * (box.x_max - box.x_min) / columns
    ys = box.y_max - (np.arange(rows) + 0.5) * (box.y_max - box.y_min) / rows
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def plane_input(split: Split, box: Box, columns: int, rows: int, features: tuple[int, int] = (0, 1)) -> np.ndarray:
    """The model's input at every cell centre: the two features of the plane, the others held where the split
    says (`Split.held`: data with more than two features shows a slice)."""
    plane = grid_points(box, columns, rows)
    X = np.repeat(split.held[None, :], len(plane), axis=0)
    X[:, features[0]], X[:, features[1]] = plane[:, 0], plane[:, 1]
    return split.to_model_input(X)


@torch.no_grad()
def evaluate_grid(model: torch.nn.Module, split: Split, box: Box, columns: int, rows: int,
                  features: tuple[int, int] = (0, 1), device: torch.device | None = None) -> DecisionGrid:
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    probs = probabilities(model(torch.from_numpy(plane_input(split, box, columns, rows, features)).to(device)))
    model.train(was_training)
    return DecisionGrid(box, probs.float().cpu().numpy().reshape(rows, columns, -1), features)
