"""The training's own rules: per-epoch seeds, the learning-rate schedule, and what ends a run."""

import math

import numpy as np


SHUFFLE, DROPOUT = 1, 2


def epoch_seed(seed, epoch, stream):
    """Batch order and dropout masks depend on (seed, epoch) alone: a run resumed at epoch N draws what
    the uninterrupted run drew, with no generator state to save."""
    return int(np.random.SeedSequence([seed, epoch, stream]).generate_state(1, np.uint64)[0] >> 1)


class LearningRate:
    """The rate of each epoch: none, step, cosine, or plateau (which watches a loss: see observe)."""

    def __init__(self, base, kind, epochs, step_size, gamma, patience):
        self.base, self.kind, self.epochs = base, kind, epochs
        self.step_size, self.gamma, self.patience = step_size, gamma, patience
        # plateau state: the rate now, the best loss seen, epochs since it improved
        self.current = base
        self.best = math.inf
        self.bad_epochs = 0

    def at(self, epoch):
        """The rate for 1-based `epoch`."""
        if self.kind == "step":
            return self.base * self.gamma ** ((epoch - 1) // self.step_size)
        if self.kind == "cosine":
            progress = min(epoch - 1, self.epochs) / max(self.epochs, 1)
            return self.base * 0.5 * (1 + math.cos(math.pi * progress))
        if self.kind == "plateau":
            return self.current
        return self.base

    def observe(self, watched_loss):
        """After each epoch, with the loss it watches: validation, when there is a validation split, else test."""
        if self.kind != "plateau":
            return
        if watched_loss < self.best * (1 - 1e-4):
            self.best, self.bad_epochs = watched_loss, 0
        else:
            self.bad_epochs += 1
            if self.bad_epochs > self.patience:
                self.current *= self.gamma
                self.bad_epochs = 0

    def state_dict(self):
        return {"current": self.current, "best": self.best, "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state):
        self.current, self.best, self.bad_epochs = state["current"], state["best"], state["bad_epochs"]


def finite_epoch(*losses):
    """An epoch whose train, validation or test loss is NaN or infinite has diverged: the run stops and
    keeps the weights of the epoch before (None: a loss not measured)."""
    return all(math.isfinite(loss) for loss in losses if loss is not None)


class BestEpoch:
    """The epoch of the lowest watched loss so far (validation, when there is a validation split, else
    test); with a patience, early stopping once that many epochs have passed without a lower one (the best
    epoch's weights are then restored)."""

    def __init__(self, patience, epoch=0, loss=math.inf):
        self.patience, self.epoch, self.loss = patience, epoch, loss

    def observe(self, epoch, loss):
        """True when `epoch` is the best so far."""
        if loss < self.loss:
            self.epoch, self.loss = epoch, loss
            return True
        return False

    def exhausted(self, epoch):
        return bool(self.patience) and epoch - self.epoch >= self.patience
