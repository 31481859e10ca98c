"""The training step of several models of one shape on the same data: the shared arithmetic (passes.py) on
3-D views of one [M, P] buffer, each model a row laid out as its own flat buffer (FlatParams), so that a row
copies to and from a session in one `copy_`.

What is its own is the data: each model may take the training rows in its own order (an index tensor
[M, rows] gathers them in one call) and draws its own dropout masks from its own generator, in the order a
single run draws them; the held-out parts and the logits buffer (EpochMetrics) are shared.
"""

from __future__ import annotations

import torch

from .epoch_metrics import EpochMetrics
from .fast_step import targets
from .passes import Passes, dropout_mask
from .per_model import per_model
from .stacked_optimizer import StackedOptimizer


class StackedStep(Passes):
    def __init__(self, sessions: list):
        """`sessions` trained as one stack, in this order (sorted by optimiser kind: StackedOptimizer)."""
        first = sessions[0]
        theta = torch.stack([s.params.theta for s in sessions])
        grad = torch.zeros_like(theta)
        l1 = [s.step.l1 for s in sessions]
        super().__init__(first.model.activation, theta, grad, first.params.spans, first.params.weight_mask,
                         StackedOptimizer(theta, grad, [s.optimizer for s in sessions]),
                         per_model(l1, theta) if any(l1) else 0.0)
        rates = [s.model.dropout for s in sessions]
        if max(rates) > 0:
            generators = [s.model.generator for s in sessions]
            self.dropout = lambda rows, features: self._masks(generators, rates, rows, features)
            self.kept = per_model([1.0 - p for p in rates], theta, dims=3)
        self._data(first)

    def _data(self, session) -> None:
        """The shared data: training rows (rows first for gathering, feature-major for a full batch), labels
        as the output layer's gradient needs them, the held-out parts and the epoch's logits buffer."""
        M, outputs = self.theta.shape[0], self.biases[-1].shape[1]
        self.X, self.y = session.X_train, session.y_train
        self.columns = session.X_train.t().contiguous().expand(M, -1, -1)
        self.targets = targets(self.y, outputs, self.theta.dtype)
        self.held_out = [part_X.t().contiguous().expand(M, -1, -1) for part_X, _ in session.held_out]
        self.metrics = EpochMetrics(self.y, [part_y for _, part_y in session.held_out], M, outputs, self.theta.dtype)

    def threads_for(self, batch_size: int):
        """The thread count for this stack's epochs in batches of `batch_size`, measured on its step (and set)."""
        return self.choose_threads(self.columns, self.targets.expand(self.theta.shape[0], -1, -1), batch_size)

    def set_lrs(self, lrs: list[float]) -> None:
        self.optimizer.set_lrs(lrs)

    def epoch(self, order: torch.Tensor | None, batch_size: int) -> torch.Tensor:
        """One epoch of every model over the rows in `order` ([M, rows], each model's; None: as they are) in
        batches of `batch_size` (0: one batch), then each held-out part. [M, 2, parts]: each model's loss sums
        of the training rows and of each part, then its right answers, on the device."""
        if order is None:
            columns, targets = self.columns, self.targets.expand(self.theta.shape[0], -1, -1)
        else:
            columns = self.X[order].transpose(1, 2)  # [M, in, rows]: each model's rows in its order
            targets = self.targets[:, order].transpose(0, 1)
        metrics = self.metrics
        metrics.follow_order(order)
        self.train_epoch(columns, targets, metrics.train_logits, batch_size, lambda done: False)
        for part_X, logits in zip(self.held_out, metrics.parts[1:]):
            self.output(part_X, out=logits)
        return metrics.sums()

    def _masks(self, generators: list, rates: list[float], rows: int, features: int) -> torch.Tensor:
        """Each model's dropout mask [M, features, rows]; all kept for a model without dropout."""
        device = self.theta.device
        return torch.stack([dropout_mask(g, p, rows, features, device) if p > 0
                            else torch.ones((features, rows), dtype=torch.bool, device=device)
                            for g, p in zip(generators, rates)])
