"""The decision map: class regions shaded by confidence, the boundary, and the train and test points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.app.drawing import map_cells

_PLAIN = Style()  # an unstyled segment breaks Textual's NO_COLOR filter


@dataclass
class MapData:
    """What the map draws; numpy only, so the widget never touches torch."""

    box: object  # engine Box
    probabilities: np.ndarray | None  # (2·rows, columns, K) or None before a model exists
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    train_correct: np.ndarray | None
    test_correct: np.ndarray | None
    target: object = None  # exact labelling function of the toy sets, or None
    class_names: tuple = ()
    total: int = 0  # the points there are; more than drawn when the engine sampled a large set


def map_data_for(session, grid, box=None, features: tuple[int, int] = (0, 1)) -> MapData:
    """What the map draws for an engine session and its decision grid (None: the points alone, in `box`):
    the points the engine shows (all of a small set, a sample of a large one: never more than a few thousand
    on this thread), projected on the grid's two features."""
    split, shown = session.split, session.split.shown
    f = list(grid.features if grid is not None else features)
    X = split.dataset.X
    return MapData(
        box=grid.box if grid is not None else box,
        probabilities=grid.probabilities if grid is not None else None,
        X_train=X[np.ix_(split.train[shown.train], f)], y_train=split.y_train[shown.train],
        X_test=X[np.ix_(split.test[shown.test], f)], y_test=split.y_test[shown.test],
        train_correct=grid.train_correct if grid is not None else None,
        test_correct=grid.test_correct if grid is not None else None,
        target=split.dataset.target, class_names=tuple(session.class_names), total=shown.total)


def build_lines(data: MapData, width: int, height: int, palette: map_cells.Palette, ascii_only: bool,
                show_target: bool, codes: np.ndarray | None = None) -> list[list[Segment]]:
    """The segments of each line of a `width`×`height`-cell map (from its pixel codes, when made already)."""
    if codes is None:
        codes = map_codes(data, width, height, show_target)
    X = np.concatenate([data.X_train, data.X_test])
    cols, rows = map_cells.place_points(X, data.box, width, height)
    correct = np.concatenate([
        data.train_correct if data.train_correct is not None else np.ones(len(data.y_train), bool),
        data.test_correct if data.test_correct is not None else np.ones(len(data.y_test), bool)])
    points = map_cells.MapPoints(cols, rows, np.concatenate([data.y_train, data.y_test]), correct,
                                 np.arange(len(X)) >= len(data.y_train))
    if ascii_only:
        return [[Segment(line, _PLAIN)] for line in map_cells.ascii_lines(codes, points)]
    return map_cells.colour_lines(codes, palette, points)


def map_codes(data: MapData, width: int, height: int, show_target: bool, held: np.ndarray | None = None) -> np.ndarray:
    target = None
    if show_target and data.target is not None:
        from engine.decision_map import grid_points

        target = data.target(grid_points(data.box, width, 2 * height)).reshape(2 * height, width)
    # a grid of another size (the map was resized since) is stretched until its own arrives
    return map_cells.pixel_codes(data.probabilities, (2 * height, width), target, held)


def _cells(line: list[Segment]) -> list[tuple[str, Style | None]]:
    return [(char, segment.style) for segment in line for char in segment.text]


def changed_span(before: list[Segment], now: list[Segment]) -> tuple[int, int] | None:
    """The cells [start, stop) of a line that differ between two updates (None: the same line): a region that
    narrow is all the terminal is sent, since the rest of the line stays as it is on the screen."""
    if before == now:
        return None
    old, new = _cells(before), _cells(now)
    if len(old) != len(new):
        return 0, max(len(old), len(new))
    differ = [x for x, (a, b) in enumerate(zip(old, new)) if a != b]
    return (differ[0], differ[-1] + 1) if differ else None


class DecisionMap(Widget, can_focus=False):
    ascii_only: reactive[bool] = reactive(False)
    show_target: reactive[bool] = reactive(False)

    @dataclass
    class Resized(Message):
        columns: int
        rows: int

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: MapData | None = None
        self._lines: list = []
        self._codes: np.ndarray | None = None  # the pixel codes drawn
        self._hold = False  # whether the last map shown holds its shades against jitter (one of a live run)
        self._dark = True
        self.show_extent = True  # the plane's extent under the map
        self._extent = ""
    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda theme: self._use_theme(theme.dark))
        self._use_theme(self.app.current_theme.dark)

    def _use_theme(self, dark: bool) -> None:
        self._dark = dark
        self._rebuild()

    @property
    def palette(self) -> map_cells.Palette:
        classes = tuple(map_cells.class_rgb(self.data.class_names)) if self.data is not None else ()
        return map_cells.palette_for(self._dark, classes, self.app.console.color_system)

    def on_resize(self) -> None:
        self.post_message(self.Resized(self.size.width, self.size.height))
        self._rebuild()

    def watch_ascii_only(self) -> None:
        self._rebuild()

    def watch_show_target(self) -> None:
        self._rebuild()

    @property
    def drawn(self) -> bool:
        """Whether a map is on screen: shown, and laid out (a map shown before its first layout waits for it)."""
        return bool(self._lines)

    def show(self, data: MapData, hold: bool = False) -> None:
        """Draw `data`; `hold`: it is one of a stream of maps while training, so a pixel keeps its shade
        until its confidence has left its band by a margin (a map drawn while nothing trains is exact)."""
        self.data, self._hold = data, hold
        self._rebuild()

    def _rebuild(self) -> None:
        width, height = self.size.width, self.size.height
        data, old = self.data, self._lines
        if data is None or width == 0 or height == 0:
            self._lines, self._codes = [], None
        else:
            self._codes = map_codes(data, width, height, self.show_target, self._codes if self._hold else None)
            self._lines = build_lines(data, width, height, self.palette, self.ascii_only, self.show_target,
                                      self._codes)
            b = data.box
            extent = f"x {b.x_min:.2f}…{b.x_max:.2f}  y {b.y_min:.2f}…{b.y_max:.2f}"
            if self.show_extent and extent != self._extent:  # setting a border title repaints the whole widget
                self.border_subtitle = self._extent = extent
        if len(old) != len(self._lines):
            self.refresh()
            return
        # only the rows that changed go to the terminal: most of a map keeps its cells from one update to the
        # next, and over SSH the rows it would resend are most of what the app writes
        spans = [changed_span(before, now) for before, now in zip(old, self._lines)]
        regions = [Region(start, y, stop - start, 1) for y, span in enumerate(spans) if span for start, stop in [span]]
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        if y < len(self._lines):
            return Strip(self._lines[y])
        return Strip.blank(self.size.width, _PLAIN)
