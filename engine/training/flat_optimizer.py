"""The schema's optimisers, updating the flat weight buffer in a few tensor operations a step.

The arithmetic is torch.optim's, operation for operation (SGD with momentum, dampening 0 and Nesterov;
Adam and AdamW without amsgrad; RMSprop uncentred), so results agree with it to rounding, and
`state_dict()` has torch.optim's form, so checkpoints stay readable either way.
"""

from __future__ import annotations

import torch

from ..schema import Settings
from .flat_params import FlatParams

BETAS = (0.9, 0.999)
EPS = 1e-8
RMS_ALPHA = 0.99

# which state buffers each kind keeps, by torch.optim's names
_BUFFERS = {"sgd": ("momentum_buffer",), "adam": ("exp_avg", "exp_avg_sq"), "adamw": ("exp_avg", "exp_avg_sq"),
            "rmsprop": ("square_avg", "momentum_buffer")}


class FlatOptimizer:
    def __init__(self, params: FlatParams, s: Settings):
        self.params = params
        self.kind = s.optimizer
        self.configure(s)
        self.reset()

    def configure(self, s: Settings) -> None:
        """Take new hyper-parameters; the state (moments, step count) is kept when the kind is the same."""
        if s.optimizer != self.kind:
            self.kind = s.optimizer
            self.reset()
        self.lr, self.momentum, self.nesterov = s.lr, s.momentum, s.nesterov
        self.weight_decay = s.weight_decay

    def reset(self) -> None:
        """Forget the moments and the step count (after a divergence left non-finite values in them)."""
        self.steps = 0
        self.buffers = {name: torch.zeros_like(self.params.theta) for name in _BUFFERS[self.kind]}
        self._denominator = torch.empty_like(self.params.theta)

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    def step(self) -> None:
        theta, grad, lr, wd = self.params.theta, self.params.grad, self.lr, self.weight_decay
        self.steps += 1
        if self.kind == "adamw" and wd:
            theta.mul_(1 - lr * wd)
        elif wd:
            grad.add_(theta, alpha=wd)
        if self.kind == "sgd":
            if self.momentum:
                buf = self.buffers["momentum_buffer"]
                buf.mul_(self.momentum).add_(grad)
                if self.nesterov:
                    grad.add_(buf, alpha=self.momentum)
                else:
                    grad = buf
            theta.add_(grad, alpha=-lr)
        elif self.kind in ("adam", "adamw"):
            b1, b2 = BETAS
            m, v, denom = self.buffers["exp_avg"], self.buffers["exp_avg_sq"], self._denominator
            m.lerp_(grad, 1 - b1)
            v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            torch.sqrt(v, out=denom)
            denom.div_((1 - b2 ** self.steps) ** 0.5).add_(EPS)
            theta.addcdiv_(m, denom, value=-lr / (1 - b1 ** self.steps))
        else:
            square, denom = self.buffers["square_avg"], self._denominator
            square.mul_(RMS_ALPHA).addcmul_(grad, grad, value=1 - RMS_ALPHA)
            torch.sqrt(square, out=denom)
            denom.add_(EPS)
            if self.momentum:
                buf = self.buffers["momentum_buffer"]
                buf.mul_(self.momentum).addcdiv_(grad, denom)
                theta.add_(buf, alpha=-lr)
            else:
                theta.addcdiv_(grad, denom, value=-lr)

    # ----- torch.optim's form, for checkpoints
    def _kept(self) -> tuple[str, ...]:
        """The buffers torch.optim would hold (it keeps no momentum buffer without momentum)."""
        names = _BUFFERS[self.kind]
        return tuple(n for n in names if n != "momentum_buffer" or self.momentum)

    def state_dict(self) -> dict:
        group = {"lr": self.lr, "weight_decay": self.weight_decay, "params": list(range(len(self.params.spans)))}
        if self.kind == "sgd":
            group.update(momentum=self.momentum, dampening=0, nesterov=self.nesterov)
        elif self.kind == "rmsprop":
            group.update(momentum=self.momentum, alpha=RMS_ALPHA, eps=EPS, centered=False)
        else:
            group.update(betas=BETAS, eps=EPS, amsgrad=False, decoupled_weight_decay=self.kind == "adamw")
        state = {}
        if self.steps:
            for i, span in enumerate(self.params.spans):
                entry = {name: FlatParams.view(self.buffers[name], span).clone() for name in self._kept()}
                if self.kind != "sgd":
                    entry["step"] = torch.tensor(float(self.steps))
                if entry:
                    state[i] = entry
        return {"state": state, "param_groups": [group]}

    def load_state_dict(self, saved: dict) -> None:
        """The moments and step count of a saved optimiser of the same kind (KeyError, RuntimeError if not)."""
        self.reset()
        state = saved["state"]
        if not state:
            return
        for i, span in enumerate(self.params.spans):
            entry = state[i]
            for name in self._kept():
                value = entry[name]
                if value.shape != span.shape:
                    raise RuntimeError(f"optimizer {name} of {span.name} has shape {tuple(value.shape)}")
                FlatParams.view(self.buffers[name], span).copy_(value)
            if "step" in entry:
                self.steps = int(entry["step"])
        if self.kind == "sgd":
            self.steps = 1  # a momentum buffer exists: what matters is that state is not empty
