"""The fast step of several models of one shape on the same data: FastStep's forward and backward passes
with the models' weights stacked, [M, out, in], and every product a batched one (baddbmm, bmm).

Each model is a row of one [M, P] buffer laid out as its own flat buffer (FlatParams), so a row copies to
and from a session in one `copy_`. Activations are feature-major as in FastStep, [M, features, rows]; each
model may take the training rows in its own order (an index tensor [M, n] gathers them in one call) and
draw its own dropout masks from its own generator, in the order FastStep draws them.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ..model import ACTIVATION_FUNCTIONS
from .activation_grads import BACKWARD
from .fast_step import FORWARD
from .stacked_optimizer import StackedOptimizer


class StackedStep:
    def __init__(self, sessions: list):
        """`sessions` trained as one stack, in this order (sorted by optimiser kind: StackedOptimizer)."""
        first = sessions[0]
        self.spans = first.params.spans
        self.theta = torch.stack([s.params.theta for s in sessions])
        self.grad = torch.zeros_like(self.theta)
        self.good = torch.stack([s._good for s in sessions])  # the weights of each model's last finite epoch
        M = len(sessions)
        view = lambda flat, span, shape: flat[:, span.start:span.stop].view(M, *shape)  # noqa: E731
        layers = [(w, b) for w, b in zip(self.spans[::2], self.spans[1::2])]
        self.weights = [view(self.theta, w, w.shape) for w, _ in layers]
        self.biases = [view(self.theta, b, (b.shape[0], 1)) for _, b in layers]
        self.optimizer = StackedOptimizer(self.theta, self.grad, [s.optimizer for s in sessions])
        self._forward = FORWARD.get(first.model.activation, ACTIVATION_FUNCTIONS[first.model.activation])
        self._backward = BACKWARD[first.model.activation]
        rates = [s.model.dropout for s in sessions]
        self.generators = [s.model.generator for s in sessions]
        self.dropout = max(rates) > 0
        self._kept = torch.tensor([1.0 - p for p in rates], dtype=self.theta.dtype,
                                  device=self.theta.device).view(-1, 1, 1)
        self._rates = rates
        l1 = [s.step.l1 for s in sessions]
        self.l1 = torch.tensor(l1, dtype=self.theta.dtype, device=self.theta.device).view(-1, 1) if any(l1) else None
        self.weight_mask = first.params.weight_mask
        self._data(first)

    def _data(self, session) -> None:
        """The shared data: training rows (rows first for gathering, feature-major for a full batch), labels
        as the output layer's gradient needs them, the held-out parts and the epoch's logits buffer."""
        self.X = session.X_train
        self.columns = session.X_train.t().contiguous()
        self.y = session.y_train
        outputs = self.biases[-1].shape[1]
        dtype = self.theta.dtype
        y = self.y
        self.targets = y.to(dtype).unsqueeze(0) if outputs == 1 else F.one_hot(y, outputs).to(dtype).t().contiguous()
        self.held_out = [part_X.t().contiguous() for part_X, _ in session.held_out]
        sizes = [y.shape[0], *(part_y.shape[0] for _, part_y in session.held_out)]
        n, M = sum(sizes), self.theta.shape[0]
        self.logits = torch.empty((M, outputs, n), dtype=dtype, device=y.device)
        self.parts, start = [], 0
        for size in sizes:
            self.parts.append(slice(start, start + size))
            start += size
        self._fixed_labels = torch.cat([part_y for _, part_y in session.held_out])
        self._labels_for(None)

    def _labels_for(self, order: torch.Tensor | None) -> None:
        """Each model's labels over the logits buffer: its training rows in its order, then the held-out parts'."""
        M, n = self.theta.shape[0], self.y.shape[0]
        train = self.y.expand(M, n) if order is None else self.y[order]
        self.labels = torch.cat([train, self._fixed_labels.expand(M, -1)], dim=1)
        if self.logits.shape[1] == 1:  # with one logit, a right answer is a logit of the label's sign
            self._floats = self.labels.to(self.theta.dtype).unsqueeze(1)
            self._signs = self._floats.mul(2).sub_(1)

    def set_lrs(self, lrs: list[float]) -> None:
        self.optimizer.set_lrs(lrs)

    def epoch(self, order: torch.Tensor | None, batch_size: int) -> torch.Tensor:
        """One epoch of every model over the rows in `order` ([M, n], each model's; None: as they are) in batches
        of `batch_size` (0: one batch), then each held-out part. [M, 2·parts]: each model's [loss sum, right
        answers] of the training rows, then of each part, on the device."""
        n = self.y.shape[0]
        if order is None:
            columns = self.columns.expand(self.theta.shape[0], -1, -1)
            targets = self.targets.expand(self.theta.shape[0], -1, -1)
        else:
            columns = self.X[order].transpose(1, 2)  # [M, in, n]: each model's rows in its order
            targets = self.targets[:, order].transpose(0, 1)
        if order is not None or not self._in_order:
            self._labels_for(order)
        self._in_order = order is None
        size = batch_size if batch_size and batch_size < n else n
        for start in range(0, n, size):
            stop = min(start + size, n)
            self._train_batch(columns[:, :, start:stop], targets[:, :, start:stop], start, stop)
        for part_X, part in zip(self.held_out, self.parts[1:]):
            self.logits[:, :, part] = self._output(part_X.expand(self.theta.shape[0], -1, -1))
        return self._sums()

    _in_order = True

    def _output(self, a: torch.Tensor) -> torch.Tensor:
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            a = self._forward(torch.baddbmm(b, W, a))
        return torch.baddbmm(self.biases[-1], self.weights[-1], a)

    def _masks(self, rows: int, features: int) -> torch.Tensor:
        """Each model's dropout mask [features, rows], drawn as FastStep draws it (rows, features) from the
        model's generator; all kept for a model without dropout."""
        like = self.theta
        masks = [torch.rand((rows, features), generator=g, device=like.device) >= p if p > 0
                 else torch.ones((rows, features), dtype=torch.bool, device=like.device)
                 for g, p in zip(self.generators, self._rates)]
        return torch.stack(masks).transpose(1, 2)

    def _train_batch(self, x: torch.Tensor, target: torch.Tensor, start: int, stop: int) -> None:
        weights, biases = self.weights, self.biases
        inputs, pre, post, keeps = [x], [], [], []
        a = x
        for W, b in zip(weights[:-1], biases[:-1]):
            z = torch.baddbmm(b, W, a)
            a = self._forward(z)
            pre.append(z)
            post.append(a)
            if self.dropout:
                keep = self._masks(a.shape[2], a.shape[1])
                keeps.append(keep)
                a = a * keep / self._kept
            inputs.append(a)
        logits = torch.baddbmm(biases[-1], weights[-1], a)
        self.logits[:, :, start:stop] = logits

        # mean loss: sigmoid (or softmax) minus the target, over the batch size
        g = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
        g.sub_(target).mul_(1.0 / x.shape[2])
        grads = []
        for i in range(len(weights) - 1, -1, -1):
            grads.append(g.sum(2))
            grads.append(torch.bmm(g, inputs[i].transpose(1, 2)))
            if i == 0:
                break
            g = torch.bmm(weights[i].transpose(1, 2), g)
            if self.dropout:
                g = g * keeps[i - 1] / self._kept
            g = self._backward(g, pre[i - 1], post[i - 1])
        M = self.theta.shape[0]
        torch.cat([t.reshape(M, -1) for t in reversed(grads)], dim=1, out=self.grad)  # the flat buffer's order
        if self.l1 is not None:
            self.grad.addcmul_(torch.sign(self.theta).mul_(self.weight_mask), self.l1)
        self.optimizer.step()

    def _sums(self) -> torch.Tensor:
        L = self.logits
        if L.shape[1] == 1:
            losses = torch.binary_cross_entropy_with_logits(L, self._floats, None, None, 0)  # 0: no reduction
            right = torch.mul(L, self._signs).gt_(0)
        else:
            M, K, n = L.shape
            losses = F.cross_entropy(L.transpose(1, 2).reshape(-1, K), self.labels.reshape(-1),
                                     reduction="none").view(M, 1, n)
            right = torch.eq(L.argmax(dim=1), self.labels).to(L.dtype).unsqueeze(1)
        both = torch.cat([losses, right], dim=1)  # [M, 2, rows]
        # a sum over each part's columns (a product with a 0/1 matrix costs twice as much at this size)
        return torch.stack([both[:, :, part].sum(2) for part in self.parts], dim=1).view(both.shape[0], -1)
