"""What the training view's status line says, from what the view knows: pure, so that it is tested alone."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tui.text.formats import duration
from tui.app.messages import RunState


WHEN_LOADED = {"start": "starting", "step": "one epoch"}


@dataclass
class Progress:
    """The figures of the status line, kept by the training view from the messages it gets."""

    epoch: int = 0
    epochs: int = 0
    seconds: float = 0.0  # training time of the session
    rate_from: tuple[int, float] | None = None  # (epoch, seconds) when the current run started
    lr: float | None = None  # shown when a schedule changes it
    best: int | None = None  # with early stopping on
    device: str = ""
    pace: float | None = None  # epochs a second the run keeps to; None: as fast as it goes
    refresh: str | None = None  # how often the map and curves redraw, when not the usual


def status_parts(state: RunState, then: str, progress: Progress, ended: str | None,
                 problem: tuple[str, str] | None) -> list[tuple[str | Text, int]]:
    """The parts of the line in order, each with its rank: the lowest are kept longest as the terminal narrows.
    `problem`: (what, why) when the settings are refused or their data cannot be made."""
    if problem is not None:
        return [(Text.assemble((f"{problem[0]}: ", "bold red"), problem[1]), 0)]
    waiting = f" · then {then}" if then else ""
    if state == RunState.LOADING:
        first = then.split(", ")[0]
        if first in WHEN_LOADED:
            return [(f"{WHEN_LOADED[first]} when PyTorch has loaded…{waiting if ', ' in then else ''}", 0)]
        return [(f"loading PyTorch and scikit-learn…{waiting}", 0)]
    if state == RunState.PREPARING and not progress.epochs:
        return [(f"preparing the data…{waiting}", 0)]
    p = progress
    parts: list[tuple[str | Text, int]] = [(f"epoch {p.epoch:,}/{p.epochs:,}", 0)]
    if p.pace:  # the rate over training time would be the machine's, not what is on screen
        parts.append((f"pace {p.pace:g}/s", 1))  # kept at 80 columns: the counter is slow on purpose
    elif state == RunState.RUNNING and p.rate_from is not None and p.seconds > p.rate_from[1]:
        rate = (p.epoch - p.rate_from[0]) / (p.seconds - p.rate_from[1])
        parts.append((f"{rate:,.0f} epochs/s", 3))
    if p.lr is not None:
        parts.append((f"lr {p.lr:.3g}", 5))
    if p.best:
        parts.append((f"best {p.best:,}", 4))
    # paced, the training time is a small part of the time watched: say what it is
    parts += [(duration(p.seconds) + (" computing" if p.pace else ""), 6), (p.device, 7)]
    if p.refresh:  # before the rate: over SSH it says why the map is slow to change
        parts.append((p.refresh, 2))
    label = ended if state == RunState.READY and ended else state.value
    parts.append((label + waiting, 1))
    return parts
