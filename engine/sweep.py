"""A sweep: every combination of a grid trained, many models at once where they can be, each kept in the
runs catalog tagged with the sweep, and a table of the configurations ranked by mean test accuracy.

Sessions are made a batch at a time (a sweep of hundreds of wide networks must not hold them all), split
into the groups that can train together (the same shapes), and each group trained in one go.
"""

from __future__ import annotations

import math
import secrets
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .schema import BY_NAME, Settings
from .sweep_grid import SEEDS, Grid, configuration_key

BATCH = 64  # sessions made at a time


@dataclass(frozen=True)
class SweepRun:
    settings: Settings  # resolved
    reason: str  # how its training ended: completed, early stopping, diverged, stopped
    test_accuracy: float
    test_loss: float
    epochs: int
    seconds: float
    run_id: str | None  # None when it could not be kept


@dataclass
class Configuration:
    """One row of the table: a combination of the varying settings, over its seeds."""

    values: dict[str, Any]  # varying setting → value (the seeds left out)
    runs: list[SweepRun] = field(default_factory=list)

    @property
    def accuracies(self) -> list[float]:
        return [r.test_accuracy for r in self.runs]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accuracies)

    @property
    def std(self) -> float:
        return statistics.stdev(self.accuracies) if len(self.runs) > 1 else 0.0

    @property
    def diverged(self) -> int:
        return sum(r.reason == "diverged" for r in self.runs)

    def as_dict(self) -> dict:
        acc = self.accuracies
        return {"settings": {n: _plain(v) for n, v in self.values.items()},
                "test_accuracy": {"mean": self.mean, "std": self.std, "min": min(acc), "max": max(acc)},
                "test_loss": _mean_finite([r.test_loss for r in self.runs]),
                "epochs": statistics.fmean(r.epochs for r in self.runs),
                "seconds": sum(r.seconds for r in self.runs), "diverged": self.diverged,
                "runs": [{"id": r.run_id, "seed": r.settings.seed, "test_accuracy": r.test_accuracy,
                          "test_loss": r.test_loss, "epochs": r.epochs, "stopped": r.reason} for r in self.runs]}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _mean_finite(values: list[float]) -> float | None:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.fmean(finite) if finite else None


def describe(grid: Grid) -> str:
    """A name for a sweep that says what it varies: "circles: lr × hidden × seed"."""
    varying = grid.varying or ["one configuration"]
    return f"{grid.base.replace(**{n: v[0] for n, v in grid.axes.items()}).dataset}: " + " × ".join(varying)


class Sweep:
    def __init__(self, grid: Grid, store, name: str | None = None):
        self.grid = grid
        self.store = store
        self.id = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        self.name = name or describe(grid)
        self.plan = grid.combinations()  # SettingError for a combination the schema refuses
        self.runs: list[SweepRun] = []
        self.problems: list[str] = []  # runs that trained but could not be kept

    @property
    def total_epochs(self) -> int:
        return sum(s.epochs for s in self.plan)

    def run(self, should_stop: Callable[[], bool] = lambda: False,
            on_progress: Callable[[int, int], None] | None = None,
            on_watch: Callable[..., None] | None = None) -> bool:
        """Train every combination; False when stopped before the end (what finished is kept).
        `on_progress(model epochs done, runs finished)` after each epoch of a group; `on_watch(sessions)`
        then too, in the training thread, with the group's sessions (to draw them), and `on_watch(sessions,
        final=True)` when the group has ended."""
        from .training.session import TrainingSession

        done_before = 0
        for start in range(0, len(self.plan), BATCH):
            sessions = [TrainingSession(s) for s in self.plan[start:start + BATCH]]
            for group in _groups(sessions):
                members = [sessions[i] for i in group]
                ended = len(self.runs)

                def progress(_epoch: int, members=members, ended=ended) -> None:
                    if on_progress is not None:
                        on_progress(done_before + sum(m.history.epoch for m in members), ended)
                    if on_watch is not None:
                        on_watch(members)

                _train(members, should_stop, progress)
                if on_watch is not None:
                    on_watch(members, final=True)
                for session in members:  # stopped midway, those of the group that had finished are kept
                    if session.outcome is not None and session.outcome.reason != "stopped":
                        self._keep(session)
                if should_stop():
                    return False
                done_before += sum(m.history.epoch for m in members)
                if on_progress is not None:
                    on_progress(done_before, len(self.runs))
        return True

    def _keep(self, session) -> None:
        from .errors import AnnclfError
        from .exports import results

        data = results(session, session.outcome)
        test = data["final"]["test"]
        run_id = None
        try:
            run_id = self.store.save(session, session.outcome, data=data, sweep=(self.id, self.name)).id
        except AnnclfError as error:
            self.problems.append(str(error))
        self.runs.append(SweepRun(session.requested, str(session.outcome.reason), test["accuracy"], test["loss"],
                                  session.history.epoch, session.seconds, run_id))

    def table(self) -> list[Configuration]:
        """The configurations of the runs that finished, best mean test accuracy first."""
        varying = [n for n in self.grid.varying if n not in SEEDS]
        rows: dict[tuple, Configuration] = {}
        for run in self.runs:
            key = configuration_key(run.settings, varying)
            rows.setdefault(key, Configuration({n: getattr(run.settings, n) for n in varying})).runs.append(run)
        return sorted(rows.values(), key=lambda c: -c.mean)

    def as_dict(self) -> dict:
        return {"sweep": {"id": self.id, "name": self.name, "varying": self.grid.varying, "runs": len(self.plan),
                          "finished": len(self.runs)},
                "configurations": [c.as_dict() for c in self.table()]}


def _groups(sessions) -> list[list[int]]:
    try:
        from .training.batched import batch_groups
    except ImportError:  # one at a time until batched training is there
        return [[i] for i in range(len(sessions))]
    return batch_groups(sessions)


def _train(sessions, should_stop, on_epoch) -> None:
    try:
        from .training.batched import train_together
    except ImportError:
        for session in sessions:
            session.controls.rearm()
            if should_stop():
                return
            session.run(on_epoch=lambda record: on_epoch(record.epoch) if not should_stop() else
                        session.controls.stop())
        return
    train_together(sessions, should_stop, on_epoch)


def label(name: str, value: Any) -> str:
    return BY_NAME[name].format(value) if name in BY_NAME else str(value)
