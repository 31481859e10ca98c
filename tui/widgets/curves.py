"""Loss and accuracy curves, train and test, with the changes between runs marked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from engine.training.history import EpochRecord, Mark


def _thin(xs: list, limit: int) -> slice:
    """A stride that keeps at most about `limit` points: plotext's cost grows with points, not pixels."""
    return slice(None, None, max(1, len(xs) // max(limit, 1)))


class Curves(Horizontal):
    log_scale: reactive[bool] = reactive(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: list[EpochRecord] = []
        self.marks: list[Mark] = []

    def compose(self) -> ComposeResult:
        yield PlotextPlot(id="loss-plot")
        yield PlotextPlot(id="accuracy-plot")

    def on_mount(self) -> None:
        self.redraw()

    def watch_log_scale(self) -> None:
        self.redraw()

    def show(self, records: list[EpochRecord], marks: list[Mark]) -> None:
        self.records, self.marks = records, marks
        self.redraw()

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        loss = self.query_one("#loss-plot", PlotextPlot)
        accuracy = self.query_one("#accuracy-plot", PlotextPlot)
        step = _thin(self.records, 2 * max(loss.size.width, 10))
        shown = self.records[step]
        if self.records and shown[-1] is not self.records[-1]:
            shown = [*shown, self.records[-1]]
        epochs = [r.epoch for r in shown]
        for plot, title, train, test in (
            (loss, "loss" + (" (log)" if self.log_scale else ""), [r.train_loss for r in shown],
             [r.test_loss for r in shown]),
            (accuracy, "accuracy", [r.train_accuracy for r in shown], [r.test_accuracy for r in shown]),
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
            if plot is loss and self.log_scale and epochs and min(train + test) > 0:
                plt.yscale("log")
            if plot is accuracy:
                plt.ylim(0, 1)
            plot.refresh()
