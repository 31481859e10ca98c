"""The classifier network: an MLP with the schema's activations, initialisations and dropout.

Two classes get one logit (binary cross-entropy on logits), K classes get K logits (cross-entropy);
probabilities are computed only for display and metrics.
"""

from __future__ import annotations

import torch

# the network itself is the exported script's too: one definition, so the two cannot drift apart
from .standalone import ACTIVATION_FUNCTIONS, MLP, initialise, loss_sum_and_correct
from .standalone.network import predicted_class

__all__ = ["ACTIVATION_FUNCTIONS", "MLP", "initialise", "loss_sum_and_correct", "predicted_class", "build_model",
           "parameter_count", "probabilities"]


def build_model(inputs: int, classes: int, hidden: list[int], activation: str, dropout: float,
                init: str, seed: int) -> MLP:
    model = MLP(inputs, list(hidden), 1 if classes == 2 else classes, activation, dropout)
    initialise(model, init, seed)
    return model


def parameter_count(inputs: int, classes: int, hidden: list[int]) -> int:
    widths = [inputs, *hidden, 1 if classes == 2 else classes]
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Class probabilities, (n, K) for any K: a single logit becomes [1 - p, p]. The largest of each row (the
    first of equal ones) is the predicted class (predicted_class), so a map coloured by it agrees with the
    counts and the report at every cell: where rounding ties the predicted class with another (a logit of
    1e-9 gives p = 0.5 in float32), its probability is raised by one unit in the last place."""
    if logits.shape[1] == 1:
        p = torch.sigmoid(logits)
        probs = torch.cat([1 - p, p], dim=1)
    else:
        probs = torch.softmax(logits, dim=1)
    winner = predicted_class(logits).unsqueeze(1)
    top = probs.max(dim=1, keepdim=True).values
    behind = probs.argmax(dim=1, keepdim=True) != winner
    return probs.scatter_(1, winner, torch.where(behind, torch.nextafter(top, torch.ones_like(top)),
                                                 probs.gather(1, winner)))
