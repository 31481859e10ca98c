"""What every unit of the network computes: its activation over the map's plane, and how it behaves on
the training rows, from one forward pass that keeps every layer's output.

The network view draws these. One pass over the plane's cells (and one over the training rows) gives
every unit's picture at once: a pass per unit would cost as many passes as there are units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .decision_map import Box, plane_input
from .datasets.split import Split
from .standalone import ACTIVATION_FUNCTIONS

STATS_ROWS = 2_000  # training rows the statistics are measured on at most (evenly spaced when there are more):
# a wide network's pass over them must stay a fraction of a second
# an activation that never exceeds this on a training row is "dead": ReLU passes no gradient through it
DEAD_BELOW = 0.0


@dataclass(frozen=True)
class NetworkRequest:
    """Pictures of `columns` × `rows` cells over `box` (spanned by two features), and small ones of
    `tile` = (columns, rows) for the diagram."""

    box: Box
    columns: int
    rows: int
    tile: tuple[int, int]
    features: tuple[int, int] = (0, 1)
    every: float = 0.3  # seconds between two pictures at the least, while it trains


@dataclass(frozen=True)
class LayerPicture:
    name: str  # "inputs", "hidden 1", ..., "output"
    units: tuple[str, ...]  # each unit's label
    pictures: np.ndarray  # (units, rows, columns): each unit's value at every cell; row 0 is the top
    tiles: np.ndarray  # (units, tile rows, tile columns): the same, sampled down for the diagram
    probability: bool  # True: the output's class probabilities (K > 2); False: values whose sign matters
    mean: np.ndarray  # (units,) over the training rows
    variance: np.ndarray
    magnitude: np.ndarray  # (units,) mean |value| over the training rows
    active: np.ndarray  # (units,) share of the training rows on which the unit is above zero
    weights: np.ndarray | None  # (units, units of the layer before): the incoming weights; None for inputs
    bias: np.ndarray | None
    grad_norm: float | None  # of the incoming weights and biases, from the last training step
    outgoing: np.ndarray | None  # (units,) the norm of each unit's outgoing weights; None for the output
    dead: np.ndarray | None  # (units,) bool, for ReLU layers: never active on a training row

    @property
    def size(self) -> int:
        return len(self.units)

    @property
    def weight_norm(self) -> float | None:
        return None if self.weights is None else float(np.linalg.norm(self.weights))

    @property
    def mean_abs(self) -> float:
        """The layer's mean |activation| over its units and the training rows."""
        return float(self.magnitude.mean()) if self.size else 0.0

    @property
    def dead_share(self) -> float | None:
        return None if self.dead is None else float(self.dead.mean())


@dataclass(frozen=True)
class NetworkPicture:
    box: Box
    features: tuple[int, int]
    activation: str
    layers: tuple[LayerPicture, ...]  # inputs, each hidden layer, output
    measured_rows: int  # training rows the statistics come from
    train_rows: int

    @property
    def parameters(self) -> int:
        return sum(layer.weights.size + layer.bias.size for layer in self.layers if layer.weights is not None)


def _layer_outputs(model, X: torch.Tensor) -> list[torch.Tensor]:
    """The input, each hidden layer's activation and the output logits, in one pass (no dropout)."""
    act = ACTIVATION_FUNCTIONS[model.activation]
    outputs, a = [X], X
    last = len(model.layers) - 1
    for i, layer in enumerate(model.layers):
        a = layer(a)
        if i < last:
            a = act(a)
        outputs.append(a)
    return outputs


def _centres(count: int, of: int) -> np.ndarray:
    """Which of `of` cells lie at the centres of `count` equal stretches: a picture sampled down."""
    return (np.arange(count) * of // count + of // (2 * count)).clip(0, of - 1)


def _sample(n: int, at_most: int) -> np.ndarray | None:
    return None if n <= at_most else np.linspace(0, n - 1, at_most).round().astype(np.int64)


def _unit_names(layers: int, widths: list[int], input_names: list[str],
                class_names: list[str]) -> list[tuple[str, ...]]:
    names = [tuple(input_names)]
    for i in range(1, layers - 1):
        names.append(tuple(f"h{i}.{u}" for u in range(widths[i])))
    names.append(tuple(class_names) if widths[-1] > 1 else (f"{class_names[1]} logit",))
    return names


@torch.no_grad()
def network_picture(model, split: Split, X_train: torch.Tensor, request: NetworkRequest,
                    input_names: list[str], class_names: list[str],
                    grad_norms: list[float] | None = None) -> NetworkPicture:
    """Every unit's picture over the request's plane and its statistics on the training rows (`X_train`:
    the model's input, on its device); `grad_norms`: per linear layer, from the last step."""
    device = X_train.device
    was_training = model.training
    model.eval()
    plane = torch.from_numpy(plane_input(split, request.box, request.columns, request.rows, request.features))
    on_plane = _layer_outputs(model, plane.to(device))
    rows = _sample(len(X_train), STATS_ROWS)
    on_train = _layer_outputs(model, X_train if rows is None else X_train[torch.from_numpy(rows).to(device)])
    model.train(was_training)

    widths = [out.shape[1] for out in on_plane]
    names = _unit_names(len(widths), widths, input_names, class_names)
    tile_columns, tile_rows = request.tile
    pick_rows = _centres(tile_rows, request.rows)
    pick_columns = _centres(tile_columns, request.columns)
    layers = []
    for i, (plane_out, train_out) in enumerate(zip(on_plane, on_train)):
        output = i == len(widths) - 1
        probability = output and widths[-1] > 1
        values = torch.softmax(plane_out, dim=1) if probability else plane_out
        pictures = values.float().cpu().numpy().T.reshape(widths[i], request.rows, request.columns)
        train_np = train_out.float().cpu().numpy()
        linear = model.layers[i - 1] if i else None
        following = model.layers[i] if not output else None
        layers.append(LayerPicture(
            name="inputs" if i == 0 else ("output" if output else f"hidden {i}"),
            units=names[i],
            pictures=pictures,
            tiles=pictures[:, pick_rows][:, :, pick_columns],
            probability=probability,
            mean=train_np.mean(axis=0),
            variance=train_np.var(axis=0),
            magnitude=np.abs(train_np).mean(axis=0),
            active=(train_np > DEAD_BELOW).mean(axis=0),
            weights=None if linear is None else linear.weight.float().cpu().numpy().copy(),
            bias=None if linear is None else linear.bias.float().cpu().numpy().copy(),
            grad_norm=None if linear is None or grad_norms is None else grad_norms[i - 1],
            outgoing=None if following is None else following.weight.float().norm(dim=0).cpu().numpy(),
            dead=(train_np <= DEAD_BELOW).all(axis=0) if not output and i and model.activation == "relu" else None,
        ))
    measured = len(X_train) if rows is None else len(rows)
    return NetworkPicture(request.box, request.features, model.activation, tuple(layers), measured, len(X_train))
