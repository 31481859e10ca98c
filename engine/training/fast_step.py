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

from ..model import ACTIVATION_FUNCTIONS, MLP
from .activation_grads import BACKWARD
from .epoch_metrics import EpochMetrics
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams

# torch's own functions where torch.nn.functional adds a Python layer (a microsecond a call counts here)
FORWARD = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


class FastStep:
    """Activations are kept feature-major, (features, rows): small matrix products in that layout are
    three to five times faster on the CPU than rows-first (800×10 by 10×10: 17 µs; 10×10 by 10×800: 3 µs)."""

    def __init__(self, model: MLP, params: FlatParams, optimizer: FlatOptimizer, l1: float):
        self.model, self.params, self.optimizer, self.l1 = model, params, optimizer, l1
        self._forward = FORWARD.get(model.activation, ACTIVATION_FUNCTIONS[model.activation])
        self._backward = BACKWARD[model.activation]
        self._bias_columns = [b.view(-1, 1) for b in params.biases]
        self._columns: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}  # id(X) -> (X, X transposed)
        self._targets: tuple[torch.Tensor, torch.Tensor] | None = None  # (labels, what the loss compares with)
        self._metrics: EpochMetrics | None = None
        self._held_out: list | None = None  # the held-out parts the metrics buffer was made for

    @staticmethod
    def supports(model: MLP) -> bool:
        return model.activation in BACKWARD

    def set_lr(self, lr: float) -> None:
        self.optimizer.set_lr(lr)

    def logits(self, X: torch.Tensor) -> torch.Tensor:
        """The network's output without dropout (evaluation), rows first like the module's."""
        return self._output(self._feature_major(X)).t()

    def epoch(self, X: torch.Tensor, y: torch.Tensor, order: torch.Tensor | None, batch_size: int,
              should_stop: Callable[[], bool], held_out: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor | None:
        """Train one epoch over the rows in `order` (all, in place, if None) in batches of `batch_size`
        (0: one batch), then pass each held-out part (validation, test). [loss sum, right answers] of the
        training rows, then of each part, on the device; None if stopped midway."""
        columns, targets = self._feature_major(X), self._targets_for(y)
        metrics = self._metrics_for(y, held_out)
        if order is not None:
            columns, targets = columns[:, order], targets[:, order]
        metrics.follow_order(order)
        n, logits = y.shape[0], metrics.train_logits
        if not batch_size or batch_size >= n:
            if should_stop():
                return None
            self._train_batch(columns, targets, logits)
        else:
            for start in range(0, n, batch_size):
                if should_stop():
                    return None
                stop = start + batch_size
                self._train_batch(columns[:, start:stop], targets[:, start:stop], logits[:, start:stop])
        for (part_X, _), logits in zip(held_out, metrics.parts[1:]):
            self._output(self._feature_major(part_X), out=logits)
        return metrics.sums()

    def _output(self, a: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
        weights, biases = self.params.weights, self._bias_columns
        for W, b in zip(weights[:-1], biases[:-1]):
            a = self._forward(torch.addmm(b, W, a))
        return torch.addmm(biases[-1], weights[-1], a, out=out)

    def _metrics_for(self, y: torch.Tensor, held_out: list[tuple[torch.Tensor, torch.Tensor]]) -> EpochMetrics:
        m = self._metrics
        # the session passes the same list each epoch: one identity check in the hot path
        if m is None or m.y_train is not y or self._held_out is not held_out:
            labels = [part_y for _, part_y in held_out]
            m = self._metrics = EpochMetrics(y, labels, self.params.biases[-1].shape[0], self.params.theta.dtype)
            self._held_out = held_out
        return m

    def _feature_major(self, X: torch.Tensor) -> torch.Tensor:
        """X transposed (made once for each of the session's fixed tensors, the training and test sets)."""
        kept = self._columns.get(id(X))
        if kept is None or kept[0] is not X:
            if len(self._columns) > 4:
                self._columns.clear()
            kept = self._columns[id(X)] = (X, X.t().contiguous())
        return kept[1]

    def _targets_for(self, y: torch.Tensor) -> torch.Tensor:
        """Labels as the output layer's gradient needs them: a float row (two classes) or one-hot columns."""
        if self._targets is None or self._targets[0] is not y:
            outputs = self.params.biases[-1].shape[0]
            dtype = self.params.theta.dtype
            t = y.to(dtype).unsqueeze(0) if outputs == 1 else F.one_hot(y, outputs).to(dtype).t().contiguous()
            self._targets = (y, t)
        return self._targets[1]

    def _train_batch(self, x: torch.Tensor, target: torch.Tensor, logits: torch.Tensor) -> None:
        weights, biases = self.params.weights, self._bias_columns
        p = self.model.dropout
        inputs, pre, post, keeps = [x], [], [], []
        a = x
        for W, b in zip(weights[:-1], biases[:-1]):
            z = torch.addmm(b, W, a)
            a = self._forward(z)
            pre.append(z)
            post.append(a)
            if p > 0:  # the module's draws, in its order and (rows, features) shape, transposed
                keep = (torch.rand(a.shape[::-1], generator=self.model.generator, device=a.device) >= p).t()
                keeps.append(keep)
                a = a * keep / (1.0 - p)
            inputs.append(a)
        torch.addmm(biases[-1], weights[-1], a, out=logits)

        # mean loss: sigmoid (or softmax) minus the target, over the batch size
        g = torch.sigmoid(logits) if logits.shape[0] == 1 else torch.softmax(logits, dim=0)
        g.sub_(target).mul_(1.0 / x.shape[1])
        weight_grads, bias_grads = self.params.weight_grads, self.params.bias_grads
        for i in range(len(weights) - 1, -1, -1):
            torch.mm(g, inputs[i].t(), out=weight_grads[i])
            torch.sum(g, 1, out=bias_grads[i])
            if i == 0:
                break
            g = torch.mm(weights[i].t(), g)
            if p > 0:
                g = g * keeps[i - 1] / (1.0 - p)
            g = self._backward(g, pre[i - 1], post[i - 1])
        if self.l1:
            grad, theta = self.params.grad, self.params.theta
            grad.add_(torch.sign(theta).mul_(self.params.weight_mask), alpha=self.l1)
        self.optimizer.step()
