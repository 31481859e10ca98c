"""The optimisers of a stack of models, each model one row of an [M, P] weight buffer.

Models of different kinds (SGD, Adam, AdamW, RMSprop) sit in contiguous rows, one RowOptimizer a kind, which
starts from each model's own optimiser (its hyper-parameters, moments and step count: a resumed run continues
with its own) and hands them back when the model leaves the stack (write_back).
"""

from __future__ import annotations

import itertools

import torch

from .flat_optimizer import FlatOptimizer
from .row_optimizer import RowOptimizer


class StackedOptimizer:
    """The optimisers of the rows of `theta` (sorted by kind: see `kind_order`)."""

    def __init__(self, theta: torch.Tensor, grad: torch.Tensor, optimizers: list[FlatOptimizer]):
        self.optimizers = optimizers
        self.slices: list[tuple[range, RowOptimizer]] = []
        start = 0
        for kind, same in itertools.groupby(optimizers, key=lambda o: o.kind):
            same = list(same)
            rows = range(start, start + len(same))
            buffers = {name: torch.stack([o.buffers[name] for o in same]) for name in same[0].buffers}
            kind_rows = RowOptimizer(kind, theta[rows.start:rows.stop], grad[rows.start:rows.stop], buffers,
                                     [o.steps for o in same])
            kind_rows.configure([o.lr for o in same], [o.momentum for o in same], [o.nesterov for o in same],
                                [o.weight_decay for o in same])
            self.slices.append((rows, kind_rows))
            start = rows.stop
        if len({o.kind for o in optimizers}) != len(self.slices):
            raise ValueError("optimisers must come sorted by kind")

    @staticmethod
    def kind_order(kind: str) -> int:
        return ("sgd", "adam", "adamw", "rmsprop").index(kind)

    def set_lrs(self, lrs: list[float]) -> None:
        for rows, kind_rows in self.slices:
            kind_rows.set_lrs(lrs[rows.start:rows.stop])

    def step(self) -> None:
        for _, kind_rows in self.slices:
            kind_rows.step()

    def write_back(self, row: int) -> None:
        """Model `row`'s moments, step count and rate into its own optimiser (so a checkpoint holds them)."""
        for rows, kind_rows in self.slices:
            if row in rows:
                i = row - rows.start
                optimizer = self.optimizers[row]
                optimizer.steps, optimizer.lr = kind_rows.steps[i], kind_rows.lrs[i]
                for name, stacked in kind_rows.buffers.items():
                    if name == "momentum_buffer" and not optimizer.momentum:
                        continue  # alone it would have stayed zeros
                    optimizer.buffers[name].copy_(stacked[i])
