"""The classifier network: an MLP with the schema's activations, its initialisation from a seed, and the loss."""

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


def loss_sum_and_correct(logits, y):
    """Summed loss and count of right answers, left on the device (no read-back). One logit: binary
    cross-entropy on logits; K logits: cross-entropy."""
    if logits.shape[1] == 1:
        z = logits[:, 0]
        loss = F.binary_cross_entropy_with_logits(z, y.to(z.dtype), reduction="sum")
        correct = ((z > 0).long() == y).sum()
    else:
        loss = F.cross_entropy(logits, y, reduction="sum")
        correct = (logits.argmax(dim=1) == y).sum()
    return loss, correct
