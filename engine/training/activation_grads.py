"""The derivative of each activation, as the ATen kernels autograd itself calls for it.

Each takes the gradient with respect to the activation's output, its input `z` and its output `a`, and
gives the gradient with respect to `z`. Using autograd's own kernels keeps the hand-written backward
pass equal to autograd's to rounding. Every activation of the schema is here: the training step has no
other way to train.
"""

from __future__ import annotations

from typing import Callable

import torch

aten = torch.ops.aten
Grad = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]

BACKWARD: dict[str, Grad] = {
    "relu": lambda g, z, a: aten.threshold_backward(g, a, 0),
    "leaky_relu": lambda g, z, a: aten.leaky_relu_backward(g, z, 0.01, False),
    "elu": lambda g, z, a: aten.elu_backward(g, 1.0, 1, 1.0, False, z),
    "gelu": lambda g, z, a: aten.gelu_backward(g, z),
    "tanh": lambda g, z, a: aten.tanh_backward(g, a),
    "sigmoid": lambda g, z, a: aten.sigmoid_backward(g, a),
    "identity": lambda g, z, a: g,
}
