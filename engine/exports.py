"""Run results as files: per-epoch metrics as CSV, the whole run as JSON, the dataset as CSV; and one
table of every file a run can be exported as, for the app's keys and the command line's flags alike."""

from __future__ import annotations

import csv
import json
import math
import os

from .atomic import atomic_open
from .training.history import COLUMNS, History
from .training.outcome import Outcome
from .training.session import TrainingSession


def write_metrics_csv(history: History, path: str | os.PathLike) -> None:
    with atomic_open(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for record in history.records:
            writer.writerow([getattr(record, c) for c in COLUMNS])


def json_safe(value):
    """JSON has no NaN or infinity: such values become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def results(session: TrainingSession, outcome: Outcome, final: dict | None = None) -> dict:
    """Settings, history and final metrics; `final` is the session's evaluate(), if it was made already."""
    final = final or session.evaluate()
    return {
        "settings": session.settings.to_flat(),
        "device": session.device.type,
        "data_fingerprint": session.fingerprint,
        "watched": session.watches,  # what early stopping, plateau and the best epoch watched
        "stopped": outcome.reason,
        "message": outcome.message,
        "epochs": session.history.epoch,
        "best_epoch": session.best_epoch,
        "seconds": round(session.seconds, 4),
        "class_names": session.class_names,
        "history": session.history.as_dicts(),
        "marks": session.history.mark_dicts(),
        "final": {part: evaluation.as_dict() for part, evaluation in final.items()},
    }


def write_json(data: dict, path: str | os.PathLike) -> None:
    with atomic_open(path) as handle:
        json.dump(json_safe(data), handle, indent=1, allow_nan=False)
        handle.write("\n")


def write_data_csv(session: TrainingSession, path: str | os.PathLike) -> None:
    """The run's data in its own units: one column per feature, the label (class name), the split.

    It reads back as the `csv` dataset (`--csv FILE --label label --features <the feature columns>`)."""
    split, names = session.split, session.class_names
    with atomic_open(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*session.dataset.feature_names, "label", "split"])
        for part, X, y in (("train", split.X_train, split.y_train), ("test", split.X_test, split.y_test)):
            for features, label in zip(X.tolist(), y.tolist()):
                writer.writerow([*(repr(float(v)) for v in features), names[label], part])


# every file a run can be exported as: its kind → the suffix it gets when the app names it
SUFFIXES = {"settings": ".toml", "json": ".json", "metrics": ".metrics.csv", "checkpoint": ".pt",
            "data": ".data.csv", "script": ".py"}


def write_export(kind: str, session: TrainingSession, path: str | os.PathLike, data: dict) -> None:
    """Write one file of the run; `data` is its results() (read for the JSON only)."""
    from .checkpoint import save_checkpoint
    from .config_file import save_settings
    from .export_script import write_script

    if kind == "settings":
        save_settings(session.settings, path)
    elif kind == "json":
        write_json(data, path)
    elif kind == "metrics":
        write_metrics_csv(session.history, path)
    elif kind == "checkpoint":
        save_checkpoint(session, path)
    elif kind == "data":
        write_data_csv(session, path)
    elif kind == "script":
        write_script(session, path)
    else:
        raise ValueError(f"no export kind {kind!r}")
