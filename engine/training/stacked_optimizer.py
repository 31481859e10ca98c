"""The flat optimisers of several models at once, each model one row of an [M, P] weight buffer.

The arithmetic is FlatOptimizer's, operation for operation, with each hyper-parameter a column (one value a
model, shape [M, 1]) broadcast along the rows. A model with an option off gets the value that makes its
operation exact for it: momentum 0 leaves the buffer equal to the gradient, a weight decay of 0 adds zeros.
So models with and without momentum, Nesterov or weight decay share one update and each still follows, to
rounding, the arithmetic it would follow alone. Models of different kinds (SGD, Adam, AdamW, RMSprop) sit
in contiguous rows, one slice a kind, each slice updated by its kind's operations.
"""

from __future__ import annotations

import itertools

import torch

from .flat_optimizer import BETAS, EPS, RMS_ALPHA, FlatOptimizer


def _column(values: list[float], like: torch.Tensor) -> torch.Tensor:
    return torch.tensor(values, dtype=like.dtype, device=like.device).view(-1, 1)


class _KindSlice:
    """Rows [start, stop) of the stack, all of one kind."""

    def __init__(self, theta: torch.Tensor, grad: torch.Tensor, start: int, optimizers: list[FlatOptimizer]):
        stop = start + len(optimizers)
        self.rows = range(start, stop)
        self.theta, self.grad = theta[start:stop], grad[start:stop]
        self.kind = optimizers[0].kind
        self.optimizers = optimizers
        self.steps = [o.steps for o in optimizers]
        momenta = [o.momentum for o in optimizers]
        self.momentum = _column(momenta, theta) if any(momenta) else None
        self.nesterov = None
        if self.kind == "sgd" and any(o.nesterov and o.momentum for o in optimizers):
            flags = [bool(o.nesterov) for o in optimizers]
            # each model's choice; all alike is one operation fewer
            self.nesterov = True if all(flags) else torch.tensor(flags, device=theta.device).view(-1, 1)
        decays = [o.weight_decay for o in optimizers]
        self.decays = decays if any(decays) else None
        self.weight_decay = _column(decays, theta) if self.decays else None
        # the moments, from each model's own optimiser (a resumed run continues with its own)
        self.buffers = {name: torch.stack([o.buffers[name] for o in optimizers]) for name in optimizers[0].buffers}
        self._denominator = torch.empty_like(self.theta)
        self.set_lrs([o.lr for o in optimizers])

    def set_lrs(self, lrs: list[float]) -> None:
        self.lrs = lrs
        self.neg_lr = _column([-lr for lr in lrs], self.theta)
        if self.kind == "adamw" and self.decays:
            self.shrink = _column([1 - lr * wd for lr, wd in zip(lrs, self.decays)], self.theta)

    def step(self) -> None:
        theta, grad = self.theta, self.grad
        self.steps = [n + 1 for n in self.steps]
        if self.kind == "adamw" and self.decays:
            theta.mul_(self.shrink)
        elif self.decays:
            grad.addcmul_(theta, self.weight_decay)
        if self.kind == "sgd":
            if self.momentum is not None:
                buf = self.buffers["momentum_buffer"]
                buf.mul_(self.momentum).add_(grad)
                if self.nesterov is True:
                    grad.addcmul_(buf, self.momentum)
                elif self.nesterov is not None:
                    grad = torch.where(self.nesterov, grad.addcmul(buf, self.momentum), buf)
                else:
                    grad = buf
            theta.addcmul_(grad, self.neg_lr)
        elif self.kind in ("adam", "adamw"):
            self._adam()
        else:
            square, denom = self.buffers["square_avg"], self._denominator
            square.mul_(RMS_ALPHA).addcmul_(grad, grad, value=1 - RMS_ALPHA)
            torch.sqrt(square, out=denom)
            denom.add_(EPS)
            if self.momentum is not None:
                buf = self.buffers["momentum_buffer"]
                buf.mul_(self.momentum).addcdiv_(grad, denom)
                theta.addcmul_(buf, self.neg_lr)
            else:
                theta.addcmul_(grad.div(denom), self.neg_lr)

    def _adam(self) -> None:
        b1, b2 = BETAS
        grad = self.grad
        m, v, denom = self.buffers["exp_avg"], self.buffers["exp_avg_sq"], self._denominator
        m.lerp_(grad, 1 - b1)
        v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        torch.sqrt(v, out=denom)
        steps = self.steps
        if all(n == steps[0] for n in steps):  # the usual case: a scalar, as the single optimiser divides by
            denom.div_((1 - b2 ** steps[0]) ** 0.5)
        else:  # models resumed at different steps
            denom.div_(_column([(1 - b2 ** n) ** 0.5 for n in steps], denom))
        denom.add_(EPS)
        value = _column([-lr / (1 - b1 ** n) for lr, n in zip(self.lrs, steps)], denom)
        self.theta.addcmul_(m.div(denom), value)

    def write_back(self, row: int) -> None:
        """Model `row`'s moments and step count into its own optimiser (so a checkpoint holds them)."""
        i = row - self.rows.start
        optimizer = self.optimizers[i]
        optimizer.steps, optimizer.lr = self.steps[i], self.lrs[i]
        for name, stacked in self.buffers.items():
            if name == "momentum_buffer" and not optimizer.momentum:
                continue  # alone it would have stayed zeros
            optimizer.buffers[name].copy_(stacked[i])


class StackedOptimizer:
    """The optimisers of the rows of `theta` (sorted by kind: see `kind_order`)."""

    def __init__(self, theta: torch.Tensor, grad: torch.Tensor, optimizers: list[FlatOptimizer]):
        self.slices: list[_KindSlice] = []
        start = 0
        for _, same in itertools.groupby(optimizers, key=lambda o: o.kind):
            same = list(same)
            self.slices.append(_KindSlice(theta, grad, start, same))
            start += len(same)
        if len({o.kind for o in optimizers}) != len(self.slices):
            raise ValueError("optimisers must come sorted by kind")

    @staticmethod
    def kind_order(kind: str) -> int:
        return ("sgd", "adam", "adamw", "rmsprop").index(kind)

    def set_lrs(self, lrs: list[float]) -> None:
        for s in self.slices:
            s.set_lrs([lrs[r] for r in s.rows])

    def step(self) -> None:
        for s in self.slices:
            s.step()

    def write_back(self, row: int) -> None:
        for s in self.slices:
            if row in s.rows:
                s.write_back(row)
