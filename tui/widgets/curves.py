"""Loss and accuracy curves, train and test, with the changes between runs marked."""

from __future__ import annotations

import time

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive

from engine.training.history import EpochRecord, Mark

from .fresh_plot import FreshPlot


def thin(records: list[EpochRecord], limit: int,
         losses: tuple[np.ndarray, np.ndarray] | None = None) -> list[EpochRecord]:
    """At most about `limit` records, plotext's cost growing with points, not pixels: in each stretch the
    records of the highest and lowest train and test loss (`losses`, the records' own if not given), so
    that a spike stays on the plot, and the first and last records."""
    n = len(records)
    if n <= limit:
        return records
    if losses is None:
        losses = (np.array([r.train_loss for r in records]), np.array([r.test_loss for r in records]))
    stretch = max(1, 4 * n // max(limit, 1))
    whole = n // stretch * stretch
    kept = {0, n - 1}
    starts = np.arange(0, whole, stretch)
    for values in losses:
        rows = values[:whole].reshape(-1, stretch)
        kept.update((starts + rows.argmax(axis=1)).tolist())
        kept.update((starts + rows.argmin(axis=1)).tolist())
        if whole < n:
            tail = values[whole:n]
            kept.update((whole + int(tail.argmax()), whole + int(tail.argmin())))
    return [records[i] for i in sorted(kept)]


def epoch_ticks(first: int, last: int, count: int = 4) -> list[int]:
    """Round whole epochs for the x axis (plotext's own would read 38.2)."""
    if last <= first:
        return [first]
    rough = (last - first) / count
    scale = 10 ** max(0, len(str(int(rough))) - 1)
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= rough)
    ticks = list(range(-(-first // step) * step, last + 1, step))
    if not ticks or ticks[0] - first > step / 2:
        ticks.insert(0, first)
    return ticks


class Curves(Horizontal):
    log_scale: reactive[bool] = reactive(False)

    # plotext rebuilds a whole figure per draw (~10 ms for two): two draws a second look live and
    # leave the GIL to the training thread
    MIN_INTERVAL = 0.5

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: list[EpochRecord] = []
        self.marks: list[Mark] = []
        self.best_epoch: int | None = None
        self._loss_cache: tuple | None = None  # (records list, how many of them, train losses, test losses)
        self._drawn_at = 0.0
        self._pending = False

    def compose(self) -> ComposeResult:
        self.loss_plot = FreshPlot(lambda plt: self._draw(plt, "loss"), id="loss-plot")
        self.accuracy_plot = FreshPlot(lambda plt: self._draw(plt, "accuracy"), id="accuracy-plot")
        yield self.loss_plot
        yield self.accuracy_plot

    def on_mount(self) -> None:
        self.redraw()

    def watch_log_scale(self) -> None:
        self.redraw()

    def show(self, records: list[EpochRecord], marks: list[Mark], now: bool = False,
             best_epoch: int | None = None) -> None:
        """Show these records (and the best epoch, green, when early stopping watches for it): now if asked
        or if the last draw is old enough, else once it is."""
        self.records, self.marks, self.best_epoch = records, marks, best_epoch
        wait = self._drawn_at + self.MIN_INTERVAL - time.monotonic()
        if now or wait <= 0:
            self.redraw()
        elif not self._pending:
            self._pending = True
            self.set_timer(wait, self.redraw)

    def redraw(self) -> None:
        self._pending = False
        if not self.is_mounted:
            return
        self._drawn_at = time.monotonic()
        self.loss_plot.refresh()
        self.accuracy_plot.refresh()

    def _losses(self) -> tuple[np.ndarray, np.ndarray]:
        """Train and test losses of the records as arrays, extended with new records only: a long run's
        curves are drawn a few times a second while it grows."""
        records, cached = self.records, self._loss_cache
        if cached is None or cached[0] is not records or cached[1] > len(records):
            cached = (records, 0, np.empty(0), np.empty(0))
        _, done, train, test = cached
        if done < len(records):
            new = records[done:]
            train = np.concatenate([train, [r.train_loss for r in new]])
            test = np.concatenate([test, [r.test_loss for r in new]])
        self._loss_cache = (records, len(records), train, test)
        return train, test

    def _draw(self, plt, which: str) -> None:
        """The figure of one plot, from the records: called at each render of it."""
        plot = self.loss_plot if which == "loss" else self.accuracy_plot
        width = max(plot.size.width, 10)
        shown = thin(self.records, 2 * width, self._losses())
        epochs = [r.epoch for r in shown]
        last = self.records[-1] if self.records else None
        room = width - 2
        # the latest values, exactly, above the curves: the longest title that fits the plot's width
        if which == "loss":
            train, test = [r.train_loss for r in shown], [r.test_loss for r in shown]
            name = "loss (log)" if self.log_scale else "loss"
            titles = [name]
            if last is not None:
                a, b = last.train_loss, last.test_loss
                titles = [f"{name}  train {a:.4f} · test {b:.4f}", f"{name} {a:.3f}/{b:.3f}",
                          f"{'log ' if self.log_scale else ''}{a:.3f}/{b:.3f}", name]
        else:
            train, test = [r.train_accuracy for r in shown], [r.test_accuracy for r in shown]
            titles = ["accuracy"]
            if last is not None:
                a, b = last.train_accuracy, last.test_accuracy
                titles = [f"accuracy  train {a:.1%} · test {b:.1%}", f"acc {a:.1%}/{b:.1%}", f"{a:.0%}/{b:.0%}"]
        plt.title(next((t for t in titles if len(t) <= room), titles[-1]))
        if epochs:
            plt.plot(epochs, train, label="train", marker="braille")
            plt.plot(epochs, test, label="test", marker="braille")
            for mark in self.marks:
                plt.vline(mark.epoch, "gray")
            if self.best_epoch:
                plt.vline(self.best_epoch, "green")
            plt.xticks(epoch_ticks(epochs[0], epochs[-1]))
        if which == "loss" and self.log_scale and epochs and min(train + test) > 0:
            plt.yscale("log")
        if which == "accuracy":
            plt.ylim(0, 1)
