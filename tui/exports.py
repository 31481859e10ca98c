"""What the app's export keys write: the run's files under one name stem, none of them over another file.

No textual here: the app calls `export_run` from a worker thread.
"""

from __future__ import annotations

import time
from pathlib import Path

# what → (suffix, what the notice calls it)
KINDS = {
    "metrics": (".metrics.csv", "metrics CSV"),
    "json": (".json", "run JSON"),
    "data": (".data.csv", "dataset CSV"),
    "settings": (".toml", "settings TOML"),
    "script": (".py", "PyTorch script"),
}


def free_stem(folder: Path, dataset: str) -> Path:
    """`annclf-<dataset>-<time>`, with a number added if any file of that stem already exists."""
    base = f"annclf-{dataset}-{time.strftime('%Y%m%d-%H%M%S')}"
    stem, n = folder / base, 1
    while any(stem.with_name(stem.name + suffix).exists() for suffix, _ in KINDS.values()):
        n += 1
        stem = folder / f"{base}-{n}"
    return stem


def export_run(session, outcome, folder: Path, kinds: list[str]) -> list[Path]:
    """Write the asked-for files of the session's run; the paths written."""
    from engine.config_file import save_settings
    from engine.export_script import write_script
    from engine.exports import results, write_data_csv, write_json, write_metrics_csv
    from engine.training.session import Outcome

    stem = free_stem(folder, session.settings.dataset)
    outcome = outcome or Outcome("not_trained", session.history.epoch, "not trained yet")
    written = []
    for kind in kinds:
        path = stem.with_name(stem.name + KINDS[kind][0])
        if kind == "metrics":
            write_metrics_csv(session.history, path)
        elif kind == "json":
            write_json(results(session, outcome), path)
        elif kind == "data":
            write_data_csv(session, path)
        elif kind == "settings":
            save_settings(session.settings, path)
        else:
            write_script(session.settings, path)
        written.append(path)
    return written
