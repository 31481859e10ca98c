"""Learning-rate schedules, as plain functions of the epoch (and, for plateau, of the test loss)."""

from __future__ import annotations

import math


class LearningRate:
    def __init__(self, base: float, kind: str, epochs: int, step_size: int, gamma: float, patience: int):
        self.base, self.kind, self.epochs = base, kind, epochs
        self.step_size, self.gamma, self.patience = step_size, gamma, patience
        # plateau state: the rate now, the best loss seen, epochs since it improved
        self.current = base
        self.best = math.inf
        self.bad_epochs = 0

    def at(self, epoch: int) -> float:
        """The rate for 1-based `epoch`."""
        if self.kind == "step":
            return self.base * self.gamma ** ((epoch - 1) // self.step_size)
        if self.kind == "cosine":
            progress = min(epoch - 1, self.epochs) / max(self.epochs, 1)
            return self.base * 0.5 * (1 + math.cos(math.pi * progress))
        if self.kind == "plateau":
            return self.current
        return self.base

    def observe(self, test_loss: float) -> None:
        if self.kind != "plateau":
            return
        if test_loss < self.best * (1 - 1e-4):
            self.best, self.bad_epochs = test_loss, 0
        else:
            self.bad_epochs += 1
            if self.bad_epochs > self.patience:
                self.current *= self.gamma
                self.bad_epochs = 0

    def state_dict(self) -> dict:
        return {"current": self.current, "best": self.best, "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict) -> None:
        self.current, self.best, self.bad_epochs = state["current"], state["best"], state["bad_epochs"]
