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
    def test_loss(self) -> float | None:
        """The mean over the runs whose loss is finite (None when none is)."""
        return _mean_finite([r.test_loss for r in self.runs])

    @property
    def diverged(self) -> int:
        return sum(r.reason == "diverged" for r in self.runs)

    def as_dict(self) -> dict:
        acc = self.accuracies
        return {"settings": {n: _plain(v) for n, v in self.values.items()},
                "test_accuracy": {"mean": self.mean, "std": self.std, "min": min(acc), "max": max(acc)},
                "test_loss": self.test_loss,
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
            on_progress: Callable[[float, int], None] | None = None,
            on_watch: Callable[..., None] | None = None, watch_due: Callable[[], bool] | None = None,
            workers: int = 1) -> bool:
        """Train every combination; False when stopped before the end (what finished is kept).

        `on_progress(runs' worth done, runs finished)` as it goes. With one worker the groups train here, one
        after another, and `on_watch(sessions)` is called between their epochs when `watch_due()` says so
        (the sessions then hold their current weights, to be drawn), and `on_watch(sessions, final=True)`
        when a group ends. With more, the groups are dealt to worker processes (the fastest way on a CPU)
        and nothing is watched until they are done."""
        from .training.batched import batch_groups, train_together
        from .training.parallel_groups import train_groups
        from .training.session import TrainingSession

        for start in range(0, len(self.plan), BATCH):
            sessions = [TrainingSession(s) for s in self.plan[start:start + BATCH]]
            groups = batch_groups(sessions)
            base = float(len(self.runs))
            tell = on_progress or (lambda done, runs: None)
            if workers > 1:
                group_epochs = sum(max(sessions[i].settings.epochs for i in g) for g in groups)
                train_groups(sessions, should_stop, lambda k: tell(base + len(sessions) * k / group_epochs,
                                                                  len(self.runs)), workers)
                self._keep_finished(sessions)
            for group in groups if workers <= 1 else []:
                members = [sessions[i] for i in group]
                before = float(len(self.runs))

                def progress(_epoch: int, members=members, before=before) -> None:
                    tell(before + sum(m.history.epoch / m.settings.epochs for m in members), len(self.runs))
                    if on_watch is not None:
                        on_watch(members)

                train_together(members, should_stop, progress, watch_due)
                if on_watch is not None:
                    on_watch(members, final=True)
                self._keep_finished(members)
                if should_stop():
                    break
            tell(float(len(self.runs)), len(self.runs))
            if should_stop():
                return False
        return True

    def _keep_finished(self, sessions) -> None:
        """Stopped midway, those that had finished are kept all the same."""
        for session in sessions:
            if session.outcome is not None and session.outcome.reason != "stopped":
                self._keep(session)

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


def label(name: str, value: Any) -> str:
    return BY_NAME[name].format(value) if name in BY_NAME else str(value)
