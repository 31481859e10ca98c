"""A sweep: every combination of a grid trained, many models at once where they can be, each kept in the
runs catalog tagged with the sweep, and a table of the configurations ranked by mean test accuracy.

Sessions are made a batch at a time (a sweep of hundreds of wide networks must not hold them all), split
into the groups that can train together (the same shapes), and each group trained in one go. A client in
another thread (the app) gives the sweep a `SweepFeed` (sweep_feed.py) and is told what happens through it.
"""

from __future__ import annotations

import math
import secrets
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .schema import BY_NAME, Settings, implied
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
    def rank_key(self) -> tuple[float, float]:
        """Best mean test accuracy first; a tie goes to the lower mean test loss (no finite loss: last)."""
        loss = self.test_loss
        return -self.mean, math.inf if loss is None else loss

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


def rank(runs: list[SweepRun], varying: list[str]) -> list[Configuration]:
    """The configurations of `runs` (the `varying` settings but the seeds make a row), best first."""
    varying = [n for n in varying if n not in SEEDS]
    rows: dict[tuple, Configuration] = {}
    for run in runs:
        key = configuration_key(run.settings, varying)
        rows.setdefault(key, Configuration({n: getattr(run.settings, n) for n in varying})).runs.append(run)
    return sorted(rows.values(), key=lambda c: c.rank_key)


def describe(grid: Grid) -> str:
    """A name for a sweep that says what it varies: "circles: lr × hidden × seed"."""
    varying = grid.varying or ["one configuration"]
    first = grid.base.replace(**implied({n: v[0] for n, v in grid.axes.items()}))  # --csv alone: the csv set
    return f"{first.dataset}: " + " × ".join(varying)


class Sweep:
    def __init__(self, grid: Grid, store, name: str | None = None):
        self.grid = grid
        self.store = store
        self.id = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        self.name = name or describe(grid)
        self.plan = grid.combinations()  # SettingError for a combination the schema refuses
        self.runs: list[SweepRun] = []
        self.problems: list = []  # AnnclfError: a run that trained but could not be kept, and why
        # what reading the data decided that a person should know (a file's label, columns left out, rows
        # dropped, cells filled), each once however many runs share the data; said as the runs are made
        self.notices: list[str] = []
        self._on_notice: Callable[[str], None] | None = None
        self._feed = None  # the client's, while run() reports to one
        # where each finished run's epochs, last map and settings go for TensorBoard: (folder, map every N)
        self.tensorboard: tuple[str, int] | None = None
        self.tensorboard_problems: list[str] = []  # runs kept whose TensorBoard files could not be written
        # where the groups train: None, here (in worker processes); a DaskExecutor (training/dask_groups.py), on
        # its cluster, each group's runs kept as they come back
        self.executor = None
        self.lost: list = []  # dask_groups.Lost: the groups whose task never finished on the cluster
        # the table's rows in the plan's order: each the varying settings but the seeds
        self._varying = [n for n in grid.varying if n not in SEEDS]
        self.configurations: tuple[tuple, ...] = tuple(dict.fromkeys(configuration_key(s, self._varying)
                                                                     for s in self.plan))
        self._places = {key: i for i, key in enumerate(self.configurations)}  # found at once, however many
        self.runs_each = len(self.plan) // max(len(self.configurations), 1)  # the seeds' combinations
        # the seeds that vary, each with its first value: the run of a configuration that has them stands for
        # it (drawn, opened, compared): ("seed", 0)
        self.drawn_seeds: tuple[tuple[str, Any], ...] = tuple((n, grid.axes[n][0]) for n in grid.varying if n in SEEDS)

    @property
    def total_epochs(self) -> int:
        return sum(s.epochs for s in self.plan)

    def index(self, settings: Settings) -> int:
        """The place of the configuration a run of these settings belongs to, in the plan's order."""
        return self._places[configuration_key(settings, self._varying)]

    def drawn(self, settings: Settings) -> bool:
        """Whether a run of these settings is the one that stands for its configuration (its first seed)."""
        return all(getattr(settings, name) == value for name, value in self.drawn_seeds)

    def run(self, should_stop: Callable[[], bool] = lambda: False,
            on_progress: Callable[[float, int], None] | None = None, feed=None, workers: int = 1,
            on_notice: Callable[[str], None] | None = None) -> bool:
        """Train every combination; False when stopped before the end (what finished is kept).

        `on_progress(runs' worth done, runs finished)` as it goes. A `feed` (SweepFeed) is told the same,
        each run kept, and, with one worker, gets small maps of the configurations made between epochs when
        it wants them (see SweepFeed.serve); its stop stops the sweep too. With more workers the groups are
        dealt to worker processes (the fastest way on a CPU) and nothing is drawn until they are done.
        `on_notice` is told each of the data's notices (see `notices`) once, when its first run is made."""
        self._on_notice = on_notice
        if feed is not None:
            asked, should_stop = should_stop, lambda: asked() or feed.stop_requested

        def tell(done: float, runs: int) -> None:
            if on_progress is not None:
                on_progress(done, runs)
            if feed is not None:
                feed.progressed(done, runs)

        self._feed = feed
        try:
            for start in range(0, len(self.plan), BATCH):
                self._train_batch(self.plan[start:start + BATCH], should_stop, tell, feed, workers)
                tell(float(len(self.runs)), len(self.runs))
                if should_stop():
                    return False
            return True
        finally:
            self._feed = None

    def _train_batch(self, plan: list[Settings], should_stop, tell, feed, workers: int) -> None:
        from .training.batched import batch_groups, train_together
        from .training.parallel_groups import train_groups
        from .training.session import TrainingSession

        sessions = [TrainingSession(s) for s in plan]
        for session in sessions:
            for notice in session.dataset.notices:
                if notice not in self.notices:
                    self.notices.append(notice)
                    if self._on_notice is not None:
                        self._on_notice(notice)
                    if self._feed is not None:
                        self._feed.noticed(notice)
        groups = batch_groups(sessions)
        base = float(len(self.runs))
        group_epochs = sum(max(sessions[i].settings.epochs for i in g) for g in groups)
        on_epoch = lambda k: tell(base + len(sessions) * k / group_epochs, len(self.runs))  # noqa: E731
        if self.executor is not None:
            def back(group: list[int]) -> None:  # its runs kept, and drawn for a client that wants maps
                members = [sessions[i] for i in group]
                self._keep_finished(members)
                if feed is not None:
                    feed.serve(self, members, final=True)
            self.lost += self.executor.train(sessions, groups, should_stop, on_epoch, back)
            return
        if workers > 1:
            train_groups(sessions, should_stop, on_epoch, workers)
            self._keep_finished(sessions)
            return
        for group in groups:
            members = [sessions[i] for i in group]
            before = float(len(self.runs))

            def progress(_epoch: int, members=members, before=before) -> None:
                tell(before + sum(m.history.epoch / m.settings.epochs for m in members), len(self.runs))
                if feed is not None:
                    feed.serve(self, members)

            train_together(members, should_stop, progress, feed.maps_due if feed is not None else None)
            if feed is not None:
                feed.serve(self, members, final=True)
            self._keep_finished(members)
            if should_stop():
                return

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
            run_id = self.store.save(session, session.outcome, data=data, sweep=(self.id, self.name),
                                 seeds=tuple(name for name, _ in self.drawn_seeds)).id
        except AnnclfError as error:
            self.problems.append(error)
        run = SweepRun(session.requested, str(session.outcome.reason), test["accuracy"], test["loss"],
                       session.history.epoch, session.seconds, run_id)
        self.runs.append(run)
        if self.tensorboard is not None:
            self._to_tensorboard(session, data)
        if self._feed is not None:
            from .training.events import RunFinishedInSweep

            self._feed.put(RunFinishedInSweep(self.index(run.settings), run, self.drawn(run.settings)))

    def _to_tensorboard(self, session, data: dict) -> None:
        """The run's epochs and last map, and as hyper-parameters the settings the sweep varies (and the seeds)
        with its final metrics: TensorBoard's HParams view ranks the configurations by them."""
        from .errors import AnnclfError
        from .runs import default_name
        from .tensorboard_log import TensorBoardRun

        folder, map_every = self.tensorboard
        seeds = tuple(name for name, _ in self.drawn_seeds)
        try:
            log = TensorBoardRun(folder, default_name(session.settings, seeds), session.class_names, map_every)
            log.history(session)
            flat = session.settings.to_flat()
            final = data["final"]
            log.hparams({name: flat[name] for name in self.grid.varying},
                        {"hparam/test_accuracy": final["test"]["accuracy"], "hparam/test_loss": final["test"]["loss"],
                         "hparam/train_accuracy": final["train"]["accuracy"]})
            log.close()
        except (AnnclfError, OSError) as error:
            self.tensorboard_problems.append(str(error))
        else:
            if log.failure is not None:
                self.tensorboard_problems.append(log.failure)

    def table(self) -> list[Configuration]:
        """The configurations of the runs that finished, best mean test accuracy first (see rank); a tie, and
        a configuration's runs, in the plan's order, however the runs came back (a cluster returns them as
        they finish)."""
        place = lambda c: self.index(c.runs[0].settings)  # noqa: E731
        seeds = lambda r: tuple(self.grid.axes[n].index(getattr(r.settings, n)) for n, _ in self.drawn_seeds)  # noqa: E731
        rows = sorted(rank(self.runs, self.grid.varying), key=lambda c: (c.rank_key, place(c)))
        for row in rows:
            row.runs.sort(key=seeds)  # its seeds in the plan's order too
        return rows

    def as_dict(self) -> dict:
        return {"sweep": {"id": self.id, "name": self.name, "varying": self.grid.varying, "runs": len(self.plan),
                          "finished": len(self.runs)},
                "configurations": [c.as_dict() for c in self.table()]}


def label(name: str, value: Any) -> str:
    return BY_NAME[name].format(value) if name in BY_NAME else str(value)


def counted(n: int, word: str, plural: str | None = None) -> str:
    """"1 run", "6 runs", "1,200 runs"."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


# what several values of a setting are called ("6 runs: 2 learning rates × 3 seeds")
PLURALS = {"hidden": "hidden layouts", "activation": "activations", "inputs": "input sets",
           "optimizer": "optimizers", "lr": "learning rates", "batch_size": "batch sizes", "dropout": "dropout rates",
           "weight_decay": "weight decays", "epochs": "epoch counts", "seed": "seeds", "data_seed": "data seeds",
           "init_seed": "init seeds", "shuffle_seed": "shuffle seeds"}


def values_of(name: str, n: int) -> str:
    """"2 learning rates", "3 seeds", "2 momentum values"."""
    return f"{n:,} {PLURALS.get(name) or name.replace('_', ' ') + ' values'}"
