"""Under the map: each class's name beside its colour (or, in ASCII, its characters), and what the marks mean."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.app.drawing import map_cells
from tui.app.drawing.one_line import fit

SEPARATOR = "  "


def _parts(class_names: list[str], ascii_only: bool, target: bool, sample: str | None = None) -> list[tuple[str | Text, float]]:
    """The legend's parts in the order shown, each with its rank (0: kept longest); `sample`: the map draws a
    sample of the points, and says so (after the classes and the test and wrong marks, before the rest)."""
    parts = _marks(class_names, ascii_only, target)
    if sample:
        parts.append((sample, 1.5))
    return parts


def _marks(class_names: list[str], ascii_only: bool, target: bool) -> list[tuple[str | Text, float]]:
    parts: list[tuple[str | Text, float]] = []
    if ascii_only:
        for k, name in enumerate(class_names):
            chars = map_cells.ASCII_TRAIN[k % 10] + map_cells.ASCII_TEST[k % 10] + map_cells.ASCII_REGION[k % 10]
            parts.append((f"{chars} {name}", 0))
        # a wrong point is what a reader looks for first; a blank cell is a region the model is unsure of
        # (the region's character needs half the way from chance to certain), which reads as no region at all
        parts += [("X/x wrong", 1), ("# boundary", 2)]
        if target:
            parts.append(("* target", 2))
        parts += [("blank unsure", 3), (f"{map_cells.ASCII_TRAIN[0]}/{map_cells.ASCII_TEST[0]} train/test", 4)]
        return parts
    for name, rgb in zip(class_names, map_cells.class_rgb(class_names)):
        parts.append((Text.assemble(("●", Style(color=Color.from_rgb(*rgb))), f" {name}"), 0))
    parts += [("○ test", 1), ("✕ wrong", 2), (Text.assemble(("━", "bold"), " boundary"), 3)]
    if target:
        parts.append((Text.assemble(("━", Style(color=Color.from_rgb(*map_cells.TARGET_RGB))), " target"), 4))
    return parts


def _pack(parts: list[tuple[str | Text, int]], width: int, lines: int) -> list[list] | None:
    """The parts, in their order, on at most `lines` lines of `width` (None: they need more)."""
    packed: list[list] = [[]]
    used = 0
    for part in parts:
        size = Text(part[0]).cell_len if isinstance(part[0], str) else part[0].cell_len
        extra = size + (len(SEPARATOR) if packed[-1] else 0)
        if packed[-1] and used + extra > width:
            packed.append([])
            used, extra = 0, size
        packed[-1].append(part)
        used += extra
    return packed if len(packed) <= lines else None


def legend_line(class_names: list[str], ascii_only: bool, width: int, target: bool = False,
                lines: int = 1, sample: str | None = None) -> Text:
    """The classes first (kept longest), then the marks, on up to `lines` lines: whatever does not fit the
    width is left out, the least needed first."""
    kept = _parts(class_names, ascii_only, target, sample)
    while True:
        packed = _pack(kept, width, lines)
        if packed is not None or len(kept) <= 1:
            break
        kept.pop(max(range(len(kept)), key=lambda i: (kept[i][1], i)))
    if packed is None:  # one part wider than the line: cut
        packed = [kept]
    return Text("\n").join(fit(line, width, SEPARATOR) for line in packed)


class ClassLegend(Static):
    """As many lines as its layout gives it: with two, the ASCII map's marks all fit beside the classes at 80
    columns. It carries the class `-ascii` while it explains the ASCII map, for a style to give it those."""

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.class_names: list[str] = []
        self.ascii_only = False
        self.target = False
        self.sample: str | None = None

    def show(self, class_names: list[str], ascii_only: bool, target: bool, sample: str | None = None) -> None:
        """`sample`: what the map draws when it is a sample of the points ("4,000 of 1M points")."""
        self.class_names, self.ascii_only, self.target, self.sample = list(class_names), ascii_only, target, sample
        self.set_class(ascii_only, "-ascii")
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        lines = max(self.size.height, 1)
        text = legend_line(self.class_names, self.ascii_only, max(self.size.width, 1), self.target, lines,
                           self.sample)
        self.update(text if self.class_names else "", layout=False)  # its height is its layout's, never its text's
