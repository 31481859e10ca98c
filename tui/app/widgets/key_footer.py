"""The footer: the keys that work now, from the key table, each shown whole. At 80 columns not all of them
fit: the least needed are left out (Textual's own footer cuts the last ones in the middle, "f9 New"); F1
lists every key. The views' keys share one entry ("v r w s u views")."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from tui.app.drawing.one_line import fit
from tui.app.keys import KEYS, Key

PALETTE = ("ctrl+p", "palette")
SEPARATOR = "  "


def _short(key: Key) -> str:
    """F5, ^s, space: as narrow as a footer needs."""
    name = key.name
    return "^" + name[5:] if name.startswith("ctrl+") else name


def footer_parts(actions: set[str], key_style: str = "bold") -> list[tuple[Text, int, str]]:
    """(text, rank, key to press) of each footer key of the table whose action is bound now, in the table's
    order; the keys of a group (the views) make one part, where its first key stands, pressed as that key."""
    shown, seen = [], set()
    for key in KEYS:  # one entry an action: the runs view's and the sweep view's "mark" are one key
        if key.footer and key.action in actions and key.action not in seen:
            seen.add(key.action)
            shown.append(key)
    grouped: dict[str, list[Key]] = {}
    for key in shown:
        if key.group:
            grouped.setdefault(key.group, []).append(key)
    parts = []
    for key in shown:
        if not key.group:
            parts.append((Text.assemble((_short(key), key_style), " ", key.footer), key.rank, key.key.split(",")[0]))
        elif grouped[key.group][0] is key:
            names = Text(" ").join(Text(_short(k), key_style) for k in grouped[key.group])
            parts.append((Text.assemble(names, " ", key.group), key.rank, key.key))
    return parts


class KeyFooter(Static):
    COMPONENT_CLASSES = {"key-footer--key"}

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self._parts: list[tuple[Text, int, str]] = []
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each part drawn, for a click

    def on_mount(self) -> None:
        # the keys change with the focus (a view's own keys) and the screen (compare)
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen) -> None:
        actions = {active.binding.action for active in screen.active_bindings.values() if active.binding.show}
        style = self.get_component_rich_style("key-footer--key")
        self._parts = footer_parts(actions, style)
        palette = Text.assemble(("^p", style), " ", PALETTE[1])
        self._parts.append((palette, 12, PALETTE[0]))
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(self.size.width - 2, 1)  # 2: the padding
        line = fit([(text, rank) for text, rank, _ in self._parts], width, SEPARATOR)
        self._spans, start = [], 0
        for text, _, key in self._parts:  # the parts kept are found in the line in order
            found = line.plain.find(text.plain, start)
            if found >= 0:
                self._spans.append((found, found + len(text.plain), key))
                start = found + len(text.plain)
        self.update(line)

    def on_click(self, event: events.Click) -> None:
        x = event.x - 1  # the padding
        for start, end, key in self._spans:
            if start <= x < end:
                self.app.simulate_key(key)
