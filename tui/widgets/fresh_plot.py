"""A plotext plot whose figure is drawn anew at every render.

plotext's build() changes the figure's data in place (a log scale replaces the stored values by their
logarithms), so building the same figure twice, as a resize or a theme change does, takes the log of a
log and fails with a math domain error. Drawing from our own data at each render avoids it.
"""

from __future__ import annotations

from typing import Any, Callable

from textual_plotext import PlotextPlot


class FreshPlot(PlotextPlot):
    def __init__(self, draw: Callable[[Any], None], **kwargs):
        super().__init__(**kwargs)
        self.draw = draw  # given plotext's plt, it adds the data, title, scales and ticks

    def render(self):
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self.draw(plt)
        return super().render()
