"""The classifier network: an MLP with the schema's activations, initialisations and dropout.

Two classes get one logit (binary cross-entropy on logits), K classes get K logits (cross-entropy);
probabilities are computed only for display and metrics.
"""

from __future__ import annotations

import torch

# the network itself is the exported script's too: one definition, so the two cannot drift apart
from .standalone import ACTIVATION_FUNCTIONS, MLP, initialise, loss_sum_and_correct

__all__ = ["ACTIVATION_FUNCTIONS", "MLP", "initialise", "loss_sum_and_correct", "build_model", "parameter_count",
           "probabilities"]


def build_model(inputs: int, classes: int, hidden: list[int], activation: str, dropout: float,
                init: str, seed: int) -> MLP:
    model = MLP(inputs, list(hidden), 1 if classes == 2 else classes, activation, dropout)
    initialise(model, init, seed)
    return model


def parameter_count(inputs: int, classes: int, hidden: list[int]) -> int:
    widths = [inputs, *hidden, 1 if classes == 2 else classes]
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Class probabilities, (n, K) for any K: a single logit becomes [1 - p, p]."""
    if logits.shape[1] == 1:
        p = torch.sigmoid(logits)
        return torch.cat([1 - p, p], dim=1)
    return torch.softmax(logits, dim=1)
