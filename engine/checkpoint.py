"""Checkpoints: weights, optimiser and schedule state, settings, class names and history, in one file.

Loading rebuilds the data from the settings (it is deterministic) and restores the rest, so that a
resumed run continues at the next epoch exactly as the uninterrupted one would have.
"""

from __future__ import annotations

import os

import torch

from .atomic import atomic_open, open_input
from .errors import FileProblem, SettingError
from .schema import SCHEMA, from_values
from .training.history import History
from .training.session import CONTINUABLE, TrainingSession

FORMAT = "annclf-tui checkpoint"
VERSION = 1


def save_checkpoint(session: TrainingSession, path: str | os.PathLike) -> None:
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "settings": _settings_kept(session.settings),
        "class_names": list(session.class_names),
        "feature_names": list(session.dataset.feature_names),
        "data_fingerprint": session.fingerprint,
        "input_shift": session.split.shift.tolist(),
        "input_scale": session.split.scale.tolist(),
        **session.saved_state(),
    }
    with atomic_open(path, "wb") as handle:
        try:
            torch.save(payload, handle)
        except RuntimeError as error:  # torch's writer says a failed write (a full disk) as a RuntimeError:
            # "[enforce fail at inline_container.cc:672] . unexpected pos 5824 vs 5776"
            raise OSError(_why_torch_failed(path), f"torch could not write it ({str(error).splitlines()[0]})") from None


def _settings_kept(settings) -> dict:
    """The settings as a checkpoint keeps them: a CSV's path made absolute, so that the run resumes (and is
    reopened) from any folder, not only from the one it was trained in."""
    flat = settings.to_flat()
    if flat.get("csv"):
        flat["csv"] = os.path.abspath(flat["csv"])
    return flat


def _why_torch_failed(path: str | os.PathLike) -> int:
    """The errno of a write torch could not make: a full disk when the device has next to no room left."""
    import errno
    import shutil

    try:
        full = shutil.disk_usage(os.path.dirname(os.path.realpath(path))).free < 1 << 20
    except OSError:
        full = False
    return errno.ENOSPC if full else errno.EIO


# what loading a checkpoint reads, and what each must be: checked as a config's settings are, so that a
# checkpoint another program (or an editor) made says what it lacks instead of failing half-way in
_PARTS = {"settings": (dict, "a table of settings"), "class_names": (list, "a list of class names"),
          "feature_names": (list, "a list of feature names"), "model": (dict, "a table of weights"),
          "optimizer": (dict, "the optimiser's state"), "schedule": (dict, "the schedule's state"),
          "best": (dict, "the best epoch's record"), "history": (dict, "the history of the epochs"),
          "seconds": ((int, float), "a number of seconds")}
_NAMES = ("class_names", "feature_names")
_OPTIONAL = {"gradient": (dict, "the last step's gradient")}  # checkpoints of earlier versions have none


def read_checkpoint(path: str | os.PathLike) -> dict:
    """The checkpoint's contents, checked: FileProblem naming the file and what is wrong (not a checkpoint,
    of another version, a part missing or of the wrong kind). A FIFO or a device is refused, never read."""
    import warnings

    with open_input(path, "a checkpoint", binary=True) as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own about a file of another pickle protocol: refused below
        try:
            payload = torch.load(handle, map_location="cpu", weights_only=True)
        except OSError as error:
            raise FileProblem(str(path), f"cannot be read: {error.strerror or error}") from None
        except Exception:  # torch raises many kinds for a file that is not its own
            raise FileProblem(str(path), "is not a checkpoint of this program (or it is damaged)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise FileProblem(str(path), "is not a checkpoint of this program")
    if payload.get("version") != VERSION:
        raise FileProblem(str(path), f"has checkpoint version {payload.get('version')!r:.40}; this program reads {VERSION}")
    for name, (kind, words) in (_PARTS | {n: p for n, p in _OPTIONAL.items() if n in payload}).items():
        if name not in payload:
            raise FileProblem(str(path), f"is not a whole checkpoint: it has no {name!r} ({words})")
        value = payload[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise FileProblem(str(path), f"is damaged: its {name!r} is {_what(value)}, not {words}")
        if name in _NAMES and not all(isinstance(v, str) for v in value):
            raise FileProblem(str(path), f"is damaged: its {name!r} holds something other than names")
    if not 0 <= payload["seconds"] < float("inf"):
        raise FileProblem(str(path), f"is damaged: its 'seconds' is {payload['seconds']!r:.40}, not a time spent training")
    try:
        History.from_dicts(payload["history"]["records"], payload["history"]["marks"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise FileProblem(str(path), "is damaged: its 'history' holds records this program cannot read") from None
    return payload


def _what(value) -> str:
    return {list: "a list", dict: "a table", str: "text", type(None): "empty"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "of another kind")


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
    if settings.dataset == "csv" and changes.get("csv"):  # the file moved: its rows are checked below, as ever
        settings = settings.replace(csv=changes.pop("csv"))
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
    except (RuntimeError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise FileProblem(str(path), f"its weights do not fit the network of its settings ({error})") from None
    session.change(**{k: v for k, v in changes.items() if k in CONTINUABLE})
    return session
