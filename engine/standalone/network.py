"""The classifier network: an MLP with the schema's activations, its initialisation from a seed, the loss, the
class it predicts, and the textbook training step (autograd and a torch.optim optimiser)."""

import math

import torch
from torch import nn
from torch.nn import functional as F


ACTIVATION_FUNCTIONS = {
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "gelu": F.gelu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "identity": lambda x: x,
}
GAIN_NAME = {"relu": "relu", "leaky_relu": "leaky_relu", "tanh": "tanh", "sigmoid": "sigmoid"}


class MLP(nn.Module):
    """Linear layers with an activation and dropout after each hidden one.

    Dropout draws its masks from `self.generator` when one is set, so that a run's masks depend on
    its seed alone and a resumed run draws the same ones.
    """

    def __init__(self, inputs, hidden, outputs, activation, dropout):
        super().__init__()
        widths = [inputs, *hidden, outputs]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.activation = activation
        self.dropout = dropout
        self.generator = None
        self._act = ACTIVATION_FUNCTIONS[activation]

    def forward(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last:
                x = self._act(x)
                if self.training and self.dropout > 0:
                    keep = torch.rand(x.shape, generator=self.generator, device=x.device) >= self.dropout
                    x = x * keep / (1.0 - self.dropout)
        return x


def initialise(model, how, seed):
    """Set the weights from `seed` alone (drawn on the CPU, so every device starts from the same ones)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in model.layers:
            w = torch.empty(layer.weight.shape)
            b = torch.zeros(layer.bias.shape)
            fan_in = w.shape[1]
            if how == "default":  # what nn.Linear.reset_parameters does, but from our generator
                nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
                bound = 1 / math.sqrt(fan_in)
                b.uniform_(-bound, bound, generator=g)
            elif how.startswith("xavier"):
                gain = nn.init.calculate_gain(GAIN_NAME.get(model.activation, "linear"))
                init = nn.init.xavier_uniform_ if how == "xavier_uniform" else nn.init.xavier_normal_
                init(w, gain=gain, generator=g)
            elif how.startswith("kaiming"):
                nonlinearity = "leaky_relu" if model.activation == "leaky_relu" else (
                    "relu" if model.activation in ("relu", "elu", "gelu") else "linear")
                init = nn.init.kaiming_uniform_ if how == "kaiming_uniform" else nn.init.kaiming_normal_
                init(w, nonlinearity=nonlinearity, generator=g)
            elif how == "zeros":
                w.zero_()
            else:
                raise AssertionError(how)
            layer.weight.copy_(w)
            layer.bias.copy_(b)


def predicted_class(logits, dim=1):
    """The class the network answers, for each row of `logits` (the classes along `dim`). One logit: class 1
    when it is above 0, class 0 otherwise, a logit of exactly 0 too (at 0 the two are equally likely, and the
    first class wins a tie as argmax has it). K logits: the largest, the first of equal ones. Every count of
    right answers, report and map takes its classes from here."""
    if logits.shape[dim] == 1:
        return torch.gt(logits, 0).squeeze(dim).long()
    return logits.argmax(dim=dim)


def loss_sum_and_correct(logits, y):
    """Summed loss and count of right answers, left on the device (no read-back). One logit: binary
    cross-entropy on logits; K logits: cross-entropy."""
    if logits.shape[1] == 1:
        loss = F.binary_cross_entropy_with_logits(logits[:, 0], y.to(logits.dtype), reduction="sum")
    else:
        loss = F.cross_entropy(logits, y, reduction="sum")
    return loss, (predicted_class(logits) == y).sum()


def train_step(model, optimizer, xb, yb, l1=0.0):
    """One step of the textbook loop on a batch: its mean loss (plus `l1` times the weights' absolute sum), the
    gradient by autograd, the optimiser's update. The batch's summed loss and right answers, detached."""
    loss_sum, correct = loss_sum_and_correct(model(xb), yb)
    objective = loss_sum / len(yb)
    if l1:
        objective = objective + l1 * sum(layer.weight.abs().sum() for layer in model.layers)
    optimizer.zero_grad()
    objective.backward()
    optimizer.step()
    return loss_sum.detach(), correct
