"""The schema's optimisers as arithmetic on rows: each model's weights one row of a [M, P] buffer, all of one kind.

The operations are torch.optim's, one for one (SGD with momentum, dampening 0 and Nesterov; Adam and AdamW
without amsgrad; RMSprop uncentred), so results agree with it to rounding. A single run is one row (a view
of its own flat buffer, FlatOptimizer); a stack of models is several (StackedOptimizer), each hyper-parameter
a number or a column (per_model.py). A model with an option off where others have it on gets the value that
makes the shared operation exact for it: momentum 0 leaves the buffer equal to the gradient, a weight decay
of 0 adds zeros, so each model follows, to rounding, the arithmetic it would follow alone.
"""

from __future__ import annotations

import torch

from .per_model import add_quotient_, add_scaled_, per_model, plus_scaled

BETAS = (0.9, 0.999)
EPS = 1e-8
RMS_ALPHA = 0.99

# which state buffers each kind keeps, by torch.optim's names
BUFFERS = {"sgd": ("momentum_buffer",), "adam": ("exp_avg", "exp_avg_sq"), "adamw": ("exp_avg", "exp_avg_sq"),
           "rmsprop": ("square_avg", "momentum_buffer")}


class RowOptimizer:
    def __init__(self, kind: str, theta: torch.Tensor, grad: torch.Tensor, buffers: dict[str, torch.Tensor],
                 steps: list[int]):
        """`theta`, `grad` and each of `buffers` (BUFFERS[kind]) are [M, P]; `steps`: each row's count so far."""
        self.kind, self.theta, self.grad, self.buffers, self.steps = kind, theta, grad, buffers, steps
        self._denominator = torch.empty_like(theta)
        self.configure([0.0] * len(steps), [0.0] * len(steps), [False] * len(steps), [0.0] * len(steps))

    def configure(self, lrs: list[float], momenta: list[float], nesterov: list[bool], decays: list[float]) -> None:
        """Each row's hyper-parameters."""
        like = self.theta
        self.momentum = per_model(momenta, like) if any(momenta) else None
        self.nesterov: bool | torch.Tensor = False
        if self.kind == "sgd" and any(n and m for n, m in zip(nesterov, momenta)):
            flags = [bool(n) for n in nesterov]
            self.nesterov = True if all(flags) else torch.tensor(flags, device=like.device).view(-1, 1)
        self.decays = decays if any(decays) else None
        self.weight_decay = per_model(decays, like) if self.decays else None
        self._rates(lrs)

    def set_lrs(self, lrs: list[float]) -> None:
        if lrs != self.lrs:  # the schedule's rate stays the same most epochs
            self._rates(lrs)

    def _rates(self, lrs: list[float]) -> None:
        self.lrs = lrs
        self.neg_lr = per_model([-lr for lr in lrs], self.theta)
        if self.kind == "adamw" and self.decays:
            self.shrink = per_model([1 - lr * wd for lr, wd in zip(lrs, self.decays)], self.theta)

    @property
    def steps(self) -> list[int]:
        """Each row's count of steps taken."""
        return [n + self._taken for n in self._before]

    @steps.setter
    def steps(self, steps: list[int]) -> None:
        self._before, self._taken = list(steps), 0  # a count a step, not a list

    def step(self) -> None:
        theta, grad = self.theta, self.grad
        self._taken += 1
        if self.kind == "adamw" and self.decays:
            theta.mul_(self.shrink)
        elif self.decays:
            add_scaled_(grad, theta, self.weight_decay)
        if self.kind == "sgd":
            if self.momentum is not None:
                buf = self.buffers["momentum_buffer"]
                buf.mul_(self.momentum).add_(grad)
                if self.nesterov is True:
                    add_scaled_(grad, buf, self.momentum)
                elif self.nesterov is not False:  # some rows Nesterov, some not
                    grad = torch.where(self.nesterov, plus_scaled(grad, buf, self.momentum), buf)
                else:
                    grad = buf
            add_scaled_(theta, grad, self.neg_lr)
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
                add_scaled_(theta, buf, self.neg_lr)
            else:
                add_quotient_(theta, grad, denom, self.neg_lr)

    def _adam(self) -> None:
        b1, b2 = BETAS
        grad, steps = self.grad, self.steps
        m, v, denom = self.buffers["exp_avg"], self.buffers["exp_avg_sq"], self._denominator
        m.lerp_(grad, 1 - b1)
        v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        torch.sqrt(v, out=denom)
        # one number but for rows resumed at different steps
        denom.div_(per_model([(1 - b2 ** n) ** 0.5 for n in steps], denom))
        denom.add_(EPS)
        add_quotient_(self.theta, m, denom, per_model([-lr / (1 - b1 ** n) for lr, n in zip(self.lrs, steps)], denom))
