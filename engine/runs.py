"""Kept runs: each training run's settings, history, final metrics and model, in a runs directory.

A run is one folder, `<runs dir>/<id>/`, holding `summary.json` (one line of the runs list: a long run's
history would make listing a hundred runs slow), `run.json` (everything, for the compare view) and
`checkpoint.pt` (to reopen and continue it). A folder is written beside its place and renamed into it,
so a run on disk is always whole; saving a run again (after continuing it) replaces it the same way.
Beside the folders, `index.sqlite` holds one row per run (engine/runs_index.py): the runs list is read from
it, and a run's row is written once its folder is in place.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # not POSIX: runs kept by two processes at once may share a name
    fcntl = None

from .atomic import folder_problem, remove_leftovers, temporary_name, why_not_writable
from .errors import FileProblem
from .run_summary import CHECKPOINT_FILE, FORMAT, RUN_FILE, SUMMARY_FILE, VERSION, Damaged, RunSummary
from .runs_index import RunsIndex, Unusable, read_folders

__all__ = ["CHECKPOINT_FILE", "FORMAT", "RUN_FILE", "SUMMARY_FILE", "VERSION", "Damaged", "RunStore", "RunSummary",
           "default_name", "default_runs_dir", "named_by_user"]

LOCK_FILE = ".keeping.lock"  # held while a run is kept (a dot: no listing shows it)



def default_runs_dir() -> Path:
    """The user's data directory (XDG_DATA_HOME, else ~/.local/share) / annclf-tui / runs."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "annclf-tui" / "runs"


def default_name(settings, seeds: tuple[str, ...] = ()) -> str:
    """The settings that tell runs apart at a glance; `seeds`: those a sweep varies, each with its value."""
    hidden = ",".join(map(str, settings.hidden)) or "none"
    data = Path(settings.csv).name if settings.dataset == "csv" and settings.csv else settings.dataset
    named = "".join(f" {name.replace('_', ' ')} {getattr(settings, name)}" for name in seeds)
    return f"{data} {hidden} {settings.activation} {settings.optimizer} lr {settings.lr:g}{named}"


def named_by_user(name: str, settings: dict) -> bool:
    """Whether a person gave the run its name (the program names a run after its settings, with #2, #3...
    for repeats); True when the settings are of a version this one no longer reads."""
    from .errors import AnnclfError
    from .schema import from_values

    try:
        default = default_name(from_values({k: v for k, v in settings.items() if v is not None}))
    except AnnclfError:
        return True
    return re.fullmatch(re.escape(default) + r"( (data |init |shuffle )?seed \d+)*( #\d+)?", name) is None


def _stamp(folder: str | os.PathLike, inode: int) -> str:
    """What tells the index that a run's folder is as it was indexed: the folder's inode (a run kept again is
    a new folder) and its summary's modification time and size (one edited in place, by hand or by a tool).
    One stat a run, about 4 µs: 40 ms of a listing of 10,000."""
    try:
        summary = os.stat(os.path.join(folder, SUMMARY_FILE))
    except OSError:  # not there, or not readable: the folder is read, and said to be damaged
        return f"{inode}:-"
    return f"{inode}:{summary.st_mtime_ns}:{summary.st_size}"


def _link_words(entry: os.DirEntry) -> str:
    """What a link among the runs' folders points to that is not a folder, in words."""
    from .runs_index import INDEX_FILE

    link = f"a link to {os.readlink(entry.path)}"
    if not os.path.exists(entry.path):
        return f"{link}, which is not there"
    if entry.name == INDEX_FILE:
        return f"{link}, not a runs index: the runs are read from their folders"
    return f"{link}, which is not a folder"


class RunStore:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_runs_dir()
        self.index = RunsIndex(self.root)
        self._keeping, self._depth = threading.RLock(), 0  # see _one_at_a_time

    def check_writable(self) -> None:
        """FileProblem now, before anything trains, if this directory cannot hold runs (a file in its place, a
        read-only folder): a run found unkeepable only once it has trained is time lost. Nothing is made."""
        if self.root.exists() and not self.root.is_dir():
            raise FileProblem(str(self.root), "is a file, not a folder; give a folder to keep the runs in")
        if self.root.is_symlink() and not self.root.exists():
            raise FileProblem(str(self.root), "is a link to nothing (or a loop of links); give a folder")
        problem = folder_problem(self.root)
        if problem:
            raise FileProblem(str(self.root), f"cannot hold runs: {problem}")

    def new_id(self, dataset: str) -> str:
        while True:  # two processes keeping runs in the same second: each its own folder (four hex digits
            # collided now and then when two processes kept twenty runs each in one second)
            run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{dataset}-{secrets.token_hex(4)}"
            if not (self.root / run_id).exists():
                return run_id

    @contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        """Runs kept one at a time, in this process and in every other keeping runs here, from the choice of a
        name to the index's row: two runs of the same settings kept at once would otherwise take one name."""
        with self._keeping:
            self._depth += 1
            handle = None
            try:
                if self._depth == 1 and fcntl is not None:
                    try:
                        self.root.mkdir(parents=True, exist_ok=True)
                        handle = open(self.root / LOCK_FILE, "a")
                        fcntl.flock(handle, fcntl.LOCK_EX)
                    except OSError:  # a read-only runs directory: nothing is kept there anyway (said by save)
                        handle = None
                yield
            finally:
                self._depth -= 1
                if handle is not None:
                    handle.close()  # the lock goes with it

    def save(self, session, outcome, run_id: str | None = None, name: str | None = None,
             data: dict | None = None, sweep: tuple[str, str] | None = None,
             seeds: tuple[str, ...] = ()) -> RunSummary:
        """Write (or replace) a run from a session and how its training ended, then its row of the index; its
        summary. `data` is the run's exports.results(), when the caller made it already; `sweep` the (id,
        name) of the sweep that trained it (a run kept again keeps its sweep)."""
        with self._one_at_a_time():
            return self._save(session, outcome, run_id, name, data, sweep, seeds)

    def _save(self, session, outcome, run_id, name, data, sweep, seeds) -> RunSummary:
        from .checkpoint import save_checkpoint
        from .exports import json_safe, results

        old = self._readable(run_id) if run_id is not None else None
        run_id = run_id or self.new_id(session.settings.dataset)
        if not name:
            name = old.name if old else self._unused_name(default_name(session.settings, seeds))
        if sweep is None and old is not None and old.sweep_id is not None:
            sweep = (old.sweep_id, old.sweep_name)
        tag = {} if sweep is None else {"sweep_id": sweep[0], "sweep_name": sweep[1]}
        run = {"format": FORMAT, "version": VERSION, "id": run_id, "name": name, **tag,
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
        except FileProblem as error:  # a file of the run (its checkpoint) could not be written: named as the run
            shutil.rmtree(building, ignore_errors=True)
            reason = error.problem.removeprefix("cannot be written: ")
            raise FileProblem(str(self.root / run_id), f"the run cannot be kept: {reason}") from None
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._index_row(summary)
        return summary

    def keep(self, session, final: dict | None = None, run_id: str | None = None,
             replaces: str | None = None, sweep: tuple[str, str] | None = None) -> RunSummary:
        """Keep the session's last run: as `run_id` (the run it continues), else in place of `replaces` (the run
        it was reset from: the same settings trained again) when that one has no name a person gave it and
        is no further trained than this one, else as a new run. `sweep`: (sweep id, sweep name), the sweep
        that trained it."""
        with self._one_at_a_time():
            return self._keep(session, final, run_id, replaces, sweep)

    def _keep(self, session, final, run_id, replaces, sweep) -> RunSummary:
        from .exports import results

        name = None
        old = self._readable(replaces) if run_id is None and replaces is not None else None
        if old is not None and not named_by_user(old.name, old.settings) and old.epochs <= session.history.epoch:
            run_id, name = replaces, self._unused_name(default_name(session.settings), but=replaces)
        return self.save(session, session.outcome, run_id=run_id, name=name,
                         data=results(session, session.outcome, final), sweep=sweep)

    def _index_row(self, summary: RunSummary) -> None:
        """The run's row in the index, as its folder is now."""
        try:
            folder = self.root / summary.id
            self.index.put(summary, _stamp(folder, os.stat(folder).st_ino))
        except (Unusable, OSError):
            pass  # the run is on disk all the same: the next listing reads its folder and indexes it

    def _readable(self, run_id: str) -> RunSummary | None:
        """The run's summary, or None when it is gone or damaged (a new run is kept all the same)."""
        try:
            return self.summary(run_id)
        except FileProblem:
            return None

    def _folder_names(self) -> set[str]:
        try:
            with os.scandir(self.root) as entries:
                return {e.name for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)}
        except OSError:
            return set()

    def _unused_name(self, name: str, but: str | None = None) -> str:
        """`name`, or `name #2`, `#3`... when runs of the same settings are kept already (but the run `but`)."""
        if not self.index.path.exists():  # a runs directory of an earlier version: indexed first
            self.summaries()
        try:
            named = self.index.names()
        except Unusable:
            named = {r.id: r.name for r in self.summaries()[0]}
        # a run the index missed (its row could not be written: a full disk) still has its name
        for folder in self._folder_names() - named.keys():
            try:
                named[folder] = self.summary(folder).name
            except FileProblem:
                pass
        taken = {name for run_id, name in named.items() if run_id != but}
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
        """The runs, newest first (as every listing shows them), and each folder that cannot be read as one (what is wrong with it), sorted.
        One directory listing and one query of the index; only folders the index does not know (a new
        index, a folder copied in) are read."""
        try:
            folders, unreadable = self._entries()
        except FileNotFoundError:  # no runs directory yet: no runs
            return [], []
        except OSError as error:  # one that cannot be read hides its runs: said, never "no runs"
            raise FileProblem(str(self.root), f"cannot be read: {error.strerror or error}") from None
        try:
            runs, damaged = self.index.listing(folders, self._folder)
        except Unusable:  # a read-only runs directory, say: every folder is read, as before the index
            runs, damaged = read_folders(folders, self._folder)
        damaged = damaged + unreadable  # a new list: the index keeps the one it gave
        runs.sort(key=lambda r: (r.created, r.id), reverse=True)
        damaged.sort(key=lambda d: d.folder)
        return runs, damaged

    def _entries(self) -> tuple[dict[str, str], list[Damaged]]:
        """The folders of the runs directory (each name → its stamp: see `_stamp`; no file of a run is opened),
        and the entries that cannot be looked at (a symlink loop, a link to nothing, one the user may not
        read): each is listed as damaged and stops nothing. OSError if the directory itself cannot be
        listed."""
        folders, unreadable = {}, []
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        folders[entry.name] = _stamp(entry.path, entry.inode())
                    elif entry.is_symlink():  # a link to nothing (a run folder moved away), or to a file
                        unreadable.append(Damaged(entry.name, _link_words(entry)))
                except OSError as error:  # a symlink loop (ELOOP), a folder of another user, ...
                    unreadable.append(Damaged(entry.name, f"cannot be read: {error.strerror or error}"))
        return folders, unreadable

    def _folder(self, folder: str) -> RunSummary:
        """The summary of a folder not indexed yet; FileProblem if it is not a whole run."""
        summary = self.summary(folder)
        for name in (RUN_FILE, CHECKPOINT_FILE):
            if not (self.root / folder / name).is_file():
                raise FileProblem(str(self.root / folder / name), f"no {name}: not a whole run")
        return summary

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
            # opened without waiting (a FIFO would hold the listing forever), then refused unless a plain file
            # (a FIFO, a device such as /dev/zero: endless)
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with open(descriptor, encoding="utf-8") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise FileProblem(str(path), "is not a plain file")
                run = json.load(handle)
        except FileNotFoundError:
            raise FileProblem(str(path), f"no {path.name}: not a whole run") from None
        except OSError as error:
            raise FileProblem(str(path), f"cannot be read: {error.strerror or error}") from None
        except ValueError as error:
            why = "a whole number of thousands of digits" if "integer string conversion" in str(error) else error
            raise FileProblem(str(path), f"is not valid JSON ({why})") from None
        except RecursionError:
            raise FileProblem(str(path), "is not a run: its JSON is nested too deeply") from None
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
        self._index_row(summary)
        return summary

    def delete(self, run_id: str) -> None:
        """Remove a run's folder (a damaged one too)."""
        place = self.root / run_id
        if run_id and not run_id.startswith(".") and "/" not in run_id and place.is_symlink():
            try:  # a damaged entry that is a link (to nothing, to itself): the link goes, never its target
                place.unlink()
            except OSError as error:
                raise FileProblem(str(place), f"cannot be removed: {error.strerror or error}") from None
            self._drop_row(run_id)
            return
        if not run_id or run_id.startswith(".") or "/" in run_id or not place.is_dir():
            raise FileProblem(str(place), "no such run")
        retired = place.with_name(temporary_name(place.name) + ".old")
        os.replace(place, retired)  # gone from the list at once, even if removing the files is slow
        self._drop_row(run_id)
        shutil.rmtree(retired, ignore_errors=True)

    def _drop_row(self, run_id: str) -> None:
        try:
            self.index.drop(run_id)
        except Unusable:
            pass  # the next listing drops the row of a folder that is gone

    def reopen(self, run_id: str, changes: dict | None = None):
        """A training session with the run's model, optimiser state and history, ready to continue."""
        from .checkpoint import load_checkpoint

        return load_checkpoint(self.root / run_id / CHECKPOINT_FILE, changes)
