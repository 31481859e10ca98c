"""Loss and accuracy curves, train and test, with the changes between runs marked."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from engine.training.history import EpochRecord, Mark


def _thin(xs: list, limit: int) -> slice:
    """A stride that keeps at most about `limit` points: plotext's cost grows with points, not pixels."""
    return slice(None, None, max(1, len(xs) // max(limit, 1)))


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

    # plotext rebuilds a whole figure per draw (~10 ms for two): three draws a second look live and
    # leave the GIL to the training thread
    MIN_INTERVAL = 0.33

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: list[EpochRecord] = []
        self.marks: list[Mark] = []
        self.best_epoch: int | None = None
        self._drawn_at = 0.0
        self._pending = False

    def compose(self) -> ComposeResult:
        self.loss_plot = PlotextPlot(id="loss-plot")
        self.accuracy_plot = PlotextPlot(id="accuracy-plot")
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
        loss, accuracy = self.loss_plot, self.accuracy_plot
        step = _thin(self.records, 2 * max(loss.size.width, 10))
        shown = self.records[step]
        if self.records and shown[-1] is not self.records[-1]:
            shown = [*shown, self.records[-1]]
        epochs = [r.epoch for r in shown]
        last = self.records[-1] if self.records else None
        loss_title = "loss" + (" (log)" if self.log_scale else "")
        accuracy_title = "accuracy"
        if last is not None:  # the latest values, exactly, above the curves; train / test where narrow
            room = loss.size.width - 2
            full = f"  train {last.train_loss:.4f} · test {last.test_loss:.4f}"
            loss_title += full if len(loss_title + full) <= room else f" {last.train_loss:.3f}/{last.test_loss:.3f}"
            full = f"  train {last.train_accuracy:.1%} · test {last.test_accuracy:.1%}"
            accuracy_title = ("accuracy" + full if len("accuracy" + full) <= room else
                              f"acc {last.train_accuracy:.1%}/{last.test_accuracy:.1%}")
        for plot, title, train, test in (
            (loss, loss_title, [r.train_loss for r in shown], [r.test_loss for r in shown]),
            (accuracy, accuracy_title, [r.train_accuracy for r in shown], [r.test_accuracy for r in shown]),
        ):
            plt = plot.plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(title)
            if epochs:
                plt.plot(epochs, train, label="train", marker="braille")
                plt.plot(epochs, test, label="test", marker="braille")
                for mark in self.marks:
                    plt.vline(mark.epoch, "gray")
                if self.best_epoch:
                    plt.vline(self.best_epoch, "green")
                plt.xticks(epoch_ticks(epochs[0], epochs[-1]))
            if plot is loss and self.log_scale and epochs and min(train + test) > 0:
                plt.yscale("log")
            if plot is accuracy:
                plt.ylim(0, 1)
            plot.refresh()
