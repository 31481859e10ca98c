"""What the runner's workers do, each in a thread of its own: load the engine, build a session, train it and
keep its run. They touch no widget: what they make is their result."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from engine.runs import RunStore
from engine.schema import Settings


@dataclass(frozen=True)
class Trained:
    """What a training worker hands back: the run's end, its final report, where it was kept."""

    session: object
    report: dict
    summary: object | None  # engine RunSummary; None when not kept
    problem: str | None  # why it could not be kept; None when there was nothing new to keep


def import_engine() -> None:
    """The slow imports (torch, scikit-learn), in a worker once the first frame is on the screen."""
    import engine.checkpoint  # noqa: F401
    import engine.training.session  # noqa: F401


def train(session, store: RunStore, run_id: str | None, replaces: str | None, kept: threading.Event) -> Trained:
    """Train, then keep the run; `kept` is set once the run is on disk (or could not be), whatever happens:
    an app that quits while this trains waits for it before the process ends."""
    from engine.errors import AnnclfError

    try:
        before = session.history.epoch
        session.run()
        report = session.evaluate()
        if session.history.epoch == before:  # stopped before its first epoch: nothing new to keep
            return Trained(session, report, None, None)
        try:
            return Trained(session, report, store.keep(session, report, run_id, replaces), None)
        except (AnnclfError, OSError) as error:
            return Trained(session, report, None, str(error))
    finally:
        kept.set()


def build(settings: Settings):
    from engine.training.session import TrainingSession

    return TrainingSession(settings)
