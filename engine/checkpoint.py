"""Checkpoints: weights, optimiser and schedule state, settings, class names and history, in one file.

Loading rebuilds the data from the settings (it is deterministic) and restores the rest, so that a
resumed run continues at the next epoch exactly as the uninterrupted one would have.
"""

from __future__ import annotations

import os

import torch

from .atomic import atomic_open
from .errors import FileProblem, SettingError
from .schema import SCHEMA, from_values
from .training.session import CONTINUABLE, TrainingSession

FORMAT = "annclf-tui checkpoint"
VERSION = 1


def save_checkpoint(session: TrainingSession, path: str | os.PathLike) -> None:
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "settings": session.settings.to_flat(),
        "class_names": list(session.class_names),
        "feature_names": list(session.dataset.feature_names),
        "data_fingerprint": session.fingerprint,
        "input_shift": session.split.shift.tolist(),
        "input_scale": session.split.scale.tolist(),
        **session.saved_state(),
    }
    with atomic_open(path, "wb") as handle:
        torch.save(payload, handle)


def read_checkpoint(path: str | os.PathLike) -> dict:
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise FileProblem(str(path), "no such file") from None
    except IsADirectoryError:
        raise FileProblem(str(path), "is a directory, not a checkpoint") from None
    except PermissionError as error:
        raise FileProblem(str(path), f"cannot be read: {error.strerror}") from None
    except Exception:  # torch raises many kinds for a file that is not its own
        raise FileProblem(str(path), "is not a checkpoint of this program (or it is damaged)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise FileProblem(str(path), "is not a checkpoint of this program")
    if payload.get("version") != VERSION:
        raise FileProblem(str(path), f"has checkpoint version {payload.get('version')}; this program reads {VERSION}")
    return payload


def load_checkpoint(path: str | os.PathLike, changes: dict | None = None,
                    allow_data_change: bool = False) -> TrainingSession:
    """A session restored from `path`; `changes` may alter training settings only (epochs, lr, ...). The
    data is made again from the settings: if it is not what the checkpoint trained on (a CSV file edited
    since), FileProblem, unless `allow_data_change`."""
    payload = read_checkpoint(path)
    known = {s.name for s in SCHEMA}
    try:
        settings = from_values({k: v for k, v in payload["settings"].items() if k in known and v is not None})
    except SettingError as error:
        raise FileProblem(str(path), f"holds an invalid setting: {error}") from None
    changes = dict(changes or {})
    for name, value in changes.items():
        if name not in CONTINUABLE and getattr(settings, name) != value:
            raise SettingError(name, f"cannot change when resuming {path}: it defines the data or the "
                                     "network of the checkpoint")
    session = TrainingSession(settings)
    if session.class_names != payload["class_names"] or session.dataset.feature_names != payload["feature_names"]:
        raise FileProblem(str(path), "its data can no longer be rebuilt the same way (classes or features differ)")
    kept = payload.get("data_fingerprint")  # checkpoints written before 0.2 have none
    if kept is not None and kept != session.fingerprint and not allow_data_change:
        where = f" ({settings.csv})" if settings.dataset == "csv" else ""
        raise FileProblem(str(path), f"the data changed since this checkpoint was written{where}: its rows, labels "
                                     "or split differ; --allow-data-change continues on the new data anyway")
    try:
        session.restore_saved_state(payload)
    except (RuntimeError, ValueError, KeyError, TypeError) as error:
        raise FileProblem(str(path), f"its weights do not fit the network of its settings ({error})") from None
    session.change(**{k: v for k, v in changes.items() if k in CONTINUABLE})
    return session
