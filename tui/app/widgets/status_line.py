"""The one-line status under the curves: what it is given, fitted to its width at every size."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.app.drawing.one_line import fit


class StatusLine(Static):
    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.parts: list[tuple[str | Text, int]] = []
        self._shown: Text | None = None

    def show(self, parts: list[tuple[str | Text, int]]) -> None:
        """`parts` as one_line.fit takes them: in order, each with its rank (0 kept longest)."""
        self.parts = parts
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        line = fit(self.parts, max(self.size.width - 2, 1))  # 2: the padding
        if self._shown is None or line.markup != self._shown.markup:
            self._shown = line
            self.update(line, layout=False)  # one line always: a relayout would cost the trainer
