"""A checkbox that reads at a glance: ✓ when on, blank when off (Textual's shows an X either way, only
its shade telling them apart, which no monochrome terminal shows)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class OnOff(Checkbox):
    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[", style), ("✓" if self.value else " ", style), ("]", style))
