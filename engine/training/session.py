"""A training session: the data, the model and its optimiser, trained epoch by epoch.

The loop runs in whichever thread calls `run()`. Other threads steer it through `controls` (pause,
step, stop); a client that wants to follow it attaches a `Feed`, through which the session reports its
epochs, marks, decision maps, reports and its end as typed events. A session with no feed reports
nothing and queues nothing.

An epoch's bookkeeping is public (next_epoch, finish_epoch, end): run() goes through it, and so does a stack
of sessions trained together (batched.py), so the two keep one set of rules for records, divergence,
schedules, early stopping and ends.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Callable

import torch

from .. import standalone
from ..datasets.dataset import Dataset, make_dataset
from ..datasets.split import split as split_dataset
from ..decision_map import DecisionGrid, MapRequest, evaluate_grid
from ..device import resolve_device
from ..errors import SettingError
from ..evaluation import Evaluation, evaluation_of
from ..memory import check_run_memory
from ..network_picture import NetworkPicture, NetworkRequest, network_picture
from ..model import build_model, parameter_count, predicted_class
from ..schema import Settings
from . import threads
from .controls import Controls
from .events import EpochDone, EpochProgress, Event, Marked, RunEnded, ThreadsChosen
from .fast_step import FastStep
from .feed import Feed
from .flat_optimizer import FlatOptimizer
from .flat_params import FlatParams
from .history import EpochRecord, History, Mark
from .outcome import Outcome, Reason

INSIDE_EVERY = 0.05  # seconds between two looks at the client's wishes inside an epoch (a stop is heard at once)
PROGRESS_AFTER = 1.0  # an epoch this long says how far it has come...
PROGRESS_EVERY = 0.25  # ...this often

# Settings that can change between two runs of the same model; the rest define the data or network.
CONTINUABLE = frozenset({"optimizer", "lr", "momentum", "nesterov", "weight_decay", "l1", "epochs",
                         "batch_size", "schedule", "step_size", "gamma", "plateau_patience", "patience",
                         "shuffle_seed"})



def _tensor(array, device: torch.device) -> torch.Tensor:
    # features in torch's default dtype (float32 unless a caller sets another, as the float64 tests do)
    t = torch.from_numpy(array)
    return t.to(device, torch.get_default_dtype()) if t.is_floating_point() else t.to(device)


class TrainingSession:
    def __init__(self, settings: Settings, dataset: Dataset | None = None):
        """`dataset`: the one these settings make, made elsewhere (a worker of a cluster is sent it, as it may
        not have the file)."""
        s = settings.resolve()
        self.requested = s  # as asked: `settings` below names the columns a csv or iris set filled in
        self.device, self.device_notice = resolve_device(s.device)
        if s.samples is not None and s.dataset not in ("csv", "iris"):
            check_run_memory(s, s.samples, len(s.inputs), s.classes or 2)
        self.dataset = dataset if dataset is not None else make_dataset(s)
        self.split = split_dataset(self.dataset, s.test_size, s.val_size, s.scale, s.data_seed, s.label_noise,
                                   s.inputs)
        width = len(self.split.input_names)  # the model's input columns: the inputs, or a file's features
        if s.dataset in ("csv", "iris"):
            s = s.replace(features=list(self.dataset.feature_names))
            check_run_memory(s, len(self.dataset.y), width, self.dataset.num_classes)
        self.settings = s
        self.class_names = self.dataset.class_names
        self.flops_per_epoch = 6.0 * len(self.split.train) * parameter_count(width, self.dataset.num_classes,
                                                                             s.hidden)

        as_tensor = lambda a: _tensor(a, self.device)  # noqa: E731
        self.X_train = as_tensor(self.split.to_model_input(self.split.X_train))
        self.y_train = as_tensor(self.split.y_train)
        self.X_val = as_tensor(self.split.to_model_input(self.split.X_val))
        self.y_val = as_tensor(self.split.y_val)
        self.X_test = as_tensor(self.split.to_model_input(self.split.X_test))
        self.y_test = as_tensor(self.split.y_test)
        # measured each epoch after training: validation (when there is a split for it), then test
        self.held_out = ([(self.X_val, self.y_val)] if self.split.has_val else []) + [(self.X_test, self.y_test)]
        self._sizes = [len(self.y_train), *(len(part_y) for _, part_y in self.held_out)]
        # the points a map draws (a sample of a large set), and their span: made here, never on a client's thread
        shown = self.split.shown
        self._shown = [(X[torch.from_numpy(rows).to(self.device)], y[torch.from_numpy(rows).to(self.device)])
                       for X, y, rows in ((self.X_train, self.y_train, shown.train),
                                          (self.X_test, self.y_test, shown.test))]
        self.split.extent  # noqa: B018  (found once, here)

        self._make_model()
        self.history = History()
        self.controls = Controls()
        self.seconds = 0.0
        self.best = standalone.BestEpoch(s.patience)
        self._best: torch.Tensor | None = None  # the weights of the best epoch, kept for early stopping
        self.schedule = self._make_schedule()
        self.feed: Feed | None = None
        self.outcome: Outcome | None = None  # how the last run() ended
        self.thread_choice: threads.Choice | None = None  # how many threads it trains on: measured as it first ran
        self._threads_for: int | None = None  # the batch size that was measured
        self._epoch_in_progress = 0  # the epoch being trained, between _begin and its end; 0 between epochs
        self._gradient_norms: list[float] = []  # the last whole step's, while a large batch sums the next one
        # whether the gradient buffer holds a real step's: not after restoring a checkpoint written before it
        # kept the gradient (a picture shows "—" rather than a norm of 0)
        self._gradient_known = True

    def _make_model(self) -> None:
        """The network at its initial weights, its flat buffers, optimiser and step."""
        s = self.settings
        self.model = build_model(self.X_train.shape[1], self.dataset.num_classes, s.hidden, s.activation,
                                 s.dropout, s.init, s.init_seed).to(self.device)
        if s.dropout > 0:
            self.model.generator = torch.Generator(device=self.device)
        self.params = FlatParams(self.model)
        self._good = self.params.theta.clone()  # the weights of the last epoch with a finite loss
        self.optimizer = FlatOptimizer(self.params, s)
        self.step = FastStep(self.model, self.params, self.optimizer, s.l1)

    def snapshot(self) -> TrainingSession:
        """A copy of the run as it is now, that nothing trains: weights, optimiser, schedule, best epoch, history
        and time, all of the same epoch. Made by the thread that trains, between two epochs (the feed asks for
        it), or while none does: what a checkpoint or an export of a running run is written from. The copy
        shares the data, which never changes."""
        copy = object.__new__(TrainingSession)
        copy.__dict__.update(self.__dict__)
        copy._make_model()
        copy.schedule = copy._make_schedule()
        copy.restore_saved_state(self.saved_state())
        copy.optimizer.lr = self.optimizer.lr  # the schedule's rate now, as a checkpoint of the run records it
        copy.controls, copy.feed, copy._epoch_in_progress = Controls(), None, 0
        return copy

    def _make_schedule(self) -> standalone.LearningRate:
        s = self.settings
        return standalone.LearningRate(s.lr, s.schedule, s.epochs, s.step_size, s.gamma, s.plateau_patience)

    @property
    def best_epoch(self) -> int:
        return self.best.epoch

    @property
    def watches(self) -> str:
        """The part early stopping, the plateau schedule and the best epoch watch."""
        return "validation" if self.split.has_val else "test"

    @property
    def steered_by_test(self) -> bool:
        """Early stopping or the plateau schedule on, with no validation split: the test set chooses the
        weights, so the test accuracy is optimistic."""
        s = self.settings
        return not self.split.has_val and bool(s.patience or s.schedule == "plateau")

    def attach(self, feed: Feed) -> None:
        """Report to `feed` from now on (call before `run()`)."""
        self.feed = feed
        feed.attached(self.controls.wake)

    def _emit(self, event: Event) -> None:
        if self.feed is not None:
            self.feed.put(event)

    def _serve(self, final: bool = False, still: bool = False) -> None:
        if self.feed is not None:
            self.feed.serve(self, final, still)

    def decision_grid(self, request: MapRequest) -> DecisionGrid:
        """Call from the thread that trains (or while it is idle): it reads the weights."""
        grid = evaluate_grid(self.model, self.split, request.box, request.columns, request.rows,
                             request.features, self.device)
        with torch.no_grad():
            right = [(self._predict(X) == y).cpu().numpy() for X, y in self._shown]
        return dataclasses.replace(grid, train_correct=right[0], test_correct=right[1])

    def network_picture(self, request: NetworkRequest) -> NetworkPicture:
        """Every unit's picture and statistics; as decision_grid, from the thread that trains."""
        grads = self._gradient_norms if self._epoch_in_progress else self._last_gradients()
        known = self.history.epoch and self._gradient_known
        return network_picture(self.model, self.split, self.X_train, request, list(self.input_names),
                               list(self.class_names), grads if known else None)

    def _last_gradients(self) -> list[float]:
        """Each layer's gradient norm, of the last step."""
        p = self.params
        return [float(torch.sqrt(w.square().sum() + b.square().sum())) for w, b in zip(p.weight_grads, p.bias_grads)]

    @property
    def input_names(self) -> tuple[str, ...]:
        return self.split.input_names

    @property
    def fingerprint(self) -> str:
        return self.split.fingerprint()

    def _predict(self, X: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        return predicted_class(self.model(X))

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
        self.best.patience = new.patience
        plateau = self.schedule.state_dict()
        self.schedule = self._make_schedule()
        self.schedule.load_state_dict(plateau)
        if self.history.epoch:  # before the first epoch nothing was trained with the old values: no mark
            note = ", ".join(f"{name} {getattr(old, name)} → {getattr(new, name)}" for name in changed)
            self._mark(Mark(self.history.epoch, note))

    def _mark(self, mark: Mark) -> None:
        self.history.marks.append(mark)
        self._emit(Marked(mark))

    # ----- the loop
    def run(self, on_epoch: Callable[[EpochRecord], None] | None = None) -> Outcome:
        """Train until `settings.epochs` (in all), early stopping, divergence or a stop."""
        s = self.settings
        self._choose_threads()
        serve_paused = lambda: self._serve(still=True)  # noqa: E731  (a paused loop's weights stand still)
        outcome: Outcome | Reason | None = None if self.history.epoch < s.epochs else Reason.COMPLETED
        while outcome is None:
            if not self.controls.wait_for_next_epoch(serve_paused):
                outcome = Reason.STOPPED
                break
            started = time.perf_counter()  # after the wait: time spent paused is not training time
            epoch, lr, order = self.next_epoch()
            self.step.set_lr(lr)
            self._begin(epoch, order)
            sums = self.step.epoch(self.X_train, self.y_train, order, s.batch_size, self._interrupted, self.held_out)
            self._epoch_in_progress = 0
            if sums is None:  # given up midway: back to where the last whole epoch left off
                self._rewind()
                if self.controls.stop_requested:
                    outcome = Reason.STOPPED
                    break
                continue  # a pause: the epoch begins again, from its start, once it is over
            sums = sums.tolist()[0]  # the epoch's one read from the device
            outcome = self.finish_epoch(epoch, lr, sums, time.perf_counter() - started)
            if outcome is not None and outcome.reason == Reason.DIVERGED:
                break  # the diverging epoch is not kept: nothing to report of it
            if on_epoch is not None:
                on_epoch(self.history.records[-1])
            self._serve()
            self.controls.keep_pace(started)  # a pace to watch it by: the waiting is not training time
        return self.end(outcome)

    def _choose_threads(self) -> None:
        """The thread count, measured once on this run's step (again if its batch size changes), and set."""
        size = self.settings.batch_size
        if self.thread_choice is None or self._threads_for != size:
            self.thread_choice, self._threads_for = self.step.threads_for(self.X_train, self.y_train, size), size
            self._emit(ThreadsChosen(self.thread_choice))
        else:
            threads.use(self.thread_choice.threads)

    # ----- inside an epoch: between two mini-batches, or two chunks of a large batch
    def _begin(self, epoch: int, order: torch.Tensor | None) -> None:
        now = time.monotonic()
        self._epoch_in_progress = epoch
        self._stepping = self.controls.paused  # an epoch run as a step (F6) is not given up for the pause
        self._several = order is not None  # mini-batches: the weights move during the epoch
        if self._several:
            self.optimizer.remember()
        # a large batch is summed chunk by chunk in the gradient's buffer, the weights still: the views' wishes are
        # served meanwhile, and a picture shows the last whole step's gradient
        self._chunked = not self._several and len(self.y_train) > self.step.chunk
        if self._chunked:
            self._gradient_norms = self._last_gradients()
        self._epoch_started, self._look_at = now, now + INSIDE_EVERY
        self._progress_at = now + PROGRESS_AFTER

    def _interrupted(self, done: int) -> bool:
        """Whether to give the epoch up, `done` of its rows trained: a stop, or a pause asked for since it began.
        Meanwhile the client is told how far a long epoch has come, and while the weights are still the last
        whole epoch's (a large batch, chunk by chunk), its maps, pictures, reports and snapshots are made."""
        controls = self.controls
        if controls.stop_requested or (controls.paused and not self._stepping):
            return True
        if self.feed is None:
            return False
        now = time.monotonic()
        if now >= self._look_at:
            self._look_at = now + INSIDE_EVERY
            if now >= self._progress_at:
                self._progress_at = now + PROGRESS_EVERY
                self.feed.put(EpochProgress(self._epoch_in_progress, done, len(self.y_train),
                                            now - self._epoch_started))
            if self._chunked:
                self._serve()
        return False

    def _rewind(self) -> None:
        """An epoch given up midway leaves no trace: the weights, and the moments of its steps, as they were."""
        self.params.theta.copy_(self._good)
        if self._several:
            self.optimizer.rewind()

    # ----- an epoch's bookkeeping, the same for run() and for a stack of sessions trained together (batched.py)
    def next_epoch(self) -> tuple[int, float, torch.Tensor | None]:
        """The epoch about to train: its number, its learning rate (the schedule's) and the order of the training
        rows (shuffled for mini-batches; None: a full batch, in their own order). Its dropout masks are seeded
        from its number, as its order is, so that a resumed run draws what the uninterrupted one drew."""
        epoch = self.history.epoch + 1
        if self.model.generator is not None:
            self.model.generator.manual_seed(standalone.epoch_seed(self.settings.init_seed, epoch, standalone.DROPOUT))
        return epoch, self.schedule.at(epoch), self._order(epoch)

    def finish_epoch(self, epoch: int, lr: float, sums: list[list[float]], seconds: float) -> Outcome | None:
        """After `epoch` (of next_epoch) trained to its end, its weights in `params.theta` and `sums` read off the
        device: [the loss sums, the right answers] of the training rows, (validation,) test. Makes the epoch's
        record; a NaN or infinite loss is a divergence (the weights of the epoch before come back, the
        optimiser forgets its moments, the epoch is not kept). Otherwise the record joins the history, the
        weights become the last finite ones, the schedule and early stopping see the watched loss (the best
        weights kept, or restored when the patience runs out), and `seconds` of training are counted and
        reported. None while the run goes on, else how it ended (for end())."""
        record = self._record(epoch, lr, sums)
        if not standalone.finite_epoch(record.train_loss, record.val_loss, record.test_loss):
            return self._diverged(epoch, lr)
        self.history.records.append(record)
        self._good.copy_(self.params.theta)
        self._gradient_known = True
        self.schedule.observe(record.watched_loss)
        outcome = self._early_stopping(record)
        self.seconds += seconds
        if self.feed is not None:  # headless: not even the event is made
            self.feed.put(EpochDone(record, self.seconds))
        if outcome is None and epoch >= self.settings.epochs:
            outcome = self._ended(Reason.COMPLETED)
        return outcome

    def end(self, outcome: Outcome | Reason) -> Outcome:
        """End the run: `outcome` as finish_epoch gave it (or a worker process sent it back), or STOPPED or
        COMPLETED at the last epoch kept. The final map, pictures and RunEnded go to the feed."""
        if not isinstance(outcome, Outcome):
            outcome = self._ended(outcome)
        self.outcome = outcome
        self._serve(final=True)
        self._emit(RunEnded(outcome, self.best.epoch, self.seconds))
        return outcome

    def _ended(self, reason: Reason) -> Outcome:
        epoch = self.history.epoch
        words = f"stopped after epoch {epoch}" if reason == Reason.STOPPED else f"completed {epoch} epochs"
        return Outcome(reason, epoch, words)

    def _order(self, epoch: int) -> torch.Tensor | None:
        size = self.settings.batch_size
        n = len(self.y_train)
        if size == 0 or size >= n:
            return None
        g = torch.Generator().manual_seed(standalone.epoch_seed(self.settings.shuffle_seed, epoch, standalone.SHUFFLE))
        return torch.randperm(n, generator=g).to(self.device)

    def _record(self, epoch: int, lr: float, sums: list[list[float]]) -> EpochRecord:
        """The epoch's means: the sums over the rows of each part, each part's size."""
        losses, rights = sums
        means = [(loss / n, right / n) for loss, right, n in zip(losses, rights, self._sizes)]
        (train_loss, train_right), *val, (test_loss, test_right) = means
        val_loss, val_right = val[0] if val else (None, None)
        return EpochRecord(epoch, train_loss, test_loss, train_right, test_right, lr, val_loss, val_right)

    def _diverged(self, epoch: int, lr: float) -> Outcome:
        self.params.theta.copy_(self._good)
        self.optimizer.reset()  # its moments hold the non-finite values too
        kept = epoch - 1
        return Outcome(Reason.DIVERGED, kept, f"the loss diverged (became NaN or infinite) at epoch {epoch}; "
                                              f"kept the weights of epoch {kept}. Try a lower learning rate "
                                              f"than {lr:g}")

    def _early_stopping(self, record: EpochRecord) -> Outcome | None:
        best = self.best
        if best.observe(record.epoch, record.watched_loss):
            if best.patience:
                self._best = self._good.clone() if self._best is None else self._best.copy_(self._good)
            return None
        if best.exhausted(record.epoch) and self._best is not None:
            self.params.theta.copy_(self._best)
            self._mark(Mark(record.epoch, f"early stop: weights of epoch {best.epoch} restored"))
            return Outcome(Reason.EARLY_STOPPING, record.epoch,
                           f"early stopping at epoch {record.epoch}: no better {self.watches} loss for "
                           f"{best.patience} epochs; restored the weights of epoch {best.epoch}")
        return None

    # ----- checkpoints
    def saved_state(self) -> dict:
        """What a checkpoint keeps of the run besides its settings, on the CPU."""
        cpu = lambda flat: {k: v.cpu() for k, v in self.params.as_state_dict(flat).items()}  # noqa: E731
        return {
            "model": cpu(self.params.theta),
            # the last step's: a reopened run shows the gradient norms it ended with, not those of no step
            "gradient": cpu(self.params.grad),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "best": {"epoch": self.best.epoch, "loss": self.best.loss,
                     "state": cpu(self._best) if self._best is not None else None},
            "history": {"records": self.history.as_dicts(),
                        "marks": self.history.mark_dicts()},
            "seconds": self.seconds,
        }

    def restore_saved_state(self, saved: dict) -> None:
        """The inverse of saved_state(); KeyError or RuntimeError if the weights do not fit this network."""
        self.params.theta.copy_(self.params.from_state_dict(saved["model"]))
        gradient = saved.get("gradient")  # checkpoints of earlier versions have none
        self._gradient_known = gradient is not None
        if gradient is not None:
            self.params.grad.copy_(self.params.from_state_dict(gradient))
        else:
            self.params.grad.zero_()
        self.optimizer.load_state_dict(saved["optimizer"])
        self.schedule.load_state_dict(saved["schedule"])
        best = saved["best"]
        self.best = standalone.BestEpoch(self.settings.patience, best["epoch"], best["loss"])
        self._best = self.params.from_state_dict(best["state"]) if best["state"] is not None else None
        self.history = History.from_dicts(saved["history"]["records"], saved["history"]["marks"])
        self.seconds = saved["seconds"]
        self._good.copy_(self.params.theta)

    # ----- results
    def evaluate(self) -> dict[str, Evaluation]:
        """The report of each part: train, validation (when there is a split for it), test."""
        parts = {"train": (self.X_train, self.y_train)}
        if self.split.has_val:
            parts["val"] = (self.X_val, self.y_val)
        parts["test"] = (self.X_test, self.y_test)
        with torch.no_grad():  # through the training step's own passes: in chunks the cache holds
            return {name: evaluation_of(self.step.logits(X), y, self.class_names) for name, (X, y) in parts.items()}
