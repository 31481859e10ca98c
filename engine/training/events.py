"""What a training session reports while it trains, one frozen dataclass per kind of news.

A client that wants them attaches a `Feed` to the session and drains it; a session without a feed
(headless training) makes none of them. A sweep reports the same way, through a `SweepFeed` (sweep_feed.py):
the last kinds here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..decision_map import DecisionGrid
from ..evaluation import Evaluation
from ..network_picture import NetworkPicture
from .history import EpochRecord, Mark
from .outcome import Outcome
from .threads import Choice

if TYPE_CHECKING:
    from ..sweep import SweepRun


@dataclass(frozen=True)
class EpochDone:
    record: EpochRecord
    seconds: float  # the session's training time so far, pauses left out


@dataclass(frozen=True)
class EpochProgress:
    """How far an epoch that has run for a second or more has come (its rows trained so far)."""

    epoch: int  # the epoch in progress
    rows_done: int
    rows: int  # the training rows of an epoch
    seconds: float  # since the epoch began


@dataclass(frozen=True)
class ThreadsChosen:
    """How many threads the run trains on, measured as it began (threads.Choice)."""

    choice: Choice


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


Event = EpochDone | EpochProgress | ThreadsChosen | Marked | GridReady | NetworkReady | ReportReady | RunEnded


# ----- a sweep's
@dataclass(frozen=True)
class SweepProgressed:
    done: float  # runs' worth of training done (a run half trained counts a half), of the plan's
    runs: int  # runs finished and kept


@dataclass(frozen=True)
class Points:
    """What a map draws besides its grid, copied once from a session's data: the points shown (Split.shown) in
    the dataset's units (every feature: a grid says which two it spans), their labels, the exact labelling
    function of a toy set (or None), the class names and how many points there are in all."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    target: Callable[[np.ndarray], np.ndarray] | None
    class_names: tuple[str, ...]
    total: int  # the training and test points there are (more than shown: a sample of a large set)


@dataclass(frozen=True)
class ConfigurationDrawn:
    """A small map of a configuration: the grid of the run that stands for it (its first seed)."""

    index: int  # the configuration's place in the plan's order
    grid: DecisionGrid
    points: Points
    accuracy: float  # that run's test accuracy at the epoch drawn
    epoch: int
    seeds: tuple[tuple[str, Any], ...]  # the seeds that vary, with that run's values: (("seed", 0),)
    final: bool = False  # drawn as the run ended


@dataclass(frozen=True)
class RunFinishedInSweep:
    index: int  # its configuration's place in the plan's order
    run: SweepRun  # frozen: its settings, how it ended, test accuracy and loss, epochs, time, kept run's id
    drawn: bool  # the run that stands for its configuration: the one drawn, opened with Enter, compared


@dataclass(frozen=True)
class SweepNoticed:
    """Something the sweep's data says once (a file's label column, columns left out, cells filled)."""

    text: str


@dataclass(frozen=True)
class SweepEnded:
    finished: bool  # False: stopped before the end, or failed
    error: str | None = None  # what stopped it, when something went wrong


SweepEvent = SweepProgressed | ConfigurationDrawn | RunFinishedInSweep | SweepNoticed | SweepEnded
