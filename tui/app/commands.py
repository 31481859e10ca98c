"""The command palette: every action of the key table, every dataset, and the presets."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from engine.datasets.catalog import CATALOG

from tui.app.keys import palette_entries
from tui.app.presets import PRESETS, SWEEP_PRESETS


class AppCommands(Provider):
    def _commands(self):
        app = self.app
        for text, action in palette_entries():
            yield text, partial(app.run_action, action), "action"
        for name, info in CATALOG.items():
            yield f"Dataset: {name} — {info.summary}", partial(app.choose_dataset, name), "dataset"
        for title, settings in PRESETS.items():
            yield f"Preset: {title}", partial(app.apply_preset, settings), "preset"
        for title, (settings, lists) in SWEEP_PRESETS.items():
            yield title, partial(app.apply_sweep_preset, settings, lists), "sweep preset"

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
