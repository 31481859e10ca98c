"""A hyper-parameter of the models trained as rows of one buffer (one row for a single run, M for a stack).

It is one Python number when every model has the same value, else a column (one value a model) broadcast
along each model's row. The number is the single run's case and the cheaper operation (`add_` with `alpha`
against `addcmul_` with a tensor), so the arithmetic is written once, for both, with the helpers below.
"""

from __future__ import annotations

import torch

Value = float | torch.Tensor


def per_model(values: list[float], like: torch.Tensor, dims: int = 2) -> Value:
    """One number when all are equal, else a column of `dims` dimensions ([M, 1] or [M, 1, 1])."""
    if all(v == values[0] for v in values):
        return float(values[0])
    return torch.tensor(values, dtype=like.dtype, device=like.device).view(-1, *(1,) * (dims - 1))


def add_scaled_(x: torch.Tensor, y: torch.Tensor, s: Value) -> torch.Tensor:
    """x += s·y, in place."""
    return x.add_(y, alpha=s) if isinstance(s, float) else x.addcmul_(y, s)


def plus_scaled(x: torch.Tensor, y: torch.Tensor, s: Value) -> torch.Tensor:
    """x + s·y, a new tensor."""
    return torch.add(x, y, alpha=s) if isinstance(s, float) else torch.addcmul(x, y, s)


def add_quotient_(x: torch.Tensor, a: torch.Tensor, b: torch.Tensor, s: Value) -> torch.Tensor:
    """x += s·a/b, in place."""
    return x.addcdiv_(a, b, value=s) if isinstance(s, float) else x.addcmul_(a.div(b), s)
