"""The general training step: the model's own forward, autograd and torch.optim.

It handles every setting of the schema. A faster step can replace it behind the same `epoch()`.
Nothing here reads a value back from the device: the epoch's loss and count of right answers stay
tensors until the session reads them, once, at the end of the epoch.
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch

from ..model import MLP, loss_sum_and_correct


class AutogradStep:
    def __init__(self, model: MLP, optimizer: torch.optim.Optimizer, l1: float):
        self.model = model
        self.optimizer = optimizer
        self.l1 = l1
        self._weights = [layer.weight for layer in model.layers]

    def set_lr(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def epoch(self, X: torch.Tensor, y: torch.Tensor, batches: Iterable[torch.Tensor] | None,
              should_stop: Callable[[], bool]) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Train one epoch; (summed loss, right answers) on the device, or None if stopped midway."""
        self.model.train()
        loss_total = torch.zeros((), device=X.device)
        correct_total = torch.zeros((), dtype=torch.long, device=X.device)
        for index in batches if batches is not None else (None,):
            if should_stop():
                return None
            xb, yb = (X, y) if index is None else (X[index], y[index])
            loss_sum, correct = loss_sum_and_correct(self.model(xb), yb)
            objective = loss_sum / len(yb)
            if self.l1:
                objective = objective + self.l1 * sum(w.abs().sum() for w in self._weights)
            self.optimizer.zero_grad(set_to_none=True)
            objective.backward()
            self.optimizer.step()
            loss_total += loss_sum.detach()
            correct_total += correct
        return loss_total, correct_total
