"""How times read on the screen and in the terminal."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """Milliseconds under a second (a small run takes 0.04 s, which "0.0 s" would hide), else seconds."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"
