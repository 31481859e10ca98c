"""A single run's optimiser: the flat weight buffer updated in a few tensor operations a step.

The arithmetic is RowOptimizer's, on a one-row view of the run's own buffers (the stack of a sweep runs the
same on many rows); what this adds is the run's own state: its hyper-parameters from the settings, its
moments kept or forgotten, and `state_dict()` in torch.optim's form, so checkpoints stay readable either way.
"""

from __future__ import annotations

import torch

from ..schema import Settings
from .flat_params import FlatParams
from .row_optimizer import BETAS, BUFFERS, EPS, RMS_ALPHA, RowOptimizer


class FlatOptimizer:
    def __init__(self, params: FlatParams, s: Settings):
        self.params = params
        self.kind = s.optimizer
        self._take(s)
        self.reset()

    def _take(self, s: Settings) -> None:
        self._lr, self.momentum, self.nesterov, self.weight_decay = s.lr, s.momentum, s.nesterov, s.weight_decay

    def configure(self, s: Settings) -> None:
        """Take new hyper-parameters; the state (moments, step count) is kept when the kind is the same."""
        self._take(s)
        if s.optimizer != self.kind:
            self.kind = s.optimizer
            self.reset()
        else:
            self.rows.configure([self._lr], [self.momentum], [self.nesterov], [self.weight_decay])

    def reset(self) -> None:
        """Forget the moments and the step count (after a divergence left non-finite values in them)."""
        self.buffers = {name: torch.zeros_like(self.params.theta) for name in BUFFERS[self.kind]}
        row = lambda flat: flat.view(1, -1)  # noqa: E731
        self.rows = RowOptimizer(self.kind, row(self.params.theta), row(self.params.grad),
                                 {name: row(buffer) for name, buffer in self.buffers.items()}, [0])
        self.rows.configure([self._lr], [self.momentum], [self.nesterov], [self.weight_decay])
        self._kept_state: tuple[dict[str, torch.Tensor], int] | None = None  # remember()'s

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        self._lr = lr
        self.rows.set_lrs([lr])

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    @property
    def steps(self) -> int:
        return self.rows.steps[0]

    @steps.setter
    def steps(self, steps: int) -> None:
        self.rows.steps = [steps]

    def step(self) -> None:
        self.rows.step()

    # ----- an epoch given up midway (a stop or a pause between two mini-batches) leaves no trace
    def remember(self) -> None:
        """Keep the moments and the step count as they are (at the start of an epoch of several steps)."""
        kept = self._kept_state or ({name: torch.empty_like(b) for name, b in self.buffers.items()}, 0)
        for name, buffer in self.buffers.items():
            kept[0][name].copy_(buffer)
        self._kept_state = (kept[0], self.steps)

    def rewind(self) -> None:
        """Back to what remember() kept."""
        kept = self._kept_state
        if kept is None:
            return  # nothing kept since the moments were made: no epoch of several steps began since
        for name, buffer in self.buffers.items():
            buffer.copy_(kept[0][name])
        self.steps = kept[1]

    # ----- torch.optim's form, for checkpoints
    def _kept(self) -> tuple[str, ...]:
        """The buffers torch.optim would hold (it keeps no momentum buffer without momentum)."""
        names = BUFFERS[self.kind]
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
