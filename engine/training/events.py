"""What a training session reports while it trains, one frozen dataclass per kind of news.

A client that wants them attaches a `Feed` to the session and drains it; a session without a feed
(headless training) makes none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..decision_map import DecisionGrid
from ..evaluation import Evaluation
from ..network_picture import NetworkPicture
from .history import EpochRecord, Mark
from .outcome import Outcome


@dataclass(frozen=True)
class EpochDone:
    record: EpochRecord
    seconds: float  # the session's training time so far, pauses left out


@dataclass(frozen=True)
class Marked:
    """A change of the run's settings between two epochs, or early stopping: drawn on the curves."""

    mark: Mark


@dataclass(frozen=True)
class GridReady:
    grid: DecisionGrid
    epoch: int  # the epoch whose weights made it
    still: bool = False  # made while the weights stand still (paused, or the run over), not between epochs


@dataclass(frozen=True)
class NetworkReady:
    picture: NetworkPicture
    epoch: int


@dataclass(frozen=True)
class ReportReady:
    report: dict[str, Evaluation]  # "train" and "test"
    epoch: int


@dataclass(frozen=True)
class RunEnded:
    outcome: Outcome
    best_epoch: int
    seconds: float


Event = EpochDone | Marked | GridReady | NetworkReady | ReportReady | RunEnded
