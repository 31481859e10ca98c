"""An epoch's loss and right answers on the training rows and on each held-out part (validation, test), for
each of M models (one for a single run, M for a stack), from one buffer of logits, in a handful of operations.

The step writes each batch's logits, then each held-out part's, into one feature-major buffer [M, K, rows];
the numbers of the epoch's history then cost a few tensor operations and one read, where computing each
loss and count on its own costs four times as many (a third of a small network's epoch). The right answers
are counted by the one decision rule, predicted_class.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ..model import predicted_class


class EpochMetrics:
    def __init__(self, y_train: torch.Tensor, held_out: list[torch.Tensor], models: int, outputs: int,
                 dtype: torch.dtype):
        """`y_train`: the training labels in their own order; `held_out`: each held-out part's labels."""
        self.y_train, self.held_out = y_train, held_out
        self.n_train = y_train.shape[0]
        sizes = [self.n_train, *(y.shape[0] for y in held_out)]
        device = y_train.device
        self.logits = torch.empty((models, outputs, sum(sizes)), dtype=dtype, device=device)
        # each model's labels over the buffer: its training rows in the epoch's order, then the held-out parts'
        self.labels = torch.cat([y_train, *held_out]).expand(models, -1).contiguous()
        if outputs == 1:  # with one logit, the label as a number: what the loss compares with
            self._floats = self.labels.to(dtype).unsqueeze(1)
        # each row's loss and right answer (0 or 1), then sums over each part's columns, as one product
        both = torch.empty((models, 2, sum(sizes)), dtype=dtype, device=device)
        self._losses, self._right, self._both = both[:, :1], both[:, 1], both.view(2 * models, -1)  # made once
        self._split = torch.zeros((len(sizes), sum(sizes)), dtype=dtype, device=device)
        self.parts: list[torch.Tensor] = []
        start = 0
        for k, size in enumerate(sizes):
            self._split[k, start:start + size] = 1
            self.parts.append(self.logits[:, :, start:start + size])
            start += size
        self._in_order = True
        self.train_logits = self.parts[0]

    def follow_order(self, order: torch.Tensor | None) -> None:
        """The training rows come in `order` this epoch: [rows] or each model's [M, rows] (None: as they are)."""
        if order is None and self._in_order:
            return
        self._in_order = order is None
        labels = self.y_train if order is None else self.y_train[order]
        self.labels[:, :self.n_train] = labels
        if self.logits.shape[1] == 1:
            self._floats[:, 0, :self.n_train] = labels

    def sums(self) -> torch.Tensor:
        """[M, 2, parts]: each model's loss sums of the training rows and of each held-out part, then its
        right answers of the same, on the device."""
        L = self.logits
        if L.shape[1] == 1:
            self._losses.copy_(torch.binary_cross_entropy_with_logits(L, self._floats, None, None, 0))  # 0: unreduced
        else:
            self._losses.copy_(F.cross_entropy(L, self.labels, reduction="none").unsqueeze(1))
        torch.eq(predicted_class(L), self.labels, out=self._right)
        # as dot products of each row with each part's 0/1 row: a model's sums come out the same whatever the
        # number of models (with the 0/1 matrix as columns, or as the left factor, they do not), and a stack's
        # take a third of the time of a product with the matrix as columns (its output is 2 wide)
        return torch.mm(self._both, self._split.t()).view(L.shape[0], 2, -1)
