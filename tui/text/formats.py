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


def count(n: int) -> str:
    """A count as it is read at a glance: whole below ten thousand (4,000), else in thousands or millions with
    at most three figures (250k, 1M, 1.2M)."""
    if n < 10_000:
        return f"{n:,}"
    value, letter = (n / 1e6, "M") if n >= 999_500 else (n / 1e3, "k")  # 999,999 reads 1M, not 1000k
    return (f"{value:.3g}" if value < 999.5 else f"{value:,.0f}") + letter


def sample_words(shown: int, total: int) -> str | None:
    """What a map drawing a sample of its points says ("4,000 of 1M points"); None when it draws them all."""
    return f"{count(shown)} of {count(total)} points" if shown < total else None
