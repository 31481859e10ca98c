"""Every message the app's parts pass, one small dataclass each.

Views post the first kind upward, to the App. The App posts the second kind down to the views (they do
not bubble): what the engine reported, turned into messages ten times a second, and what the runner did.
A newer message of a kind marked `can_replace` makes a queued older one useless, and Textual drops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # torch loads after the first frame: these are for the reader only
    from engine.decision_map import DecisionGrid, MapRequest
    from engine.network_picture import NetworkPicture, NetworkRequest
    from engine.schema import Settings


class RunState(StrEnum):
    LOADING = "loading PyTorch"
    PREPARING = "preparing the data"
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"


class _Replaced(Message):
    def can_replace(self, message: Message) -> bool:
        return type(message) is type(self)


# ----- upward, from the views
@dataclass
class SettingsChanged(Message):
    """The form was edited: valid settings, or None and what is wrong (setting name → reason)."""

    settings: Settings | None
    problems: dict[str, str]


@dataclass
class MapWanted(_Replaced):
    """A decision grid for the map as it is now (its size and the features it spans), for this session."""

    request: MapRequest
    session: object


@dataclass
class NetworkWanted(_Replaced):
    """The pictures of the network's units for the network view as it is now; None: not on screen."""

    request: NetworkRequest | None
    session: object


@dataclass
class ReopenRequested(Message):
    run_id: str
    name: str


@dataclass
class RunDeleted(Message):
    run_id: str


# ----- downward, from the App
@dataclass
class SessionChanged(Message, bubble=False):
    """A new session to show: built from the settings, reset, or reopened from a kept run (`reopened` its name)."""

    session: object
    reopened: str | None = None


@dataclass
class EpochsArrived(Message, bubble=False):
    records: list = field(default_factory=list)  # EpochRecord, in order
    marks: list = field(default_factory=list)  # Mark
    seconds: float = 0.0  # the session's training time after the last of them
    inside: tuple[int, int, int, float] | None = None  # an epoch under way: (epoch, rows done, rows, seconds)
    threads: str | None = None  # the run's thread count, once it has measured it ("1 thread")


@dataclass
class GridArrived(_Replaced, bubble=False):
    grid: DecisionGrid
    session: object
    still: bool = True  # False: one of the maps made while training (its shades may hold against jitter)


@dataclass
class NetworkArrived(_Replaced, bubble=False):
    picture: NetworkPicture
    epoch: int
    session: object


@dataclass
class SliceShown(Message, bubble=False):
    """The two features the training view's map spans (the others at their median): the network's pictures
    show the same plane."""

    features: tuple[int, int]


@dataclass
class RefreshChanged(Message, bubble=False):
    """How often the live views redraw (see refresh.py)."""

    every: float  # seconds
    label: str | None  # what the status line says of it; None at the usual cadence


@dataclass
class PaceChanged(Message, bubble=False):
    pace: float | None  # epochs a second; None: as fast as possible


@dataclass
class ReportArrived(_Replaced, bubble=False):
    report: dict
    epoch: int
    session: object


@dataclass
class RunFinished(Message, bubble=False):
    outcome: object  # engine Outcome
    best_epoch: int
    seconds: float


@dataclass
class RunStateChanged(_Replaced, bubble=False):
    state: RunState
    then: str = ""  # what a key asked for, to be done when the runner is free ("start", "reset", ...)
    ended: str | None = None  # not training: how the session's last run ended ("completed", "stopped", ...)


@dataclass
class RunKept(Message, bubble=False):
    summary: object  # engine RunSummary


@dataclass
class DataFailed(Message, bubble=False):
    """The data or network of the form's settings could not be made (a CSV with a bad row): why."""

    problem: str
    table: object = None  # engine TableProblems: a table's problems, some that settings mend, to offer as choices


# ----- downward, the sweep's news (sweep_news.py makes them from its feed), to the sweep view
@dataclass
class SweepProgressArrived(_Replaced, bubble=False):
    done: float  # runs' worth of training done, of the plan's
    runs: int  # runs finished and kept


@dataclass
class TileArrived(Message, bubble=False):
    """A small map of one configuration; a newer one of the same configuration makes it useless."""

    drawn: object  # engine ConfigurationDrawn: the grid, the points, the accuracy, the seed drawn

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TileArrived) and message.drawn.index == self.drawn.index


@dataclass
class SweepRunsArrived(Message, bubble=False):
    """Runs of the sweep that finished since the last of these, in order."""

    runs: tuple = ()  # engine RunFinishedInSweep: the configuration, the run (frozen), whether it is drawn


@dataclass
class SweepNotices(Message, bubble=False):
    texts: tuple[str, ...]  # what the sweep's data says, each once (a file's label, columns left out...)


@dataclass
class SweepFinished(Message, bubble=False):
    finished: bool  # False: stopped before the end, or failed
    error: str | None = None  # what went wrong, when something did


@dataclass
class SweepRequested(Message):
    """F5 in the sweep view: train `sweep` (engine Sweep), reporting through `feed` (engine SweepFeed), which
    the view made and keeps: it asks it for maps of its tiles' size."""

    sweep: object
    feed: object
