"""What the app's file keys write (ctrl+s, ctrl+o, F12): the run's files under one name stem, none of them over
another file. The writing is done in a worker thread; the App gives the notice when it is done."""

from __future__ import annotations

import time
from concurrent.futures import Future
from pathlib import Path

SCREENSHOT = ".svg"
ALL_OF_A_RUN = "metrics,json,data,settings,script"


def free_stem(folder: Path, dataset: str) -> Path:
    """`annclf-<dataset>-<time>`, with a number added if any file of that stem already exists."""
    from engine.exports import SUFFIXES

    suffixes = [*SUFFIXES.values(), SCREENSHOT]
    base = f"annclf-{dataset}-{time.strftime('%Y%m%d-%H%M%S')}"
    stem, n = folder / base, 1
    while any(stem.with_name(stem.name + suffix).exists() for suffix in suffixes):
        n += 1
        stem = folder / f"{base}-{n}"
    return stem


def written(stem: Path, suffixes: list[str]) -> str:
    """The notice of files written: the stem once, then its endings (a notice is narrow: whole paths break)."""
    return f"{stem.name} {', '.join(suffixes)} in {stem.parent.resolve()}"


def export_run(session, folder: Path, kinds: list[str]) -> str:
    """Write the asked-for files of the session's run (kinds of engine.exports.SUFFIXES); the notice of them."""
    from engine.exports import SUFFIXES, results, write_export
    from engine.training.outcome import Outcome, Reason

    stem = free_stem(folder, session.settings.dataset)
    outcome = session.outcome or Outcome(Reason.NOT_TRAINED, session.history.epoch, "not trained yet")
    data = results(session, outcome) if "json" in kinds else {}
    for kind in kinds:
        write_export(kind, session, stem.with_name(stem.name + SUFFIXES[kind]), data)
    return written(stem, [SUFFIXES[kind] for kind in kinds])


SNAPSHOT_WAIT = 120.0  # seconds an export waits for the epoch in progress to end (a large one takes a while)


def export(app, what: str, title: str) -> None:
    """Written from a snapshot the training thread makes between two epochs: the weights, the optimiser and the
    history of one epoch, where reading the live session would catch the weights a step ahead of the history."""
    if app.runner.session is None:
        app.notify("Nothing to save yet: the data is still being prepared", severity="warning")
        return
    snapshot, folder = app.runner.snapshot(), app.output_dir
    app.run_worker(lambda: (title, export_run(_taken(snapshot), folder, what.split(","))), name="export",
                   group="export", thread=True, exit_on_error=False)


def _taken(snapshot: Future):
    from engine.errors import AnnclfError

    try:
        return snapshot.result(SNAPSHOT_WAIT)
    except TimeoutError:
        raise AnnclfError("export", f"the epoch in training did not end within {SNAPSHOT_WAIT:.0f} s; "
                                    "nothing was written (pause the run, then save)") from None


def screenshot(app) -> None:
    """F12: the screen as SVG, written as every file is (a temporary file renamed into place); a folder that
    cannot be written (read-only, gone) is a notice, as for ctrl+s, and the app goes on."""
    from engine.atomic import write_text
    from engine.errors import AnnclfError, FileProblem

    from tui.app.failures import notify_failure

    try:
        stem = free_stem(app.output_dir, getattr(getattr(app.runner.session, "settings", None), "dataset", "app"))
        write_text(stem.with_name(stem.name + SCREENSHOT), app.export_screenshot())
        shown = written(stem, [SCREENSHOT])
    except AnnclfError as error:
        notify_failure(app, error)
    except OSError as error:  # the folder itself cannot be looked at
        notify_failure(app, FileProblem(str(app.output_dir), f"cannot be written: {error.strerror or error}"))
    else:
        app.notify(shown, title="screenshot")
