"""A plotext plot whose figure is drawn anew from our data, and sent to the terminal only when it changed.

plotext's build() changes the figure's data in place (a log scale replaces the stored values by their
logarithms), so building the same figure twice, as a resize or a theme change does, takes the log of a
log and fails with a math domain error. Drawing from our own data at each build avoids it.

Most new points of a long run land on cells already drawn: `redraw()` builds the figure and refreshes the
widget only when its cells differ, so that an unchanged plot costs the terminal nothing (over SSH that is
most of what the app would write).
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual_plotext import PlotextPlot


class FreshPlot(PlotextPlot):
    def __init__(self, draw: Callable[[Any], None], **kwargs):
        super().__init__(**kwargs)
        self.draw = draw  # given plotext's plt, it adds the data, title, scales and ticks
        self._figure: tuple[tuple, Text] | None = None  # (the size and theme it was built for, the figure)

    def _key(self) -> tuple:
        return (self.size, self.app.theme)

    def _build(self) -> Text:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self.draw(plt)
        return super().render()

    def render(self):
        if self._figure is None or self._figure[0] != self._key():
            self._figure = (self._key(), self._build())
        return self._figure[1]

    def redraw(self) -> bool:
        """The figure from the data as it is now; True when its cells changed (and the widget was refreshed).
        Off screen nothing is built: the next render builds it."""
        if not self.is_on_screen:
            self._figure = None
            return False
        figure = self._build()
        if self._figure is not None and self._figure[0] == self._key() and self._figure[1] == figure:
            return False
        self._figure = (self._key(), figure)
        self.refresh()
        return True
