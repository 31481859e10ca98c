"""Under the map: each class's name beside its colour (or, in ASCII, its characters), and what the marks mean."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.app.drawing import map_cells
from tui.app.drawing.one_line import fit


def legend_line(class_names: list[str], ascii_only: bool, width: int, target: bool = False) -> Text:
    """The classes first (kept longest), then the marks; whatever does not fit the width is left out."""
    parts: list[tuple[str | Text, int]] = []
    if ascii_only:
        for k, name in enumerate(class_names):
            chars = map_cells.ASCII_TRAIN[k % 10] + map_cells.ASCII_TEST[k % 10] + map_cells.ASCII_REGION[k % 10]
            parts.append((f"{chars} {name}", 0))
        parts += [("digit train, letter test", 1), ("X x wrong", 2), ("# boundary", 3)]
        if target:
            parts.append(("* target", 4))
        return fit(parts, width, "  ")
    for name, rgb in zip(class_names, map_cells.class_rgb(class_names)):
        parts.append((Text.assemble(("●", Style(color=Color.from_rgb(*rgb))), f" {name}"), 0))
    parts += [("○ test", 1), ("✕ wrong", 2), (Text.assemble(("━", "bold"), " boundary"), 3)]
    if target:
        parts.append((Text.assemble(("━", Style(color=Color.from_rgb(*map_cells.TARGET_RGB))), " target"), 4))
    return fit(parts, width, "  ")


class ClassLegend(Static):
    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.class_names: list[str] = []
        self.ascii_only = False
        self.target = False

    def show(self, class_names: list[str], ascii_only: bool, target: bool) -> None:
        self.class_names, self.ascii_only, self.target = list(class_names), ascii_only, target
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        line = legend_line(self.class_names, self.ascii_only, max(self.size.width, 1), self.target)
        self.update(line if self.class_names else "", layout=False)  # always one line
