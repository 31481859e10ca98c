"""How a training run ended: a reason from a fixed set, the last epoch kept, and a sentence for people."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """A str, so that it is written to JSON and compared with text as its value."""

    COMPLETED = "completed"
    EARLY_STOPPING = "early_stopping"
    DIVERGED = "diverged"
    STOPPED = "stopped"  # F7, Ctrl-C, quitting the app
    NOT_TRAINED = "not_trained"  # exported before any training

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def read(cls, text: str) -> "Reason | None":
        """A reason as a kept run records it (runs kept before 0.2 said "cancelled" for stopped); None if unknown."""
        try:
            return cls("stopped" if text == "cancelled" else text)
        except ValueError:
            return None


@dataclass(frozen=True)
class Outcome:
    reason: Reason
    epoch: int
    message: str
