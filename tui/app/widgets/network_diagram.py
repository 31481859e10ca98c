"""The network view's two drawings: the diagram of every layer's units and weights, and one unit large."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.app.drawing import map_cells, network_cells

_PLAIN = Style()


class PictureResized(Message):
    """A drawing changed its size: the view asks for pictures that fit it."""


class _Cells(Widget, can_focus=False):
    """Lines built once per update and served from render_line."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._lines: list[Strip] = []
        self.ascii_only = False

    def palette(self, class_names) -> map_cells.Palette:
        return map_cells.palette_for(self.app.current_theme.dark, tuple(map_cells.class_rgb(class_names)),
                                     self.app.console.color_system)

    def on_resize(self) -> None:
        self.post_message(PictureResized())

    def set_lines(self, lines: list[list[Segment]]) -> None:
        width = self.size.width
        self._lines = [Strip(line).extend_cell_length(width, _PLAIN) for line in lines]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, _PLAIN)


class NetworkDiagram(_Cells):
    def draw(self, picture, shown, geo, selected, class_names) -> None:
        width, height = self.size.width, self.size.height
        if picture is None or not width or not height:
            self.set_lines([])
            return
        self.set_lines(network_cells.diagram_lines(picture, shown, geo, selected, self.palette(class_names),
                                                   self.ascii_only, width, height))


class UnitPicture(_Cells):
    def draw(self, layer, unit: int | None, class_names) -> None:
        if layer is None or unit is None or not self.size.height:
            self.set_lines([])
            return
        codes = network_cells.picture_codes(layer, unit, layer.pictures)
        # one made before a resize is stretched until its own arrives
        codes = map_cells.resample(codes[..., None], (2 * self.size.height, self.size.width))[..., 0]
        self.set_lines(network_cells.half_block_rows(codes, self.palette(class_names), self.ascii_only))
