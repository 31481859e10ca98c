"""Opening the terminal app."""

from __future__ import annotations

import gc
import os

from engine.schema import Settings

from tui.app import warm_start
from tui.terminal import colour_system


def launch(settings: Settings, runs_dir: str | None = None, refresh: str = "auto", full_frames: bool = False,
           tensorboard: tuple[str, int] | None = None) -> int:
    colours = colour_system.preferred()
    if colours is not None:  # Textual reads it when it is first imported, which is next
        os.environ["TEXTUAL_COLOR_SYSTEM"] = colours
    # The start-up makes several hundred thousand objects that live as long as the app (Textual's, then
    # PyTorch's): the collector would walk them again and again while they are made, a sixth of the time to
    # "ready" measured here (bench/first_frame.py). It is off until the engine is loaded, which then freezes
    # them out of its sight and turns it back on (runner.import_engine).
    gc.disable()
    from tui.app.app import AnnclfApp
    from tui.terminal.driver import changes_only

    app = AnnclfApp(settings, runs_dir=runs_dir, refresh=refresh, tensorboard=tensorboard)
    if not full_frames:
        app.driver_class = changes_only(app.driver_class)
    # torch's library mapped beside Textual's first frame: after the imports, which would wait for the dynamic
    # linker's lock, the mapping holding it (loading Python's own extension modules)
    warm_start.begin()
    try:
        app.run()
    finally:
        app.runner.settle()  # a run stopped by quitting is being kept: the process ends once it is on disk
    if app.ended_by is not None:
        return 128 + app.ended_by  # 129 for SIGHUP, 143 for SIGTERM, as a shell reports them
    return app.return_code or 0  # 1 if the app ended on an error: a crash must not look like a quit
