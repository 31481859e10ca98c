"""annclf engine: datasets, networks, training, evaluation and files. No UI in here.

Importing `engine` is cheap; torch and scikit-learn load on first use of what needs them, so a UI
can draw its first frame before they arrive.
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "Settings": "engine.schema", "SCHEMA": "engine.schema", "BY_NAME": "engine.schema",
    "find_problems": "engine.schema", "validate": "engine.schema",
    "AnnclfError": "engine.errors", "SettingError": "engine.errors", "DataError": "engine.errors",
    "FileProblem": "engine.errors", "ResourceError": "engine.errors",
    "CATALOG": "engine.datasets.catalog", "DATASET_NAMES": "engine.datasets.catalog",
    "load_settings": "engine.config_file", "save_settings": "engine.config_file",
    "settings_to_toml": "engine.config_file", "settings_from_toml": "engine.config_file",
    "make_dataset": "engine.datasets.dataset", "Dataset": "engine.datasets.dataset",
    "split": "engine.datasets.split", "Split": "engine.datasets.split",
    "build_model": "engine.model",
    "TrainingSession": "engine.training.session", "Outcome": "engine.training.outcome",
    "Reason": "engine.training.outcome", "Feed": "engine.training.feed", "MapRequest": "engine.decision_map",
    "EpochDone": "engine.training.events", "Marked": "engine.training.events", "GridReady": "engine.training.events",
    "NetworkReady": "engine.training.events", "NetworkRequest": "engine.network_picture",
    "NetworkPicture": "engine.network_picture",
    "ReportReady": "engine.training.events", "RunEnded": "engine.training.events",
    "EpochProgress": "engine.training.events", "ThreadsChosen": "engine.training.events",
    "EpochRecord": "engine.training.history", "History": "engine.training.history",
    "Box": "engine.decision_map", "DecisionGrid": "engine.decision_map", "data_box": "engine.decision_map",
    "save_checkpoint": "engine.checkpoint", "load_checkpoint": "engine.checkpoint",
    "write_metrics_csv": "engine.exports", "write_json": "engine.exports", "results": "engine.exports",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
