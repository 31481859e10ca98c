"""The app's file keys: ctrl+s, ctrl+o and F12 write the session's files and the screen beside the user,
the writing done in a worker (the notice comes from the App when it is done)."""

from __future__ import annotations

ALL_OF_A_RUN = "metrics,json,data,settings,script"


def export(app, what: str, title: str) -> None:
    from tui.app.files import export_run

    session, folder = app.runner.session, app.output_dir
    if session is None:
        app.notify("Nothing to save yet: the data is still being prepared", severity="warning")
        return
    app.run_worker(lambda: (title, export_run(session, folder, what.split(","))), name="export",
                   group="export", thread=True, exit_on_error=False)


def screenshot(app) -> None:
    from tui.app.files import SCREENSHOT, free_stem, written

    stem = free_stem(app.output_dir, getattr(getattr(app.runner.session, "settings", None), "dataset", "app"))
    app.save_screenshot(filename=stem.name + SCREENSHOT, path=str(app.output_dir))
    app.notify(written(stem, [SCREENSHOT]), title="screenshot")
