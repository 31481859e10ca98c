"""One line of the runs list (`RunSummary`), as `summary.json` holds it and the runs index repeats it, and a
folder that cannot be read as a run (`Damaged`). Plain data: no torch, no SQLite, cheap to import."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .errors import FileProblem

FORMAT = "annclf-tui run"
VERSION = 1
RUN_FILE, SUMMARY_FILE, CHECKPOINT_FILE = "run.json", "summary.json", "checkpoint.pt"


@dataclass(frozen=True)
class RunSummary:
    """One line of the runs list."""

    id: str
    name: str
    created: float  # seconds since the epoch
    epochs: int
    stopped: str  # how the last training of it ended
    train_accuracy: float | None
    test_accuracy: float | None
    test_loss: float | None
    settings: dict  # flat, as in TOML
    updated: float | None = None  # when it was last kept (continued, say); runs kept before 0.2 have none
    sweep_id: str | None = None  # the sweep that trained it, if one did
    sweep_name: str | None = None

    @property
    def kept(self) -> float:
        return self.updated if self.updated is not None else self.created

    @classmethod
    def from_run(cls, run: dict) -> "RunSummary":
        test = run["final"]["test"]
        return cls(run["id"], run["name"], run["created"], run["epochs"], run["stopped"],
                   run["final"]["train"]["accuracy"], test["accuracy"], test["loss"], run["settings"],
                   run.get("updated"), run.get("sweep_id"), run.get("sweep_name"))

    def as_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, **dataclasses.asdict(self)}

    @classmethod
    def from_dict(cls, data: dict, folder: str) -> "RunSummary":
        """The summary kept in `folder` (whose name is the run's id, whatever the file says: a copied folder
        is a run of its own); ValueError saying what is wrong if a field is missing or of the wrong type."""
        values = {}
        for f in dataclasses.fields(cls):
            if f.name == "id":
                continue
            if f.name not in data and f.name in _OPTIONAL:
                continue
            if f.name not in data:
                raise ValueError(f"{SUMMARY_FILE} has no {f.name!r}")
            value = data[f.name]
            kinds = _FIELD_KINDS[f.name]
            if isinstance(value, bool) or not isinstance(value, kinds) or not _in_range(f.name, value):
                raise ValueError(f"{SUMMARY_FILE}: {f.name!r} is {_what(value)}, not {_KIND_WORDS[f.name]}")
            values[f.name] = value
        return cls(id=folder, **values)


def _in_range(name: str, value) -> bool:
    """Whether a number of the right kind can be what it says: a time the calendar can show (a NaN or 1e300
    cannot be shown as a date), a count of epochs an index row holds, a finite accuracy or loss."""
    if value is None or isinstance(value, (str, dict)):
        return True
    if name in _TIMES:
        return math.isfinite(value) and 0 <= value < LATEST
    if name == "epochs":
        return 0 <= value <= MOST_EPOCHS
    return math.isfinite(value)


LATEST = 253402300800  # 10000-01-01: the first time a four-digit year cannot show
MOST_EPOCHS = 10**12  # far beyond any run (the settings allow 10^7), well within an SQLite integer
_TIMES = {"created", "updated"}
_NUMBER = (int, float)
_MAYBE_NUMBER = (*_NUMBER, type(None))
_MAYBE_TEXT = (str, type(None))
_OPTIONAL = {"updated", "sweep_id", "sweep_name"}  # runs kept by earlier versions have none
_FIELD_KINDS = {"name": str, "created": _NUMBER, "epochs": int, "stopped": str, "train_accuracy": _MAYBE_NUMBER,
                "test_accuracy": _MAYBE_NUMBER, "test_loss": _MAYBE_NUMBER, "settings": dict,
                "updated": _MAYBE_NUMBER, "sweep_id": _MAYBE_TEXT, "sweep_name": _MAYBE_TEXT}
_WHEN = "a time in seconds (since 1970, before the year 10000)"
_KIND_WORDS = {"name": "text", "created": _WHEN, "epochs": "a whole number from 0 to 10^12",
               "stopped": "text", "train_accuracy": "a finite number", "test_accuracy": "a finite number",
               "test_loss": "a finite number", "settings": "a table of settings", "updated": _WHEN,
               "sweep_id": "text",
               "sweep_name": "text"}


def _what(value) -> str:
    """A value as a person reads it in a message: its kind, never a Python repr of an object."""
    if isinstance(value, str):
        return f"the text {value[:30]!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        # a whole number of thousands of digits is said by its size: str() of one is slow, or refused
        text = str(value) if isinstance(value, float) or abs(value) < 10**30 else \
            f"of about {int(value.bit_length() * 0.30103) + 1} digits"
        return f"the number {text}"
    return {list: "a list", dict: "a table", type(None): "empty"}.get(type(value), "of an unknown kind")


@dataclass(frozen=True)
class Damaged:
    """A folder of the runs directory that cannot be read as a run: listed, never in the way."""

    folder: str
    problem: str

    def __str__(self) -> str:
        return f"{self.folder}: {self.problem}"

    @classmethod
    def of(cls, folder: str, error: FileProblem) -> "Damaged":
        # "is not valid JSON" alone does not say of which file
        sentence = error.problem.startswith(("is ", "cannot "))
        return cls(folder, f"{SUMMARY_FILE} {error.problem}" if sentence else error.problem)
