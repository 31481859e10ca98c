"""The general training step: the model's own forward and autograd, then the flat optimiser.

It handles any network the model can express, and is the reference the fast step is tested against.
Nothing here reads a value back from the device: the epoch's loss and count of right answers stay
tensors until the session reads them, once, at the end of the epoch.
"""

from __future__ import annotations

from typing import Callable

import torch

from ..model import MLP, loss_sum_and_correct
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams


class AutogradStep:
    def __init__(self, model: MLP, params: FlatParams, optimizer: FlatOptimizer, l1: float):
        self.model, self.params, self.optimizer, self.l1 = model, params, optimizer, l1
        self._parameters = list(model.parameters())
        self._grad_views = [FlatParams.view(params.grad, span) for span in params.spans]
        self._weights = [layer.weight for layer in model.layers]

    def set_lr(self, lr: float) -> None:
        self.optimizer.set_lr(lr)

    @torch.no_grad()
    def logits(self, X: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        return self.model(X)

    def epoch(self, X: torch.Tensor, y: torch.Tensor, order: torch.Tensor | None, batch_size: int,
              should_stop: Callable[[], bool], held_out: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor | None:
        """As FastStep.epoch."""
        if order is not None:
            X, y = X[order], y[order]
        self.model.train()
        loss_total = torch.zeros((), dtype=X.dtype, device=X.device)
        correct_total = torch.zeros((), dtype=torch.long, device=X.device)
        size = batch_size or len(y)
        for start in range(0, len(y), size):
            if should_stop():
                return None
            xb, yb = X[start:start + size], y[start:start + size]
            loss_sum, correct = loss_sum_and_correct(self.model(xb), yb)
            objective = loss_sum / len(yb)
            if self.l1:
                objective = objective + self.l1 * sum(w.abs().sum() for w in self._weights)
            for p in self._parameters:
                p.grad = None
            objective.backward()
            for view, p in zip(self._grad_views, self._parameters):
                view.copy_(p.grad)
            self.optimizer.step()
            loss_total += loss_sum.detach()
            correct_total += correct
        sums = [loss_total, correct_total.to(X.dtype)]
        for part_X, part_y in held_out:
            loss, right = loss_sum_and_correct(self.logits(part_X), part_y)
            sums += [loss, right.to(X.dtype)]
        return torch.stack(sums)
