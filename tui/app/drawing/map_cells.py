"""The decision map as terminal cells: pure numpy and rich styles, no widget.

Each cell shows two pixels stacked (`▀`: foreground = top pixel, background = bottom pixel), or one
character in ASCII mode. Region colours are quantised to a few confidence shades per class, so
that equal neighbours merge into one segment and styles are few (many distinct colours made a
render 20× slower in measurements).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from engine.class_colours import CLASS_RGB, NAMED_RGB, class_rgb  # noqa: F401  (the drawing's names for them)
from tui.terminal import shades256

SHADES = 6
BOUNDARY_RGB = (235, 235, 235)
TARGET_RGB = (255, 215, 0)
ASCII_REGION = ".:-=+~^`',"  # one character per class, for regions in ASCII mode
ASCII_TRAIN, ASCII_TEST = "0123456789", "abcdefghij"  # a point's character by class: digits train, letters test


BOUNDARY, TARGET = -1, -2  # special pixel codes next to class*SHADES + shade
HOLD = 0.3  # of a band: how far past its band's edge a held pixel's confidence may go before its shade changes


@dataclass(frozen=True)
class MapPoints:
    """Points in grid-cell coordinates with their true class and whether the model gets them right."""

    columns: np.ndarray
    rows: np.ndarray
    classes: np.ndarray
    correct: np.ndarray
    test: np.ndarray  # True for held-out points


def _edges(labels: np.ndarray) -> np.ndarray:
    """Pixels whose label differs from the one to their left or above."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[1:, :] |= labels[1:, :] != labels[:-1, :]
    return edge


def resample(probabilities: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A grid of another size (made before a resize, say) to `shape`, nearest cell: shown until its own arrives."""
    rows, columns = probabilities.shape[:2]
    if (rows, columns) == shape:
        return probabilities
    pick_rows = np.arange(shape[0]) * rows // shape[0]
    pick_columns = np.arange(shape[1]) * columns // shape[1]
    return probabilities[pick_rows][:, pick_columns]


def pixel_codes(probabilities: np.ndarray | None, shape: tuple[int, int],
                target: np.ndarray | None = None, held: np.ndarray | None = None) -> np.ndarray:
    """(H, W, K) probabilities to (H, W) codes: class·SHADES + shade, or BOUNDARY / TARGET.

    Without probabilities (no model yet) the plane is blank: class 0 at its faintest shade. `held`, the
    codes of the map before (while training), keeps a pixel's shade until its confidence has moved a
    margin past its band: a pixel near a band's edge would otherwise flip back and forth with every
    update, which is what the eye sees as flicker and the terminal as bytes.
    """
    if probabilities is not None:
        probabilities = resample(probabilities, shape)
    if probabilities is None:
        codes = np.zeros(shape, dtype=int)
    else:
        k = probabilities.shape[2]
        winner = probabilities.argmax(axis=2)
        confidence = (probabilities.max(axis=2) - 1 / k) / (1 - 1 / k)
        codes = winner * SHADES + np.clip((confidence * SHADES).astype(int), 0, SHADES - 1)
        if held is not None and held.shape == codes.shape:
            band = held % SHADES
            keep = (held >= 0) & (held // SHADES == winner) & (np.abs(confidence * SHADES - band - 0.5) < 0.5 + HOLD)
            codes = np.where(keep, held, codes)
        codes[_edges(winner)] = BOUNDARY
    if target is not None:
        codes[_edges(target)] = TARGET
    return codes


def _blend(rgb, background, amount: float) -> Color:
    return Color.from_rgb(*(round(b + (c - b) * amount) for c, b in zip(rgb, background)))


class Palette:
    """The map's colours: per class its shades, blended from the background towards the class colour, and
    its points in the class colour. `eight_bit`: for a terminal of 256 colours, each drawn from its palette
    so that no two shades of a class become one (`shades256`)."""

    def __init__(self, dark: bool = True, classes: list[tuple[int, int, int]] | None = None,
                 eight_bit: bool = False):
        self.background = (24, 24, 28) if dark else (250, 250, 250)
        self.classes = classes or CLASS_RGB
        boundary = BOUNDARY_RGB if dark else (40, 40, 40)
        shades = [[_blend(rgb, self.background, 0.12 + 0.5 * s / (SHADES - 1)) for s in range(SHADES)]
                  for rgb in self.classes]
        self._points = [Color.from_rgb(*rgb) for rgb in self.classes]
        if eight_bit:
            shades = self._apart(shades, boundary)
        self._colors: dict[int, Color] = {BOUNDARY: Color.from_rgb(*boundary), TARGET: Color.from_rgb(*TARGET_RGB)}
        for k, colours in enumerate(shades):
            for s, colour in enumerate(colours):
                self._colors[k * SHADES + s] = colour
        self._styles: dict[tuple, Style] = {}

    def _apart(self, shades: list[list[Color]], boundary) -> list[list[Color]]:
        # no shade is another's, a point's (points are sent as Rich sends their colour, as in the legend) or
        # the boundary's: two classes' faint shades alike would hide which side of the boundary is which
        taken = {shades256.sent_as(rgb) for rgb in (*self.classes, boundary, TARGET_RGB)}
        picked = []
        for rgb, colours in zip(self.classes, shades):
            numbers = shades256.apart([colour.triplet for colour in colours], self.background, rgb, taken)
            taken |= set(numbers)
            picked.append([Color.from_rgb(*shades256.send(n)) for n in numbers])
        return picked

    def pair(self, top: int, bottom: int) -> Style:
        key = (top, bottom)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = Style(color=self._colors[top], bgcolor=self._colors[bottom])
        return style

    def point(self, cls: int, under: int, wrong: bool) -> Style:
        key = ("point", cls, under, wrong)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = Style(color=self._points[cls % len(self._points)],
                                              bgcolor=self._colors[under], bold=wrong)
        return style


@lru_cache(maxsize=32)
def palette_for(dark: bool, classes: tuple, colour_system: str | None) -> Palette:
    """One palette per theme, class colours and colour system, for every view: its style cache is what keeps
    a map update cheap."""
    return Palette(dark, list(classes) or None, eight_bit=colour_system == "256")


def merge_runs(cells: list[tuple[str, Style | None]]) -> list[Segment]:
    """Runs of the same style become one segment."""
    segments: list[Segment] = []
    text, style = "", None
    for char, cell_style in cells:
        if cell_style is style:
            text += char
        else:
            if text:
                segments.append(Segment(text, style))
            text, style = char, cell_style
    if text:
        segments.append(Segment(text, style))
    return segments


def _point_marks(points: MapPoints | None, width: int, height: int, ascii_only: bool) -> dict:
    """(row, column) → (char, class, wrong); a misclassified point wins its cell over a right one."""
    marks: dict[tuple[int, int], tuple[str, int, bool]] = {}
    if points is None:
        return marks
    for c, r, k, ok, test in zip(points.columns, points.rows, points.classes, points.correct, points.test):
        if not (0 <= r < height and 0 <= c < width):
            continue
        if ascii_only:
            char = (ASCII_TEST if test else ASCII_TRAIN)[k % 10] if ok else ("x" if test else "X")
        else:
            char = ("○" if test else "●") if ok else "✕"
        if (r, c) not in marks or not ok:
            marks[(r, c)] = (char, int(k), not ok)
    return marks


def colour_lines(codes: np.ndarray, palette: Palette, points: MapPoints | None) -> list[list[Segment]]:
    """Half-block lines: `codes` has two pixel rows per line of text."""
    height, width = codes.shape[0] // 2, codes.shape[1]
    marks = _point_marks(points, width, height, False)
    lines = []
    for row in range(height):
        top, bottom = codes[2 * row].tolist(), codes[2 * row + 1].tolist()
        cells = []
        for col in range(width):
            mark = marks.get((row, col))
            if mark is None:
                cells.append(("▀", palette.pair(top[col], bottom[col])))
            else:
                cells.append((mark[0], palette.point(mark[1], bottom[col], mark[2])))
        lines.append(merge_runs(cells))
    return lines


def ascii_lines(codes: np.ndarray, points: MapPoints | None) -> list[str]:
    """One character per cell: regions by class character, '#' on the boundary, '*' on the exact target's
    boundary, points by class (digits train, letters test), 'X' / 'x' a train / test point the model gets
    wrong. The boundary is drawn over the points the model gets right: on a dense map they would hide it."""
    height, width = codes.shape[0] // 2, codes.shape[1]
    marks = _point_marks(points, width, height, True)
    lines = []
    for row in range(height):
        chars = []
        for col, code in enumerate(codes[2 * row].tolist()):
            mark = marks.get((row, col))
            line = code in (BOUNDARY, TARGET) or codes[2 * row + 1, col] in (BOUNDARY, TARGET)
            if mark is not None and (mark[2] or not line):
                chars.append(mark[0])
            elif BOUNDARY in (code, codes[2 * row + 1, col]):
                chars.append("#")
            elif line:
                chars.append("*")
            else:
                k, shade = divmod(code, SHADES)
                chars.append(ASCII_REGION[k % 10] if shade >= SHADES // 2 else " ")
        lines.append("".join(chars))
    return lines


def place_points(X: np.ndarray, box, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell column and row of each point (row 0 at the top)."""
    cols = np.floor((X[:, 0] - box.x_min) / (box.x_max - box.x_min) * width).astype(int)
    rows = np.floor((box.y_max - X[:, 1]) / (box.y_max - box.y_min) * height).astype(int)
    return cols, rows
