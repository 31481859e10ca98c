"""A training session: the data, the model and its optimiser, trained epoch by epoch.

The loop runs in whichever thread calls `run()`. Other threads steer it through `controls`
(pause, step, stop) and read what it produced through `drain()`, which never blocks: per-epoch
records, decision-map grids computed here between epochs (throttled), and the outcome.
"""

from __future__ import annotations

import dataclasses
import math
import queue
import time
from dataclasses import dataclass, field
from typing import Callable

import torch

from ..datasets.dataset import make_dataset
from ..datasets.split import split as split_dataset
from ..decision_map import Box, DecisionGrid, evaluate_grid
from ..device import resolve_device
from ..evaluation import Evaluation, evaluate
from ..memory import check_memory, estimate_bytes
from ..model import build_model, parameter_count
from ..schema import Settings
from ..errors import SettingError
from .autograd_step import AutogradStep
from .controls import Controls
from .fast_step import FastStep
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams
from .history import EpochRecord, History, Mark
from .schedule import LearningRate
from .seeds import DROPOUT, SHUFFLE, epoch_seed

COMPLETED, EARLY_STOPPING, DIVERGED, CANCELLED = "completed", "early_stopping", "diverged", "cancelled"

# Settings that can change between two runs of the same model; the rest define the data or network.
CONTINUABLE = frozenset({"optimizer", "lr", "momentum", "nesterov", "weight_decay", "l1", "epochs",
                         "batch_size", "schedule", "step_size", "gamma", "plateau_patience", "patience",
                         "shuffle_seed"})


@dataclass(frozen=True)
class Outcome:
    reason: str  # COMPLETED, EARLY_STOPPING, DIVERGED or CANCELLED
    epoch: int
    message: str


@dataclass
class Updates:
    """Everything produced since the last drain."""

    records: list[EpochRecord] = field(default_factory=list)
    grid: DecisionGrid | None = None
    report: dict[str, Evaluation] | None = None
    outcome: Outcome | None = None


@dataclass(frozen=True)
class MapRequest:
    box: Box
    columns: int
    rows: int
    features: tuple[int, int] = (0, 1)


_THREADS = torch.get_num_threads()  # torch's choice for this machine, before we change it


def _use_threads(flops_per_epoch: float) -> None:
    # Small models spend their time in framework overhead, where a second thread only adds contention
    # (3,000 epochs: 5.7 s on two threads, 2.2 s on one) and starves the UI. The setting is the
    # process's: a large model after a small one must get the threads back.
    torch.set_num_threads(1 if flops_per_epoch < 5e8 else _THREADS)


class TrainingSession:
    def __init__(self, settings: Settings):
        s = settings.resolve()
        self.requested = s  # as asked: `settings` below names the columns a csv or iris set filled in
        self.device, self.device_notice = resolve_device(s.device)
        if s.samples is not None and s.dataset not in ("csv", "iris"):
            self._check_memory(s, s.samples, 2, s.classes or 2)
        self.dataset = make_dataset(s)
        self.split = split_dataset(self.dataset, s.test_size, s.scale, s.data_seed)
        if s.dataset in ("csv", "iris"):
            s = s.replace(features=list(self.dataset.feature_names))
            self._check_memory(s, len(self.dataset.y), self.dataset.X.shape[1], self.dataset.num_classes)
        self.settings = s
        self.class_names = self.dataset.class_names
        self.flops_per_epoch = 6.0 * len(self.split.train) * parameter_count(
            self.dataset.X.shape[1], self.dataset.num_classes, s.hidden)

        as_tensor = lambda a: torch.from_numpy(a).to(self.device)  # noqa: E731
        self.X_train = as_tensor(self.split.to_model_input(self.split.X_train))
        self.y_train = as_tensor(self.split.y_train)
        self.X_test = as_tensor(self.split.to_model_input(self.split.X_test))
        self.y_test = as_tensor(self.split.y_test)

        self.model = build_model(self.X_train.shape[1], self.dataset.num_classes, s.hidden, s.activation,
                                 s.dropout, s.init, s.init_seed).to(self.device)
        if s.dropout > 0:
            self.model.generator = torch.Generator(device=self.device)
        self.params = FlatParams(self.model)
        self.history = History()
        self.controls = Controls()
        self.seconds = 0.0
        self.best_epoch = 0
        self.best_loss = math.inf
        self._best: torch.Tensor | None = None  # the weights of the best epoch, kept for early stopping
        self._good = self.params.theta.clone()  # the weights of the last epoch with a finite loss
        self.optimizer = FlatOptimizer(self.params, s)
        self.step = self._make_step()
        self.schedule = self._make_schedule()
        self._feed: queue.SimpleQueue = queue.SimpleQueue()
        self._map_request: MapRequest | None = None
        self._map_due = 0.0
        self._report_wanted = False
        self._report_due = 0.0

    # ----- construction helpers
    @staticmethod
    def _check_memory(s: Settings, rows: int, inputs: int, classes: int) -> None:
        device, _ = resolve_device(s.device)
        estimate = estimate_bytes(rows, inputs, classes, s.hidden, s.batch_size, s.test_size)
        hidden = ",".join(map(str, s.hidden)) or "none"
        batch = f"batch {s.batch_size:,}" if s.batch_size else "full batch"
        check_memory(estimate, device, f"hidden {hidden} on {rows:,} samples ({batch})")

    def _make_step(self) -> FastStep | AutogradStep:
        kind = FastStep if FastStep.supports(self.model) else AutogradStep
        return kind(self.model, self.params, self.optimizer, self.settings.l1)

    def _make_schedule(self) -> LearningRate:
        s = self.settings
        return LearningRate(s.lr, s.schedule, s.epochs, s.step_size, s.gamma, s.plateau_patience)

    # ----- what other threads call
    def drain(self) -> Updates:
        """Everything produced since the last call; never blocks. The newest grid replaces older ones."""
        updates = Updates()
        while True:
            try:
                item = self._feed.get_nowait()
            except queue.Empty:
                return updates
            if isinstance(item, EpochRecord):
                updates.records.append(item)
            elif isinstance(item, DecisionGrid):
                updates.grid = item
            elif isinstance(item, dict):
                updates.report = item
            else:
                updates.outcome = item

    def request_map(self, request: MapRequest | None) -> None:
        """Ask for decision-map grids while training (made between epochs, throttled, or at once if paused)."""
        self._map_request = request
        self._map_due = 0.0
        self.controls.wake()

    def request_report(self, wanted: bool) -> None:
        """Ask for the classification report while training (made between epochs, throttled, or at once if
        paused)."""
        self._report_wanted = wanted
        self._report_due = 0.0
        self.controls.wake()

    def decision_grid(self, request: MapRequest) -> DecisionGrid:
        """Call from the thread that trains (or while it is idle): it reads the weights."""
        grid = evaluate_grid(self.model, self.split, request.box, request.columns, request.rows,
                             request.features, self.device)
        with torch.no_grad():
            right = [(self._predict(X) == y).cpu().numpy() for X, y in
                     ((self.X_train, self.y_train), (self.X_test, self.y_test))]
        return dataclasses.replace(grid, train_correct=right[0], test_correct=right[1])

    def _predict(self, X: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        logits = self.model(X)
        return (logits[:, 0] > 0).long() if logits.shape[1] == 1 else logits.argmax(dim=1)

    # ----- changing the run between runs
    def change(self, **changes) -> None:
        """Change training settings before continuing the same model; the change is marked on the history."""
        illegal = set(changes) - CONTINUABLE
        if illegal:
            name = sorted(illegal)[0]
            raise SettingError(name, "defines the data or the network and cannot change while continuing; "
                                     "start a new run instead")
        old = self.settings
        new = old.replace(**changes).resolve()
        changed = new.differences(old)
        if not changed:
            return
        self.settings = new
        self.optimizer.configure(new)  # keeps its moments if the optimiser is the same
        self.step.l1 = new.l1
        plateau = self.schedule.state_dict()
        self.schedule = self._make_schedule()
        self.schedule.load_state_dict(plateau)
        note = ", ".join(f"{name} {getattr(old, name)} → {getattr(new, name)}" for name in changed)
        self.history.marks.append(Mark(self.history.epoch, note))

    # ----- the loop
    def _order(self, epoch: int) -> torch.Tensor | None:
        """The epoch's shuffled order of the training rows, for mini-batches (None: full batch)."""
        size = self.settings.batch_size
        n = len(self.y_train)
        if size == 0 or size >= n:
            return None
        g = torch.Generator().manual_seed(epoch_seed(self.settings.shuffle_seed, epoch, SHUFFLE))
        return torch.randperm(n, generator=g).to(self.device)

    def _emit(self, item, on_epoch: Callable[[EpochRecord], None] | None) -> None:
        self._feed.put(item)
        if on_epoch is not None and isinstance(item, EpochRecord):
            on_epoch(item)

    def _maybe_map(self, force: bool = False) -> None:
        request = self._map_request
        if request is None or (not force and time.monotonic() < self._map_due):
            return
        started = time.monotonic()
        self._feed.put(self.decision_grid(request))
        cost = time.monotonic() - started
        # the map may lag, training may not: wide nets make the map expensive, so it comes less often
        self._map_due = time.monotonic() + max(0.3, 5 * cost)

    def _serve_requests(self) -> None:
        self._maybe_map()
        self._maybe_report()

    def _maybe_report(self) -> None:
        if not self._report_wanted or time.monotonic() < self._report_due:
            return
        started = time.monotonic()
        self._feed.put(self.evaluate())
        # a report a second is current enough to read; a large dataset makes it rarer still
        self._report_due = time.monotonic() + max(1.0, 10 * (time.monotonic() - started))

    def run(self, on_epoch: Callable[[EpochRecord], None] | None = None) -> Outcome:
        """Train until `settings.epochs` (in all), early stopping, divergence or a stop."""
        _use_threads(self.flops_per_epoch)
        s = self.settings
        n_train, n_test = len(self.y_train), len(self.y_test)
        should_stop = lambda: self.controls.stop_requested  # noqa: E731  (asked between mini-batches)
        outcome = None
        while self.history.epoch < s.epochs and outcome is None:
            if not self.controls.wait_for_next_epoch(self._serve_requests):
                outcome = Outcome(CANCELLED, self.history.epoch, f"stopped after epoch {self.history.epoch}")
                break
            started = time.perf_counter()  # after the wait: time spent paused is not training time
            epoch = self.history.epoch + 1
            lr = self.schedule.at(epoch)
            self.step.set_lr(lr)
            if self.model.generator is not None:
                self.model.generator.manual_seed(epoch_seed(s.init_seed, epoch, DROPOUT))
            sums = self.step.epoch(self.X_train, self.y_train, self._order(epoch), s.batch_size, should_stop,
                                   self.X_test, self.y_test)
            if sums is None:  # stopped mid-epoch: go back to where the last whole epoch left off
                self.params.theta.copy_(self._good)
                outcome = Outcome(CANCELLED, self.history.epoch, f"stopped after epoch {self.history.epoch}")
                break
            loss, right, test_loss, test_right = sums.tolist()  # the epoch's one read from the device
            record = EpochRecord(epoch, loss / n_train, test_loss / n_test, right / n_train, test_right / n_test, lr)
            if not record.is_finite():
                outcome = self._diverged(epoch, lr)
                break
            self.history.records.append(record)
            self._good.copy_(self.params.theta)
            self.schedule.observe(record.test_loss)
            outcome = self._early_stopping(record)
            self.seconds += time.perf_counter() - started
            self._emit(record, on_epoch)
            self._maybe_map()
            self._maybe_report()
        outcome = outcome or Outcome(COMPLETED, self.history.epoch, f"completed {self.history.epoch} epochs")
        self._maybe_map(force=True)
        self._feed.put(outcome)
        return outcome

    def _diverged(self, epoch: int, lr: float) -> Outcome:
        self.params.theta.copy_(self._good)
        self.optimizer.reset()  # its moments hold the non-finite values too
        kept = epoch - 1
        return Outcome(DIVERGED, kept, f"the loss diverged (became NaN or infinite) at epoch {epoch}; "
                                       f"kept the weights of epoch {kept}. Try a lower learning rate "
                                       f"than {lr:g}")

    def _early_stopping(self, record: EpochRecord) -> Outcome | None:
        patience = self.settings.patience
        if record.test_loss < self.best_loss:
            self.best_loss, self.best_epoch = record.test_loss, record.epoch
            if patience:
                self._best = self._good.clone() if self._best is None else self._best.copy_(self._good)
            return None
        if patience and record.epoch - self.best_epoch >= patience and self._best is not None:
            self.params.theta.copy_(self._best)
            self.history.marks.append(Mark(record.epoch, f"early stop: weights of epoch {self.best_epoch} restored"))
            return Outcome(EARLY_STOPPING, record.epoch,
                           f"early stopping at epoch {record.epoch}: no better test loss for {patience} "
                           f"epochs; restored the weights of epoch {self.best_epoch}")
        return None

    # ----- checkpoints
    def saved_state(self) -> dict:
        """What a checkpoint keeps of the run besides its settings, on the CPU."""
        cpu = lambda flat: {k: v.cpu() for k, v in self.params.as_state_dict(flat).items()}  # noqa: E731
        return {
            "model": cpu(self.params.theta),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "best": {"epoch": self.best_epoch, "loss": self.best_loss,
                     "state": cpu(self._best) if self._best is not None else None},
            "history": {"records": self.history.as_dicts(),
                        "marks": self.history.mark_dicts()},
            "seconds": self.seconds,
        }

    def restore_saved_state(self, saved: dict) -> None:
        """The inverse of saved_state(); KeyError or RuntimeError if the weights do not fit this network."""
        self.params.theta.copy_(self.params.from_state_dict(saved["model"]))
        self.optimizer.load_state_dict(saved["optimizer"])
        self.schedule.load_state_dict(saved["schedule"])
        best = saved["best"]
        self.best_epoch, self.best_loss = best["epoch"], best["loss"]
        self._best = self.params.from_state_dict(best["state"]) if best["state"] is not None else None
        self.history = History.from_dicts(saved["history"]["records"], saved["history"]["marks"])
        self.seconds = saved["seconds"]
        self._good.copy_(self.params.theta)

    # ----- results
    def evaluate(self) -> dict[str, Evaluation]:
        return {"train": evaluate(self.model, self.X_train, self.y_train, self.class_names),
                "test": evaluate(self.model, self.X_test, self.y_test, self.class_names)}
