"""Opening the terminal app."""

from __future__ import annotations

from engine.schema import Settings


def launch(settings: Settings, runs_dir: str | None = None) -> int:
    from .app import AnnclfApp

    AnnclfApp(settings, runs_dir=runs_dir).run()
    return 0
