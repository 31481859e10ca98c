"""The runs catalog: one SQLite row per kept run, in `<runs dir>/index.sqlite`, so that listing thousands of
runs is one query instead of one JSON file per run.

The index is a cache of the run folders, never the only copy of anything: every field of a row is in the
folder's summary.json too. So whatever goes wrong with it costs time, not runs: a folder it does not know
(copied in, kept by an earlier version, or kept while the index could not be written) is read and added
when the runs are listed; a row whose folder is gone is dropped; a file that is not a database (or a
schema of an earlier version) is rebuilt from the folders; and a runs directory where it cannot be used at
all (read-only, or an index of a later version) is listed by reading the folders, as before it existed.

WAL mode lets one process write while others read; a writer waits for another (`timeout`) rather than
failing, and every change is one transaction, so two processes keeping runs at once lose nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from .atomic import temporary_name
from .errors import FileProblem
from .run_summary import Damaged, RunSummary

INDEX_FILE = "index.sqlite"
SCHEMA_VERSION = 2  # PRAGMA user_version; an index of an earlier one is rebuilt from the folders
WAIT_S = 30  # how long a writer waits for another process's transaction
BUSY_TRIES = 20  # tries of a change that found the index busy in a way that does not wait (its making)

_COLUMNS = ("id", "folder", "stamp", "name", "sweep_id", "sweep_name", "created", "updated", "settings",
            "train_accuracy", "test_accuracy", "test_loss", "epochs", "stopped")
_SCHEMA = """
CREATE TABLE runs (
    id TEXT PRIMARY KEY,       -- the folder's name: a copied folder is a run of its own
    folder TEXT NOT NULL,
    stamp TEXT,                -- the folder's inode and its summary's time and size, when indexed: a folder
                               -- replaced, or a summary edited, behind the index's back is read again
    name TEXT NOT NULL,
    sweep_id TEXT,
    sweep_name TEXT,
    created REAL NOT NULL,
    updated REAL,
    settings TEXT NOT NULL,    -- JSON, flat as in TOML
    train_accuracy REAL,
    test_accuracy REAL,
    test_loss REAL,
    epochs INTEGER NOT NULL,
    stopped TEXT NOT NULL
);
CREATE INDEX runs_by_sweep ON runs (sweep_id);
CREATE TABLE catalog (generation INTEGER NOT NULL);  -- one more with every change: a listing unchanged is not read again
INSERT INTO catalog VALUES (0);
"""
_BUMP = "UPDATE catalog SET generation = generation + 1"
T = TypeVar("T")
_PUT = f"INSERT OR REPLACE INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


class Unusable(Exception):
    """The index cannot serve this runs directory (read-only, of a later version, locked too long)."""


def _row(summary: RunSummary, stamp: str | None) -> tuple:
    s = summary
    return (s.id, s.id, stamp, s.name, s.sweep_id, s.sweep_name, s.created, s.updated,
            json.dumps(s.settings, separators=(",", ":")), s.train_accuracy, s.test_accuracy, s.test_loss,
            s.epochs, s.stopped)


def _storable(row: tuple) -> bool:
    """Whether SQLite can hold the row's text: a name made from a file name of bytes that are not UTF-8 (held
    as surrogates) cannot be; such a run is read from its folder each time instead."""
    try:
        for value in row:
            if isinstance(value, str):
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _summary(row: tuple) -> RunSummary | None:
    """The run of a row, checked as its summary.json is; None for a row that cannot be one (written by
    hand, say: settings that are not JSON, epochs that are text), whose folder is then read again."""
    (run_id, _, _, name, sweep_id, sweep_name, created, updated, settings, train_accuracy, test_accuracy,
     test_loss, epochs, stopped) = row
    try:
        values = {"name": name, "created": created, "epochs": epochs, "stopped": stopped,
                  "train_accuracy": train_accuracy, "test_accuracy": test_accuracy, "test_loss": test_loss,
                  "settings": json.loads(settings), "updated": updated, "sweep_id": sweep_id,
                  "sweep_name": sweep_name}
        return RunSummary.from_dict(values, run_id)
    except (ValueError, TypeError, RecursionError):  # json.loads of a number, of text nested too deeply
        return None


def _busy(error: sqlite3.DatabaseError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or \
        "locked" in str(error)


def _corrupt(error: sqlite3.DatabaseError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


@dataclass(frozen=True)
class _Listed:
    """The last listing, as the index's generation and the folders were."""

    generation: int
    folders: dict
    runs: list
    damaged: list


class RunsIndex:
    def __init__(self, root: Path):
        self.root = root
        self.path = root / INDEX_FILE
        self._last: _Listed | None = None  # listing again with nothing changed reads no row

    def _use(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """`action` on an open index of this schema (made, or rebuilt, if need be); Unusable when there can
        be none."""
        discarded = False
        for attempt in range(BUSY_TRIES):
            try:
                with closing(self._open()) as connection:
                    return action(connection)
            except sqlite3.DatabaseError as error:  # sqlite3.OperationalError (locked, read-only) among them
                if not discarded and _corrupt(error):
                    discarded = True
                    self._discard()  # not a database: an empty one takes its place, filled from the folders
                    continue
                if _busy(error) and attempt < BUSY_TRIES - 1:
                    # two processes making the index at once: switching it to WAL does not wait for the other
                    # as a transaction does, it fails at once; a moment later it is made
                    time.sleep(0.02 * (attempt + 1))
                    continue
                raise Unusable(str(error)) from None
        raise AssertionError("unreachable")

    def _open(self) -> sqlite3.Connection:
        # isolation_level None: no implicit transactions, each change below says where its own begins
        connection = sqlite3.connect(self.path, timeout=WAIT_S, isolation_level=None)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                self._make_schema(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _make_schema(connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA journal_mode=WAL")  # kept in the file: set once
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            if version > SCHEMA_VERSION:
                raise Unusable(f"{INDEX_FILE} is of a later version of this program")
            if version < SCHEMA_VERSION:
                connection.execute("DROP TABLE IF EXISTS runs")  # a cache: the folders fill the new one
                connection.execute("DROP TABLE IF EXISTS catalog")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _discard(self) -> None:
        """Move the broken index (and its write-ahead log) aside and remove it."""
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{self.path}{suffix}")
            aside = path.with_name(temporary_name(path.name) + ".old")
            try:
                os.replace(path, aside)
                os.unlink(aside)
            except OSError:
                pass  # not there, or another process moved it first

    def put(self, summary: RunSummary, stamp: str | None) -> None:
        """Add or replace a run's row, in one transaction; Unusable if it cannot be written (the next listing
        reads the folder instead)."""
        row = _row(summary, stamp)
        if not _storable(row):
            raise Unusable("text that is not UTF-8")
        self._use(lambda connection: _transaction(connection, _PUT, [row], _BUMP, [()]))

    def drop(self, run_id: str) -> None:
        self._use(lambda connection: _transaction(connection, "DELETE FROM runs WHERE id = ?", [(run_id,)],
                                                  _BUMP, [()]))

    def names(self) -> dict[str, str]:
        """The indexed runs' names, by id."""
        return self._use(lambda connection: dict(connection.execute("SELECT id, name FROM runs")))

    def listing(self, folders: dict[str, str], read: Callable[[str], RunSummary]) -> tuple[list, list]:
        """The runs of `folders` (each folder's name → its stamp: see RunStore._entries) and those
        that cannot be read: the index's rows, brought up to date first. Only a folder the index does not
        know as it is now is read (`read`, which raises FileProblem for a damaged one). Unusable when the
        index cannot serve (the caller reads every folder then)."""
        return self._use(lambda connection: self._listing(connection, folders, read))

    def _listing(self, connection: sqlite3.Connection, folders: dict[str, str], read) -> tuple[list, list]:
        # read before the rows: a change made in between makes the next listing read them again
        (generation,) = connection.execute("SELECT generation FROM catalog").fetchone()
        last = self._last
        if last is not None and last.generation == generation and last.folders == folders:
            mended, damaged = read_folders([d.folder for d in last.damaged], read)  # fixed in place, perhaps
            if not mended:
                return list(last.runs), damaged
        known = {row[0]: row for row in connection.execute(f"SELECT {', '.join(_COLUMNS)} FROM runs")}
        # a row whose folder the listing did not see may be of a run another process kept since the listing:
        # it is dropped only when its folder is still not there
        gone = [(run_id, row[2]) for run_id, row in known.items()
                if run_id not in folders and not (self.root / run_id).exists()]
        rows = {run_id: _summary(row) for run_id, row in known.items() if run_id in folders}
        unknown = [f for f, stamp in folders.items() if f not in known or known[f][2] != stamp or rows[f] is None]
        found, damaged = read_folders(unknown, read)
        # a row is dropped only as it was seen: a run kept again meanwhile has a new folder, and its row stays
        rows_found = [row for row in (_row(s, folders[s.id]) for s in found) if _storable(row)]
        changes = [("DELETE FROM runs WHERE id = ? AND stamp IS ?", gone), (_PUT, rows_found)]
        _transaction(connection, *(part for pair in changes for part in pair), _BUMP, [()] if gone or rows_found else [])
        again = set(unknown)
        runs = [run for run_id, run in rows.items() if run_id not in again]
        runs += found
        # after a change of its own, another process's may have come between the rows read and the generation
        self._last = None if gone or rows_found else _Listed(generation, dict(folders), runs, damaged)
        return list(runs), damaged


def _transaction(connection: sqlite3.Connection, *statements) -> None:
    """(statement, rows) pairs, each statement run for each of its rows, all in one transaction (none begun
    when there is nothing to do)."""
    pairs = [(statements[i], statements[i + 1]) for i in range(0, len(statements), 2)]
    if not any(rows for _, rows in pairs):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement, rows in pairs:
            connection.executemany(statement, rows)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def read_folders(folders, read: Callable[[str], RunSummary]) -> tuple[list[RunSummary], list[Damaged]]:
    """Each folder's summary, or what is wrong with it."""
    runs, damaged = [], []
    for folder in folders:
        try:
            runs.append(read(folder))
        except FileProblem as error:
            damaged.append(Damaged.of(folder, error))
    return runs, damaged
