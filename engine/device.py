"""Which device to train on: `auto` takes CUDA when present; CUDA asked for but absent falls back, with a notice."""

from __future__ import annotations

import torch


def resolve_device(requested: str) -> tuple[torch.device, str | None]:
    """(device, notice); the notice is None unless the request could not be met."""
    if requested == "cpu":
        return torch.device("cpu"), None
    if torch.cuda.is_available():
        return torch.device("cuda"), None
    if requested == "cuda":
        why = "this PyTorch was built without CUDA" if torch.version.cuda is None else "no CUDA device was found"
        return torch.device("cpu"), f"CUDA was asked for but {why}; training on the CPU instead"
    return torch.device("cpu"), None
