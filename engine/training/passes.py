"""The training step's arithmetic: forward pass, loss gradient, backward pass, L1 penalty and the optimiser's
update, written once for one model and for a stack of models of one shape.

Autograd and torch.optim cost ~600 µs a step for a small network, nearly all of it framework overhead; the
same arithmetic as plain operations on views of one flat buffer costs a tenth of that. No autograd graph is
built and nothing is read back from the device. Every activation of the schema has its backward pass by
hand (activation_grads.py).

One model's weights are 2-D views ([out, in]) of its flat buffer [P], and its products mm and addmm; a
stack's are 3-D views ([M, out, in]) of an [M, P] buffer, and its products bmm and baddbmm. The code below
picks the product by the number of dimensions, so one copy serves both (a batched product of one model
costs 1–2 µs more than a plain one, and a small step makes eight of them). Activations are feature-major,
([M,] features, rows): small products in that layout are three to five times faster on the CPU than
rows-first (800×10 by 10×10: 17 µs; 10×10 by 10×800: 3 µs).
"""

from __future__ import annotations

from typing import Callable

import torch

from ..model import ACTIVATION_FUNCTIONS
from . import threads
from .activation_grads import BACKWARD
from .flat_params import Span
from .per_model import Value, add_scaled_

# torch's own functions where torch.nn.functional adds a Python layer (a microsecond a call counts here)
FORWARD = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


CACHE_BYTES = 1 << 20  # a layer's activations for this many bytes of rows stay in a core's cache (L2: 1 MB here)


def chunk_rows(widest: int, item_bytes: int) -> int:
    """The rows of a chunk of a large batch: a full batch of 800,000 rows through 64 units takes a third of the
    time in chunks of 4,096 rows as in one piece (one thread; two: 0.39 s against 1.16 s), and a stop is
    heard between two chunks. By the widest layer, never by the number of models, so that a model in a stack
    adds up its gradient in the same chunks as alone (and gets the same numbers)."""
    return max(1024, CACHE_BYTES // (widest * item_bytes))


def dropout_mask(generator: torch.Generator | None, rate: float, rows: int, features: int,
                 device: torch.device) -> torch.Tensor:
    """Which units a model keeps, [features, rows]: drawn as the module draws them, (rows, features), from the
    model's generator, so that the step and the module keep the same ones."""
    return (torch.rand((rows, features), generator=generator, device=device) >= rate).t()


class Passes:
    def __init__(self, activation: str, theta: torch.Tensor, grad: torch.Tensor, spans: list[Span],
                 weight_mask: torch.Tensor, optimizer, l1: Value):
        """`theta` and `grad`: one model's flat buffers [P] or a stack's [M, P], laid out as `spans`; the
        optimiser updates `theta` from `grad` (step()); `l1`: the penalty's weight (a column for a stack whose
        models differ in it)."""
        self.theta, self.grad, self.weight_mask, self.optimizer, self.l1 = theta, grad, weight_mask, optimizer, l1

        def view(flat: torch.Tensor, span: Span, shape: tuple) -> torch.Tensor:
            return flat[..., span.start:span.stop].view(*flat.shape[:-1], *shape)
        weights, biases = spans[::2], spans[1::2]
        self.weights = [view(theta, s, s.shape) for s in weights]
        self.biases = [view(theta, s, (*s.shape, 1)) for s in biases]  # columns, added to every row
        self.weight_grads = [view(grad, s, s.shape) for s in weights]
        self.bias_grads = [view(grad, s, s.shape) for s in biases]
        # b + W·a and a·b, for one model or each model of a stack
        self._affine, self._product = (torch.addmm, torch.mm) if theta.dim() == 1 else (torch.baddbmm, torch.bmm)
        # where the step's results go: one model's views of its buffers are contiguous, and a product writes
        # into them in place; a stack's are strided (each model a row), where writing through a view costs a
        # temporary and a copy, so its gradients are made apart and laid into the buffer by one cat (~10 % of
        # a stack's step)
        self._in_place = theta.dim() == 1
        self._grad_outs = [(w, b) if self._in_place else (None, None)
                           for w, b in zip(self.weight_grads, self.bias_grads)]
        self._forward = FORWARD.get(activation, ACTIVATION_FUNCTIONS[activation])
        self._backward = BACKWARD[activation]
        # set by the owner when units drop out: masks(rows, features) -> ([M,] features, rows), and the
        # fraction kept (a number, or a column [M, 1, 1])
        self.dropout: Callable[[int, int], torch.Tensor] | None = None
        self.kept: Value = 1.0
        self.chunk = chunk_rows(max(max(w.shape[-2:]) for w in self.weights), theta.element_size())

    def output(self, a: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
        """The logits of feature-major inputs, without dropout (evaluation); in chunks when `out` is given."""
        rows = a.shape[-1]
        if out is not None and rows > self.chunk:
            for start in range(0, rows, self.chunk):
                self.output(a[..., start:start + self.chunk], out[..., start:start + self.chunk])
            return out
        affine = self._affine
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            a = self._forward(affine(b, W, a))
        return affine(self.biases[-1], self.weights[-1], a, out=out)

    def train_epoch(self, columns: torch.Tensor, targets: torch.Tensor, logits: torch.Tensor, batch_size: int,
                    interrupted: Callable[[int], bool]) -> bool:
        """Train on the rows of `columns` as they come, in batches of `batch_size` (0: one batch), each batch's
        logits written into `logits`; False if interrupted midway. `interrupted(rows done)` is asked before each
        batch, and between the chunks of a batch larger than `chunk`."""
        n = columns.shape[-1]
        size = batch_size if batch_size and batch_size < n else n
        for start in range(0, n, size):
            if interrupted(start):
                return False
            if size == n:
                x, target, out = columns, targets, logits
            else:
                stop = start + size
                x, target, out = columns[..., start:stop], targets[..., start:stop], logits[..., start:stop]
            if x.shape[-1] <= self.chunk:
                self.train_batch(x, target, out)
            elif not self._train_in_chunks(x, target, out, lambda done: interrupted(start + done)):
                return False
        return True

    def train_batch(self, x: torch.Tensor, target: torch.Tensor, logits: torch.Tensor) -> None:
        """One step on the batch `x` with `target` (the labels as the output layer's gradient needs them: a row
        of 0/1, or one-hot columns); its logits go into `logits`."""
        self._gradients(x, target, logits, 1.0 / x.shape[-1], accumulate=False)
        self._update()

    def _train_in_chunks(self, x: torch.Tensor, target: torch.Tensor, logits: torch.Tensor,
                         interrupted: Callable[[int], bool]) -> bool:
        """One step on a batch too large for the cache, its gradient summed chunk by chunk (the step is the
        same, to rounding); False, before any update, if interrupted between two chunks."""
        rows = x.shape[-1]
        for start in range(0, rows, self.chunk):
            if start and interrupted(start):
                return False
            stop = start + self.chunk
            self._gradients(x[..., start:stop], target[..., start:stop], logits[..., start:stop], 1.0 / rows,
                            accumulate=start > 0)
        self._update()
        return True

    def choose_threads(self, columns: torch.Tensor, targets: torch.Tensor, batch_size: int) -> threads.Choice:
        """The thread count for epochs over `columns` in batches of `batch_size` (0: one batch), decided by
        threads.choose on this model's own step: a mini-batch, or a chunk of a large batch, of the first rows,
        its gradient made and thrown away (the weights, the optimiser and the gradient buffer stay as they were)."""
        n = columns.shape[-1]
        rows = min(batch_size or n, n, self.chunk)
        x, target = columns[..., :rows], targets[..., :rows]
        logits = torch.empty((*self.theta.shape[:-1], self.biases[-1].shape[-2], rows), dtype=self.theta.dtype,
                             device=self.theta.device)
        models = self.theta.shape[0] if self.theta.dim() == 2 else 1
        widest = models * rows * max(max(w.shape[-2:]) for w in self.weights)
        kept = self.grad.clone()
        try:
            return threads.choose(lambda: self._gradients(x, target, logits, 1.0 / rows, accumulate=False), widest,
                                  self.theta.device)
        finally:
            self.grad.copy_(kept)

    def _gradients(self, x: torch.Tensor, target: torch.Tensor, logits: torch.Tensor, scale: float,
                   accumulate: bool) -> None:
        """The gradient of the mean loss over `scale`⁻¹ rows, from the rows of `x`: written into the gradient
        buffer, or added to it (`accumulate`: a chunk after the first of a batch)."""
        weights, biases, affine, product = self.weights, self.biases, self._affine, self._product
        inputs, pre, post, keeps = [x], [], [], []
        a = x
        for W, b in zip(weights[:-1], biases[:-1]):
            z = affine(b, W, a)
            a = self._forward(z)
            pre.append(z)
            post.append(a)
            if self.dropout is not None:
                keep = self.dropout(a.shape[-1], a.shape[-2])
                keeps.append(keep)
                a = a * keep / self.kept
            inputs.append(a)
        made = affine(biases[-1], weights[-1], a, out=logits if self._in_place else None)
        if not self._in_place:
            logits.copy_(made)

        # mean loss: sigmoid (or softmax) minus the target, over the batch size
        g = torch.sigmoid(made) if made.shape[-2] == 1 else torch.softmax(made, dim=-2)
        g.sub_(target).mul_(scale)
        direct = self._in_place and not accumulate  # written straight into the buffer's views
        grads = []  # bias, weight of the last layer, then of the one before...
        for i in range(len(weights) - 1, -1, -1):
            weight_out, bias_out = self._grad_outs[i] if direct else (None, None)
            grads.append(torch.sum(g, -1, out=bias_out))
            grads.append(product(g, inputs[i].mT, out=weight_out))
            if i == 0:
                break
            g = product(weights[i].mT, g)
            if self.dropout is not None:
                g = g * keeps[i - 1] / self.kept
            g = self._backward(g, pre[i - 1], post[i - 1])
        if direct:
            return
        rows = self.grad.shape[0] if self.grad.dim() == 2 else 1
        flat = [t.reshape(rows, -1) for t in reversed(grads)]  # the buffer's order
        if accumulate:
            self.grad.add_(torch.cat(flat, dim=1).view_as(self.grad))
        else:
            torch.cat(flat, dim=1, out=self.grad.view(rows, -1))

    def _update(self) -> None:
        """The L1 penalty's share of the gradient, then the optimiser's step."""
        if isinstance(self.l1, torch.Tensor) or self.l1:
            add_scaled_(self.grad, torch.sign(self.theta).mul_(self.weight_mask), self.l1)
        self.optimizer.step()
