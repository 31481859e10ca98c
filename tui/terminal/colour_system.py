"""The colours the app asks the terminal for: 24-bit where the terminal says it has them (COLORTERM),
else the 256-colour palette, which every terminal of the last twenty years has, and which over SSH
(where COLORTERM is seldom passed on) is often all a terminal is known to have. Rich would fall back to 16
colours for a TERM such as `xterm` or `screen`, in which the map's shades become two or three."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

_FEW_COLOURS = ("dumb", "linux", "vt100", "vt102", "vt220", "ansi", "cons25")  # consoles of 8 or 16 colours


def preferred(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """"truecolor" or "256" for Textual, or None to leave its own choice (a console of few colours,
    Windows, or the user's own TEXTUAL_COLOR_SYSTEM)."""
    if environ.get("TEXTUAL_COLOR_SYSTEM") or platform == "win32":
        return None
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = environ.get("TERM", "").strip().lower()
    if not term or term in _FEW_COLOURS:
        return None
    return "256"
