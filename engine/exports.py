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
        # how many threads it trained on, and the timings that chose them (None: it has not trained here)
        "threads": session.thread_choice.as_dict() if session.thread_choice is not None else None,
        "class_names": session.class_names,
        "history": session.history.as_dicts(),
        "marks": session.history.mark_dicts(),
        "final": {part: evaluation.as_dict() for part, evaluation in final.items()},
    }


def write_json(data: dict, path: str | os.PathLike) -> None:
    with atomic_open(path) as handle:
        json.dump(json_safe(data), handle, indent=1, allow_nan=False)
        handle.write("\n")


def data_frame(session: TrainingSession):
    """Every row of the run's data in its source's order, as it was read, in a pandas DataFrame: its line in
    the source (`source_row`: a CSV file's own line, the header being line 1; for generated data, the line it
    has here), its feature columns (a file's cells as read: numbers at float64's full precision, whole
    numbers as such, texts, empty where a cell was missing; generated points at float32's shortest digits),
    the label trained on where label noise changed any (`trained_as`, training rows only), the true label,
    and its part of the split (train, validation, test)."""
    import numpy as np
    import pandas as pd

    from .standalone.csv_file import SOURCE_ROW, SPLIT, TRAINED_AS

    dataset, split, names = session.dataset, session.split, session.class_names
    n = len(dataset.y)
    columns: dict = {}
    source = dataset.source
    columns[SOURCE_ROW] = source.rows if source is not None else np.arange(2, n + 2)
    if source is not None:
        for column in source.columns:
            if column.is_text:
                columns[column.name] = pd.Categorical.from_codes(np.where(column.codes >= 0, column.codes, -1),
                                                                 column.texts)
            elif column.integer:
                columns[column.name] = pd.array(column.numbers, dtype="Float64").astype("Int64")
            else:
                columns[column.name] = column.numbers
        label = source.label
    else:
        for j, name in enumerate(dataset.feature_names):
            columns[name] = dataset.X[:, j]
        label = "label"
    categories = pd.Index(names)
    if session.settings.label_noise > 0:
        trained = np.full(n, -1, dtype=np.int64)
        trained[split.train] = split.train_labels
        columns[TRAINED_AS] = pd.Categorical.from_codes(trained, categories)
    columns[label] = pd.Categorical.from_codes(dataset.y, categories)
    part = np.empty(n, dtype=object)
    for word, rows in (("train", split.train), ("validation", split.val), ("test", split.test)):
        part[rows] = word
    columns[SPLIT] = part
    return pd.DataFrame(columns)


def write_data_csv(session: TrainingSession, path: str | os.PathLike) -> None:
    """The run's data as data_frame() has it. It reads back as the `csv` dataset with no other setting (the
    label is the last column but the split, which is the split; source_row and trained_as are left out) and
    gives the same rows the same parts."""
    frame = data_frame(session)
    with atomic_open(path) as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")


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
