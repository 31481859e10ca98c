"""Loss and accuracy curves, train and test, with the changes between runs marked."""

from __future__ import annotations

import math
import time

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from engine.training.history import EpochRecord, Mark

from tui.app.widgets.fresh_plot import FreshPlot


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


def _round_steps(rough: float) -> tuple[float, int]:
    """The least of 1, 2, 2.5 and 5 × 10^k at or above `rough`, with the decimals that write its multiples."""
    power = math.floor(math.log10(rough))
    for mantissa, extra in ((1, 0), (2, 0), (2.5, 1), (5, 0), (10, 0)):
        step = mantissa * 10.0 ** power
        if step >= rough * (1 - 1e-9):
            return step, max(0, extra - power - (mantissa == 10))
    raise AssertionError("10 × 10^k is above any rough step of 10^k")


def _linear_ticks(low: float, high: float, count: int) -> tuple[list[float], list[str]]:
    while True:  # two ticks at the least, or the axis has no scale
        step, decimals = _round_steps((high - low) / count)
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last > first:
            break
        count += 1
    # each tick a whole number of steps, rounded to the step's own decimals: 3 × 0.1 is 0.30000000000000004
    ticks = [round(k * step, decimals) for k in range(first, last + 1)]
    return ticks, [f"{t:.{decimals}f}" for t in ticks]


def _log_ticks(low: float, high: float, count: int) -> tuple[list[float], list[str]] | None:
    """Powers of ten, or 1-2-5 × 10^k where they are few enough; None where the range holds fewer than two."""
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)

    def within(mantissas: tuple[int, ...]) -> list[float]:
        values = (round(m * 10.0 ** e, max(0, -e)) for e in exponents for m in mantissas)
        return [v for v in values if low * (1 - 1e-9) <= v <= high * (1 + 1e-9)]

    one_two_five, powers = within((1, 2, 5)), within((1,))
    if 2 <= len(one_two_five) <= count:
        ticks = one_two_five
    elif len(powers) >= 2:
        ticks = powers[::math.ceil(len(powers) / count)]
    elif len(one_two_five) >= 2:
        ticks = one_two_five[::math.ceil(len(one_two_five) / count)]
    else:
        return None
    return ticks, [f"{t:g}" for t in ticks]


def value_ticks(low: float, high: float, count: int = 5, log: bool = False) -> tuple[list[float], list[str]]:
    """Round ticks for a y axis from `low` to `high`, about `count` of them, and their labels: steps of 1,
    2, 2.5 or 5 × 10^k, or on a log axis powers of ten or 1-2-5 (plotext's own split the range evenly and
    read 0.69 0.58 0.46). A narrow log range takes round steps as a linear one does."""
    if not high > low:
        return [low], [f"{low:g}"]
    count = max(count, 1)
    if log and low > 0:
        ticks = _log_ticks(low, high, count)
        if ticks is not None:
            return ticks
    return _linear_ticks(low, high, count)


def tick_count(height: int) -> int:
    """About how many ticks a plot of this many lines has room for, a blank line between two (its title,
    x axis and their labels take four lines)."""
    return max(2, min(5, (height - 4) // 2 + 1))


def one_per_row(ticks: tuple[list[float], list[str]], low: float, high: float, rows: int,
                log: bool = False) -> tuple[list[float], list[str]]:
    """The ticks, from the lowest, each a whole row or more above the last one kept: two ticks nearest one
    row leave plotext to pick which label it writes there (a 3-row plot of 0.02…0.7 has 0.25 and 0.5 both
    nearest its middle row), and the picture would depend on it."""
    values, labels = ticks
    if len(values) < 2 or rows < 2 or not high > low:
        return values, labels
    scale = math.log10 if log and low > 0 else float
    per_row = (scale(high) - scale(low)) / (rows - 1)
    kept: list[int] = []
    for i, value in enumerate(values):
        if not kept or scale(value) - scale(values[kept[-1]]) >= per_row * (1 - 1e-9):
            kept.append(i)
    return [values[i] for i in kept], [labels[i] for i in kept]


def plot_ticks(low: float, high: float, height: int, log: bool = False) -> tuple[list[float], list[str]]:
    """The y ticks of a plot this many lines high: round values, as many as it has room for, one a row."""
    return one_per_row(value_ticks(low, high, tick_count(height), log), low, high, height - 4, log)


# each series: plotext's colour, the same colour as Rich reads it (the legend), and its marks without
# colour (plotext's marker, the legend's character)
SERIES = {"train": ("cyan", "cyan", "braille", "⢕"), "val": ("magenta", "magenta", "x", "x"),
          "test": ("orange", "#ff8700", "dot", "•")}


def _values(record: EpochRecord, part: str) -> tuple[float | None, float | None]:
    return getattr(record, f"{part}_loss"), getattr(record, f"{part}_accuracy")


def legend(last: EpochRecord | None, width: int, plain: bool, parts: tuple[str, ...] = ("train", "test")) -> Text:
    """What the series are, with their latest values when there is room: never over the plot's data."""
    def line(describe) -> Text:
        pieces = []
        for part in parts:
            colour, mark = SERIES[part][1], SERIES[part][3] if plain else "━"
            pieces.append(Text.assemble((mark, colour), " ", describe(part)))
        return Text("   ").join(pieces)

    forms = []
    if last is not None:
        forms += [lambda p: f"{p} loss {_values(last, p)[0]:.4f} · acc {_values(last, p)[1]:.1%}",
                  lambda p: f"{p} {_values(last, p)[0]:.3f} {_values(last, p)[1]:.1%}"]
    forms.append(lambda p: p)
    for describe in forms:
        text = line(describe)
        if text.cell_len <= width:
            return text
    return text


class Curves(Vertical):
    """Loss and accuracy, train and test, side by side, with a one-line legend beneath them."""

    log_scale: reactive[bool] = reactive(False)
    plain: reactive[bool] = reactive(False)  # distinct marks per series (no colour to tell them apart)

    # plotext rebuilds a whole figure per draw (~10 ms for two): three draws a second look live (a paced
    # run gains a few points between two) and leave the GIL to the training thread
    MIN_INTERVAL = 0.3

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: list[EpochRecord] = []
        self.marks: list[Mark] = []
        self.best_epoch: int | None = None
        self._loss_cache: tuple | None = None  # (records list, how many of them, train losses, test losses)
        self._drawn_at = 0.0
        self.min_interval = self.MIN_INTERVAL  # the refresh setting's
        self._pending = False

    def compose(self) -> ComposeResult:
        self.loss_plot = FreshPlot(lambda plt: self._draw(plt, "loss"), id="loss-plot")
        self.accuracy_plot = FreshPlot(lambda plt: self._draw(plt, "accuracy"), id="accuracy-plot")
        with Horizontal(id="plots"):
            yield self.loss_plot
            yield self.accuracy_plot
        self.legend = Static("", id="curves-legend")
        yield self.legend

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self._show_legend()

    def watch_log_scale(self) -> None:
        self.redraw()

    def watch_plain(self) -> None:
        self.redraw()

    def reset(self, records: list[EpochRecord], marks: list[Mark], best_epoch: int | None = None) -> None:
        """Show these records (a reopened run's, or none), at once."""
        self.records, self.marks, self.best_epoch = list(records), list(marks), best_epoch
        self.redraw()

    def extend(self, records: list[EpochRecord], marks: list[Mark], best_epoch: int | None = None) -> None:
        """New epochs (and marks) of the run: drawn now if the last draw is old enough, else once it is."""
        self.records.extend(records)
        self.marks.extend(marks)
        self.best_epoch = best_epoch
        wait = self._drawn_at + self.min_interval - time.monotonic()
        if wait <= 0:
            self.redraw()
        elif not self._pending:
            self._pending = True
            self.set_timer(wait, self.redraw)

    def redraw(self) -> None:
        self._pending = False
        if not self.is_mounted:
            return
        self._drawn_at = time.monotonic()
        self.loss_plot.redraw()
        self.accuracy_plot.redraw()
        self._show_legend()

    @property
    def parts(self) -> tuple[str, ...]:
        """The series drawn: validation too when the run has a validation split."""
        has_val = bool(self.records) and self.records[-1].val_loss is not None
        return ("train", "val", "test") if has_val else ("train", "test")

    def _show_legend(self) -> None:
        if self.is_mounted:
            last = self.records[-1] if self.records else None
            self.legend.update(legend(last, max(self.legend.size.width, 1), self.plain, self.parts), layout=False)

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
        plt.title(("loss (log)" if self.log_scale else "loss") if which == "loss" else "accuracy")
        values = []
        if epochs:
            for part in self.parts:
                ys = [getattr(r, f"{part}_{which}") for r in shown]
                colour, _, plain_marker, _ = SERIES[part]
                plt.plot(epochs, ys, marker=plain_marker if self.plain else "braille", color=colour)
                values += ys
            for mark in self.marks:
                plt.vline(mark.epoch, "gray")
            if self.best_epoch:
                plt.vline(self.best_epoch, "green")
            plt.xticks(epoch_ticks(epochs[0], epochs[-1]))
        log = which == "loss" and self.log_scale and bool(values) and min(values) > 0
        if log:
            plt.yscale("log")
        if which == "accuracy":
            plt.ylim(0, 1)
            plt.yticks(*plot_ticks(0, 1, plot.size.height))
        elif values:
            plt.yticks(*plot_ticks(min(values), max(values), plot.size.height, log))
