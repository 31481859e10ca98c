"""Opening the terminal app."""

from __future__ import annotations

from engine.schema import Settings


def launch(settings: Settings) -> int:
    from .app import AnnclfApp

    AnnclfApp(settings).run()
    return 0
