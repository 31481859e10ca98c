"""A single run's training step: the shared arithmetic (passes.py) on 2-D views of the run's own flat buffer.

What is its own is the data: the session's fixed tensors transposed once to feature-major, the labels as
the output layer's gradient needs them, the epoch's order applied to both, and one buffer of logits
(EpochMetrics) from which the epoch's loss and accuracy come in a single pass at its end.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch.nn import functional as F

from ..model import MLP
from .epoch_metrics import EpochMetrics
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams
from .passes import Passes, dropout_mask
from .threads import Choice


class FastStep(Passes):
    def __init__(self, model: MLP, params: FlatParams, optimizer: FlatOptimizer, l1: float):
        super().__init__(model.activation, params.theta, params.grad, params.spans, params.weight_mask, optimizer,
                         l1)
        self.model, self.params = model, params
        if model.dropout > 0:
            p, device = model.dropout, params.theta.device
            self.dropout = lambda rows, features: dropout_mask(model.generator, p, rows, features, device)
            self.kept = 1.0 - p
        self._columns: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}  # id(X) -> (X, X transposed)
        self._targets: tuple[torch.Tensor, torch.Tensor] | None = None  # (labels, what the loss compares with)
        self._metrics: EpochMetrics | None = None
        self._held_out: list | None = None  # the held-out parts the metrics buffer was made for
        self._logits: list[torch.Tensor] = []  # the metrics buffer's parts, 2-D: training rows, then held out

    def set_lr(self, lr: float) -> None:
        self.optimizer.set_lr(lr)

    def logits(self, X: torch.Tensor) -> torch.Tensor:
        """The network's output without dropout (evaluation), rows first like the module's (made in chunks)."""
        columns = self._feature_major(X)
        out = torch.empty((self.biases[-1].shape[0], columns.shape[-1]), dtype=self.theta.dtype,
                          device=self.theta.device)
        return self.output(columns, out=out).t()

    def threads_for(self, X: torch.Tensor, y: torch.Tensor, batch_size: int) -> Choice:
        """The thread count for epochs over `X` in batches of `batch_size`, measured on this step (and set)."""
        return self.choose_threads(self._feature_major(X), self._targets_for(y), batch_size)

    def epoch(self, X: torch.Tensor, y: torch.Tensor, order: torch.Tensor | None, batch_size: int,
              interrupted: Callable[[int], bool], held_out: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor | None:
        """Train one epoch over the rows in `order` (all, in place, if None) in batches of `batch_size`
        (0: one batch), then pass each held-out part (validation, test). [1, 2, parts], a stack's form for its
        one model: the loss sums of the training rows and of each part, then their right answers, on the
        device; None if interrupted midway (`interrupted(rows done)`, asked between batches and chunks)."""
        columns, targets = self._feature_major(X), self._targets_for(y)
        metrics = self._metrics_for(y, held_out)
        if order is not None:
            columns, targets = columns[:, order], targets[:, order]
        metrics.follow_order(order)
        train_logits, *held_out_logits = self._logits
        if not self.train_epoch(columns, targets, train_logits, batch_size, interrupted):
            return None
        for (part_X, _), logits in zip(held_out, held_out_logits):
            self.output(self._feature_major(part_X), out=logits)
        return metrics.sums()

    def _metrics_for(self, y: torch.Tensor, held_out: list[tuple[torch.Tensor, torch.Tensor]]) -> EpochMetrics:
        m = self._metrics
        # the session passes the same list each epoch: one identity check in the hot path
        if m is None or m.y_train is not y or self._held_out is not held_out:
            labels = [part_y for _, part_y in held_out]
            m = self._metrics = EpochMetrics(y, labels, 1, self.biases[-1].shape[0], self.theta.dtype)
            self._held_out = held_out
            self._logits = [part[0] for part in m.parts]
        return m

    def _feature_major(self, X: torch.Tensor) -> torch.Tensor:
        """X transposed (made once for each of the session's fixed tensors, the training and test sets)."""
        kept = self._columns.get(id(X))
        if kept is None or kept[0] is not X:
            if len(self._columns) > 4:
                self._columns.clear()
            kept = self._columns[id(X)] = (X, X.t().contiguous())
        return kept[1]

    def _targets_for(self, y: torch.Tensor) -> torch.Tensor:
        """Labels as the output layer's gradient needs them: a float row (two classes) or one-hot columns."""
        if self._targets is None or self._targets[0] is not y:
            self._targets = (y, targets(y, self.biases[-1].shape[0], self.theta.dtype))
        return self._targets[1]


def targets(y: torch.Tensor, outputs: int, dtype: torch.dtype) -> torch.Tensor:
    """What the output layer's gradient subtracts, feature-major: the labels as a row of 0/1 (one logit), or
    one-hot columns (K logits)."""
    return y.to(dtype).unsqueeze(0) if outputs == 1 else F.one_hot(y, outputs).to(dtype).t().contiguous()
