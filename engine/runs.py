"""Kept runs: each training run's settings, history, final metrics and model, in a runs directory.

A run is one folder, `<runs dir>/<id>/`, holding `summary.json` (one line of the runs list: a long run's
history would make listing a hundred runs slow), `run.json` (everything, for the compare view) and
`checkpoint.pt` (to reopen and continue it). A folder is written beside its place and renamed into it,
so a run on disk is always whole; saving a run again (after continuing it) replaces it the same way.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .atomic import remove_leftovers, temporary_name, why_not_writable
from .errors import FileProblem

FORMAT = "annclf-tui run"
VERSION = 1
RUN_FILE, SUMMARY_FILE, CHECKPOINT_FILE = "run.json", "summary.json", "checkpoint.pt"


def default_runs_dir() -> Path:
    """The user's data directory (XDG_DATA_HOME, else ~/.local/share) / annclf-tui / runs."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "annclf-tui" / "runs"


def default_name(settings) -> str:
    hidden = ",".join(map(str, settings.hidden)) or "none"
    data = Path(settings.csv).name if settings.dataset == "csv" and settings.csv else settings.dataset
    return f"{data} {hidden} {settings.activation} {settings.optimizer} lr {settings.lr:g}"


def named_by_user(name: str, settings: dict) -> bool:
    """Whether a person gave the run its name (the program names a run after its settings, with #2, #3...
    for repeats); True when the settings are of a version this one no longer reads."""
    from .errors import AnnclfError
    from .schema import from_values

    try:
        default = default_name(from_values({k: v for k, v in settings.items() if v is not None}))
    except AnnclfError:
        return True
    return re.fullmatch(re.escape(default) + r"( #\d+)?", name) is None


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

    @property
    def kept(self) -> float:
        return self.updated if self.updated is not None else self.created

    @classmethod
    def from_run(cls, run: dict) -> "RunSummary":
        test = run["final"]["test"]
        return cls(run["id"], run["name"], run["created"], run["epochs"], run["stopped"],
                   run["final"]["train"]["accuracy"], test["accuracy"], test["loss"], run["settings"],
                   run.get("updated"))

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
            if isinstance(value, bool) or not isinstance(value, kinds):
                raise ValueError(f"{SUMMARY_FILE}: {f.name!r} is {_what(value)}, not {_KIND_WORDS[f.name]}")
            values[f.name] = value
        return cls(id=folder, **values)


_NUMBER = (int, float)
_OPTIONAL = {"updated"}
_FIELD_KINDS = {"name": str, "created": _NUMBER, "epochs": int, "stopped": str, "train_accuracy": (*_NUMBER, type(None)),
                "test_accuracy": (*_NUMBER, type(None)), "test_loss": (*_NUMBER, type(None)), "settings": dict,
                "updated": (*_NUMBER, type(None))}
_KIND_WORDS = {"name": "text", "created": "a time in seconds", "epochs": "a whole number", "stopped": "text",
               "train_accuracy": "a number", "test_accuracy": "a number", "test_loss": "a number",
               "settings": "a table of settings", "updated": "a time in seconds"}


def _what(value) -> str:
    """A value as a person reads it in a message: its kind, never a Python repr of an object."""
    if isinstance(value, str):
        return f"the text {value[:30]!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return {list: "a list", dict: "a table", type(None): "empty"}.get(type(value), "of an unknown kind")


@dataclass(frozen=True)
class Damaged:
    """A folder of the runs directory that cannot be read as a run: listed, never in the way."""

    folder: str
    problem: str

    def __str__(self) -> str:
        return f"{self.folder}: {self.problem}"


class RunStore:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_runs_dir()

    def new_id(self, dataset: str) -> str:
        return f"{time.strftime('%Y%m%d-%H%M%S')}-{dataset}-{secrets.token_hex(2)}"

    def save(self, session, outcome, run_id: str | None = None, name: str | None = None,
             data: dict | None = None) -> RunSummary:
        """Write (or replace) a run from a session and how its training ended; its summary. `data` is the
        run's exports.results(), when the caller made it already."""
        from .checkpoint import save_checkpoint
        from .exports import json_safe, results

        old = self._readable(run_id) if run_id is not None else None
        run_id = run_id or self.new_id(session.settings.dataset)
        if not name:
            name = old.name if old else self._unused_name(default_name(session.settings))
        run = {"format": FORMAT, "version": VERSION, "id": run_id, "name": name,
               "created": old.created if old else time.time(), "updated": time.time(),
               **(data or results(session, outcome))}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.root)
            building = self.root / (temporary_name(run_id) + ".tmp")
            building.mkdir()
        except OSError as error:
            raise FileProblem(str(self.root), f"cannot hold runs: {why_not_writable(error)}") from None
        try:
            run = json_safe(run)
            summary = RunSummary.from_run(run)
            with open(building / RUN_FILE, "w", encoding="utf-8") as handle:
                # compact and in one piece: json.dump, or any indent, takes json's pure-Python encoder, several
                # times slower on a long history (quitting keeps the run: it must be quick)
                handle.write(json.dumps(run, separators=(",", ":"), allow_nan=False))
            with open(building / SUMMARY_FILE, "w", encoding="utf-8") as handle:
                json.dump(summary.as_dict(), handle, indent=1, allow_nan=False)
            save_checkpoint(session, building / CHECKPOINT_FILE)
            self._put(building, self.root / run_id)
        except OSError as error:
            shutil.rmtree(building, ignore_errors=True)
            raise FileProblem(str(self.root / run_id), f"the run cannot be kept: {why_not_writable(error)}") from None
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        return summary

    def keep(self, session, final: dict | None = None, run_id: str | None = None,
             replaces: str | None = None) -> RunSummary:
        """Keep the session's last run: as `run_id` (the run it continues), else in place of `replaces` (the run
        it was reset from: the same settings trained again) when that one has no name a person gave it and
        is no further trained than this one, else as a new run."""
        from .exports import results

        name = None
        old = self._readable(replaces) if run_id is None and replaces is not None else None
        if old is not None and not named_by_user(old.name, old.settings) and old.epochs <= session.history.epoch:
            run_id, name = replaces, self._unused_name(default_name(session.settings), but=replaces)
        return self.save(session, session.outcome, run_id=run_id, name=name,
                         data=results(session, session.outcome, final))

    def _readable(self, run_id: str) -> RunSummary | None:
        """The run's summary, or None when it is gone or damaged (a new run is kept all the same)."""
        try:
            return self.summary(run_id)
        except FileProblem:
            return None

    def _unused_name(self, name: str, but: str | None = None) -> str:
        """`name`, or `name #2`, `#3`... when runs of the same settings are kept already (but the run `but`)."""
        taken = {r.name for r in self.summaries()[0] if r.id != but}
        n = 1
        candidate = name
        while candidate in taken:
            n += 1
            candidate = f"{name} #{n}"
        return candidate

    @staticmethod
    def _put(building: Path, place: Path) -> None:
        if place.exists():  # the old folder leaves by a rename too: there is always one whole run
            retired = place.with_name(temporary_name(place.name) + ".old")
            os.replace(place, retired)
            os.replace(building, place)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(building, place)

    def summaries(self) -> tuple[list[RunSummary], list[Damaged]]:
        """The runs, oldest first, and each folder that cannot be read as one (what is wrong with it)."""
        runs, damaged = [], []
        try:
            folders = sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:  # no runs directory yet, or one that cannot be read: no runs
            return runs, damaged
        for folder in folders:
            try:
                runs.append(self.summary(folder.name))
            except FileProblem as error:  # "is not valid JSON": of which file
                sentence = error.problem.startswith(("is ", "cannot "))
                damaged.append(Damaged(folder.name, f"{SUMMARY_FILE} {error.problem}" if sentence else error.problem))
        runs.sort(key=lambda r: (r.created, r.id))
        return runs, damaged

    def summary(self, run_id: str) -> RunSummary:
        try:
            return RunSummary.from_dict(self._read(self.root / run_id / SUMMARY_FILE), run_id)
        except ValueError as error:
            raise FileProblem(str(self.root / run_id), str(error)) from None

    def load(self, run_id: str) -> dict:
        """Everything kept of a run: settings, history, marks, final metrics."""
        return self._read(self.root / run_id / RUN_FILE)

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            with open(path, encoding="utf-8") as handle:
                run = json.load(handle)
        except FileNotFoundError:
            raise FileProblem(str(path), f"no {path.name}: not a whole run") from None
        except OSError as error:
            raise FileProblem(str(path), f"cannot be read: {error.strerror or error}") from None
        except ValueError as error:
            raise FileProblem(str(path), f"is not valid JSON ({error})") from None
        if not isinstance(run, dict) or run.get("format") != FORMAT or run.get("version") != VERSION:
            raise FileProblem(str(path), "is not a run of this program's version")
        return run

    def rename(self, run_id: str, name: str) -> RunSummary:
        from .atomic import write_text

        name = name.strip()
        if not name:
            raise FileProblem(run_id, "a run needs a name")
        run = self.load(run_id)
        run["name"] = name
        summary = dataclasses.replace(self.summary(run_id), name=name)
        write_text(self.root / run_id / RUN_FILE, json.dumps(run, indent=1))
        write_text(self.root / run_id / SUMMARY_FILE, json.dumps(summary.as_dict(), indent=1))
        return summary

    def delete(self, run_id: str) -> None:
        """Remove a run's folder (a damaged one too)."""
        place = self.root / run_id
        if not run_id or run_id.startswith(".") or "/" in run_id or not place.is_dir():
            raise FileProblem(str(place), "no such run")
        retired = place.with_name(temporary_name(place.name) + ".old")
        os.replace(place, retired)  # gone from the list at once, even if removing the files is slow
        shutil.rmtree(retired, ignore_errors=True)

    def reopen(self, run_id: str, changes: dict | None = None):
        """A training session with the run's model, optimiser state and history, ready to continue."""
        from .checkpoint import load_checkpoint

        return load_checkpoint(self.root / run_id / CHECKPOINT_FILE, changes)
