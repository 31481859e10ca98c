"""Opening the terminal app."""

from __future__ import annotations

from engine.schema import Settings


def launch(settings: Settings, runs_dir: str | None = None, refresh: str = "auto") -> int:
    from .app import AnnclfApp

    app = AnnclfApp(settings, runs_dir=runs_dir, refresh=refresh)
    try:
        app.run()
    finally:
        app.runner.settle()  # a run stopped by quitting is being kept: the process ends once it is on disk
    if app.ended_by is not None:
        return 128 + app.ended_by  # 129 for SIGHUP, 143 for SIGTERM, as a shell reports them
    return app.return_code or 0  # 1 if the app ended on an error: a crash must not look like a quit
