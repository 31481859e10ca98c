"""The fast training step: the forward and backward passes written out in tensor operations.

Autograd and torch.optim cost ~600 µs a step for a small network, nearly all of it framework
overhead; the same arithmetic as plain operations on views of one flat buffer costs a tenth of that.
No autograd graph is built, nothing is read back from the device, and each batch's logits land in one
buffer, from which the epoch's loss and accuracy come in a single pass at its end.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch.nn import functional as F

from ..model import ACTIVATION_FUNCTIONS, MLP, loss_sum_and_correct
from .activation_grads import BACKWARD
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams


class FastStep:
    def __init__(self, model: MLP, params: FlatParams, optimizer: FlatOptimizer, l1: float):
        self.model, self.params, self.optimizer, self.l1 = model, params, optimizer, l1
        self._forward = ACTIVATION_FUNCTIONS[model.activation]
        self._backward = BACKWARD[model.activation]
        self._targets: tuple[torch.Tensor, torch.Tensor] | None = None  # (labels, what the loss compares with)
        self._logits: torch.Tensor | None = None

    @staticmethod
    def supports(model: MLP) -> bool:
        return model.activation in BACKWARD

    def set_lr(self, lr: float) -> None:
        self.optimizer.set_lr(lr)

    def logits(self, X: torch.Tensor) -> torch.Tensor:
        """The network's output without dropout (evaluation)."""
        a = X
        weights, biases = self.params.weights, self.params.biases
        for W, b in zip(weights[:-1], biases[:-1]):
            a = self._forward(torch.addmm(b, a, W.t()))
        return torch.addmm(biases[-1], a, weights[-1].t())

    def epoch(self, X: torch.Tensor, y: torch.Tensor, order: torch.Tensor | None, batch_size: int,
              should_stop: Callable[[], bool]) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Train one epoch over the rows in `order` (all, in place, if None) in batches of `batch_size`
        (0: one batch); (summed loss, right answers) on the device, or None if stopped midway."""
        targets = self._targets_for(y)
        if order is not None:
            X, y, targets = X[order], y[order], targets[order]
        n = len(y)
        if self._logits is None or self._logits.shape[0] != n:
            self._logits = torch.empty((n, targets.shape[1]), dtype=X.dtype, device=X.device)
        size = batch_size or n
        for start in range(0, n, size):
            if should_stop():
                return None
            stop = start + size
            self._train_batch(X[start:stop], targets[start:stop], self._logits[start:stop])
        return loss_sum_and_correct(self._logits, y)

    def _targets_for(self, y: torch.Tensor) -> torch.Tensor:
        """Labels as the output layer's gradient needs them: a float column (two classes) or one-hot rows."""
        if self._targets is None or self._targets[0] is not y:
            outputs = self.params.biases[-1].shape[0]
            dtype = self.params.theta.dtype
            t = y.to(dtype).unsqueeze(1) if outputs == 1 else F.one_hot(y, outputs).to(dtype)
            self._targets = (y, t)
        return self._targets[1]

    def _train_batch(self, x: torch.Tensor, target: torch.Tensor, logits: torch.Tensor) -> None:
        weights, biases = self.params.weights, self.params.biases
        p = self.model.dropout
        inputs, pre, post, keeps = [x], [], [], []
        a = x
        for W, b in zip(weights[:-1], biases[:-1]):
            z = torch.addmm(b, a, W.t())
            a = self._forward(z)
            pre.append(z)
            post.append(a)
            if p > 0:  # the same draws, in the same order, as the module's forward
                keep = torch.rand(a.shape, generator=self.model.generator, device=a.device) >= p
                keeps.append(keep)
                a = a * keep / (1.0 - p)
            inputs.append(a)
        torch.addmm(biases[-1], a, weights[-1].t(), out=logits)

        # mean loss: sigmoid (or softmax) minus the target, over the batch size
        g = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
        g.sub_(target).mul_(1.0 / len(x))
        weight_grads, bias_grads = self.params.weight_grads, self.params.bias_grads
        for i in range(len(weights) - 1, -1, -1):
            torch.mm(g.t(), inputs[i], out=weight_grads[i])
            torch.sum(g, 0, out=bias_grads[i])
            if i == 0:
                break
            g = torch.mm(g, weights[i])
            if p > 0:
                g = g * keeps[i - 1] / (1.0 - p)
            g = self._backward(g, pre[i - 1], post[i - 1])
        if self.l1:
            grad, theta = self.params.grad, self.params.theta
            grad.add_(torch.sign(theta).mul_(self.params.weight_mask), alpha=self.l1)
        self.optimizer.step()
