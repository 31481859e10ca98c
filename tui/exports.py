"""What the app's file keys write: the run's files under one name stem, none of them over another file.

No textual here: the app calls these from a worker thread.
"""

from __future__ import annotations

import time
from pathlib import Path

SCREENSHOT = ".svg"


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


def export_run(session, outcome, folder: Path, kinds: list[str]) -> list[Path]:
    """Write the asked-for files of the session's run (kinds of engine.exports.SUFFIXES); the paths."""
    from engine.exports import SUFFIXES, results, write_export
    from engine.training.session import Outcome

    stem = free_stem(folder, session.settings.dataset)
    outcome = outcome or Outcome("not_trained", session.history.epoch, "not trained yet")
    data = results(session, outcome) if "json" in kinds else {}
    written = []
    for kind in kinds:
        path = stem.with_name(stem.name + SUFFIXES[kind])
        write_export(kind, session, path, data)
        written.append(path)
    return written
