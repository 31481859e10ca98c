"""An epoch's loss and right answers on the training rows and on each held-out part (validation, test),
from one buffer of logits, in a handful of operations.

The fast step writes each batch's logits, then each held-out part's, into one feature-major buffer; the
numbers of the epoch's history then cost five tensor operations and one read, where computing each loss
and count on its own costs four times as many (a third of a small network's epoch).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


class EpochMetrics:
    def __init__(self, y_train: torch.Tensor, held_out: list[torch.Tensor], outputs: int, dtype: torch.dtype):
        self.y_train, self.held_out = y_train, held_out
        self.n_train = y_train.shape[0]
        sizes = [self.n_train, *(y.shape[0] for y in held_out)]
        n = sum(sizes)
        device = y_train.device
        self.logits = torch.empty((outputs, n), dtype=dtype, device=device)
        self.labels = torch.cat([y_train, *held_out])  # the training part follows the epoch's order
        if outputs == 1:  # with one logit, the label as a number: what the loss and the answer compare with
            self._floats = self.labels.to(dtype).unsqueeze(0)
        # sums over each part's columns, as one product
        self._split = torch.zeros((len(sizes), n), dtype=dtype, device=device)
        self.parts: list[torch.Tensor] = []
        start = 0
        for k, size in enumerate(sizes):
            self._split[k, start:start + size] = 1
            self.parts.append(self.logits[:, start:start + size])
            start += size
        self._in_order = True
        self.train_logits = self.parts[0]

    def follow_order(self, order: torch.Tensor | None) -> None:
        """The training rows come in `order` this epoch (None: as they are)."""
        if order is None and self._in_order:
            return
        self._in_order = order is None
        labels = self.y_train if order is None else self.y_train[order]
        self.labels[:self.n_train] = labels
        if self.logits.shape[0] == 1:
            self._floats[0, :self.n_train] = labels

    def sums(self) -> torch.Tensor:
        """[loss sum, right answers] of the training rows, then of each held-out part, on the device."""
        L = self.logits
        if L.shape[0] == 1:
            losses = torch.binary_cross_entropy_with_logits(L, self._floats, None, None, 0)  # 0: no reduction
            # class 1 when the logit is above 0, else class 0 (a logit of exactly 0 too, as the report and the
            # exported script decide)
            right = torch.eq(torch.gt(L, 0).to(L.dtype), self._floats).to(L.dtype)
        else:
            losses = F.cross_entropy(L.t(), self.labels, reduction="none").unsqueeze(0)
            right = torch.eq(L.argmax(dim=0), self.labels).to(L.dtype).unsqueeze(0)
        return torch.mm(self._split, torch.cat([losses, right]).t()).view(-1)
