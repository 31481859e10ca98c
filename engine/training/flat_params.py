"""The model's weights and biases as views into one flat buffer, with a gradient buffer of the same layout.

One buffer makes an optimiser update a handful of tensor operations whatever the depth of the network
(torch.optim spends ~100 µs a step walking its parameters), and a copy of the weights one `copy_`.
The module keeps working as before: its parameters are views into the same buffer.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..model import MLP


@dataclass(frozen=True)
class Span:
    name: str  # as in the model's state_dict: "layers.0.weight"
    start: int
    shape: torch.Size

    @property
    def stop(self) -> int:
        return self.start + self.shape.numel()


class FlatParams:
    def __init__(self, model: MLP):
        params = dict(model.named_parameters())
        first = next(iter(params.values()))
        self.spans: list[Span] = []
        start = 0
        for name, p in params.items():
            self.spans.append(Span(name, start, p.shape))
            start += p.numel()
        self.theta = torch.empty(start, dtype=first.dtype, device=first.device)
        self.grad = torch.zeros_like(self.theta)
        with torch.no_grad():
            for span, p in zip(self.spans, params.values()):
                view = self.view(self.theta, span)
                view.copy_(p)
                p.data = view  # the module now reads and writes the flat buffer
        self.weights = [self.view(self.theta, s) for s in self.spans if s.name.endswith("weight")]
        self.biases = [self.view(self.theta, s) for s in self.spans if s.name.endswith("bias")]
        self.weight_grads = [self.view(self.grad, s) for s in self.spans if s.name.endswith("weight")]
        self.bias_grads = [self.view(self.grad, s) for s in self.spans if s.name.endswith("bias")]
        # 1 where the buffer holds a weight, 0 where a bias: the L1 penalty applies to weights only
        self.weight_mask = torch.zeros_like(self.theta)
        for span in self.spans:
            if span.name.endswith("weight"):
                self.weight_mask[span.start:span.stop] = 1

    @staticmethod
    def view(flat: torch.Tensor, span: Span) -> torch.Tensor:
        return flat[span.start:span.stop].view(span.shape)

    def as_state_dict(self, flat: torch.Tensor) -> dict[str, torch.Tensor]:
        """A flat copy (of the weights, say) in the model's state_dict form."""
        return {s.name: self.view(flat, s).clone() for s in self.spans}

    def from_state_dict(self, state: dict[str, torch.Tensor]) -> torch.Tensor:
        """A flat buffer from a state_dict of this network (a KeyError or RuntimeError if it does not fit)."""
        flat = torch.empty_like(self.theta)
        for s in self.spans:
            value = state[s.name]
            if value.shape != s.shape:
                raise RuntimeError(f"{s.name} has shape {tuple(value.shape)}, the network {tuple(s.shape)}")
            self.view(flat, s).copy_(value)
        return flat
