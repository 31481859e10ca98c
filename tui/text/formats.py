"""How times read on the screen and in the terminal."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """Milliseconds under a second (a small run takes 0.04 s, which "0.0 s" would hide), else seconds."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def speed(epochs_per_second: float) -> str:
    """How fast a run trains: whole epochs a second, one decimal below ten, and seconds an epoch below one (a
    large run's 0.4 epochs a second would read "0 epochs/s")."""
    if epochs_per_second >= 10:
        return f"{epochs_per_second:,.0f} epochs/s"
    if epochs_per_second >= 1:
        return f"{epochs_per_second:.1f} epochs/s"
    if epochs_per_second <= 0:
        return "no epoch yet"
    return f"{duration(1 / epochs_per_second)}/epoch"
