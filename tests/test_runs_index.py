"""The runs catalog: an SQLite index beside the run folders, which the listing answers from and which follows
the folders (copied in, removed, damaged, an index that is not a database), and two processes keeping runs
at once."""

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from engine import TrainingSession
from engine.runs import RunStore
from engine.runs_index import INDEX_FILE, SCHEMA_VERSION


@pytest.fixture
def session(small):
    session = TrainingSession(small.replace(epochs=3))
    session.run()
    return session


def indexed_ids(root) -> list[str]:
    with sqlite3.connect(root / INDEX_FILE) as connection:
        return sorted(run_id for (run_id,) in connection.execute("SELECT id FROM runs"))


def test_a_runs_directory_without_an_index_is_indexed_when_first_listed_then_listed_without_reading_the_runs(
        session, tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    kept = [store.keep(session) for _ in range(3)]
    for suffix in ("", "-wal", "-shm"):  # as a runs directory of an earlier version has it
        (tmp_path / f"{INDEX_FILE}{suffix}").unlink(missing_ok=True)
    for run in kept:  # an earlier version's summary: no sweep fields
        path = tmp_path / run.id / "summary.json"
        summary = json.loads(path.read_text())
        del summary["sweep_id"], summary["sweep_name"]
        path.write_text(json.dumps(summary))
    opened = RunStore(tmp_path)
    runs, damaged = opened.summaries()
    assert [r.id for r in runs] == [r.id for r in reversed(kept)] and not damaged  # newest first
    assert all(r.sweep_id is None and r.sweep_name is None for r in runs)
    assert indexed_ids(tmp_path) == sorted(r.id for r in kept)
    monkeypatch.setattr(RunStore, "summary", lambda *a: pytest.fail("a run's file was read to list it"))
    assert RunStore(tmp_path).summaries() == (runs, [])


def test_a_folder_copied_in_appears_and_one_removed_disappears(session, tmp_path):
    store = RunStore(tmp_path)
    first, second = store.keep(session), store.keep(session)
    store.summaries()
    shutil.copytree(tmp_path / first.id, tmp_path / "a-copy")  # the same id inside: a run of its own
    shutil.rmtree(tmp_path / second.id)
    runs, damaged = store.summaries()
    assert sorted(r.id for r in runs) == sorted([first.id, "a-copy"]) and not damaged
    assert indexed_ids(tmp_path) == sorted([first.id, "a-copy"])


def test_a_folder_with_missing_or_broken_files_is_listed_as_damaged(session, tmp_path):
    store = RunStore(tmp_path)
    good = store.keep(session)
    for name, remove in (("no-checkpoint", "checkpoint.pt"), ("no-run", "run.json")):
        shutil.copytree(tmp_path / good.id, tmp_path / name)
        (tmp_path / name / remove).unlink()
    (tmp_path / "not-json").mkdir()
    (tmp_path / "not-json" / "summary.json").write_text("{not json")
    runs, damaged = store.summaries()
    assert [r.id for r in runs] == [good.id]
    assert [(d.folder, d.problem.split(":")[0].split(" (")[0]) for d in damaged] == [
        ("no-checkpoint", "no checkpoint.pt"), ("no-run", "no run.json"), ("not-json", "summary.json is not valid JSON")]
    (tmp_path / "not-json" / "summary.json").write_text((tmp_path / good.id / "summary.json").read_text())
    shutil.copy(tmp_path / good.id / "run.json", tmp_path / "not-json")
    shutil.copy(tmp_path / good.id / "checkpoint.pt", tmp_path / "not-json")
    runs, damaged = store.summaries()  # mended in place: a run again
    assert sorted(r.id for r in runs) == sorted([good.id, "not-json"]) and len(damaged) == 2


def test_an_index_that_is_not_a_database_is_rebuilt_from_the_folders(session, tmp_path):
    store = RunStore(tmp_path)
    kept = [store.keep(session) for _ in range(2)]
    (tmp_path / INDEX_FILE).write_bytes(b"this is not an SQLite database, whatever it was" * 100)
    runs, damaged = RunStore(tmp_path).summaries()
    assert [r.id for r in runs] == [r.id for r in reversed(kept)] and not damaged  # newest first
    with sqlite3.connect(tmp_path / INDEX_FILE) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert indexed_ids(tmp_path) == sorted(r.id for r in kept)


def test_a_sweep_tag_is_kept_with_the_run_listed_and_kept_when_the_run_is_continued(session, tmp_path):
    store = RunStore(tmp_path)
    tagged = store.keep(session, None, None, None, sweep=("sweep-1", "lr over 3 values"))
    plain = store.keep(session)
    assert (tagged.sweep_id, tagged.sweep_name) == ("sweep-1", "lr over 3 values")
    assert json.loads((tmp_path / tagged.id / "summary.json").read_text())["sweep_name"] == "lr over 3 values"
    assert store.load(tagged.id)["sweep_id"] == "sweep-1"
    runs = {r.id: r for r in RunStore(tmp_path).summaries()[0]}
    assert (runs[tagged.id].sweep_id, runs[tagged.id].sweep_name) == ("sweep-1", "lr over 3 values")
    assert runs[plain.id].sweep_id is None and runs[plain.id].sweep_name is None
    session.change(epochs=6)
    session.run()
    again = store.keep(session, run_id=tagged.id)  # continued: still the sweep's
    assert again.epochs == 6 and again.sweep_id == "sweep-1"
    assert {r.id: r.sweep_id for r in store.summaries()[0]}[tagged.id] == "sweep-1"


def test_rename_and_delete_are_in_the_listing_of_another_store_at_once(session, tmp_path):
    store, other = RunStore(tmp_path), RunStore(tmp_path)
    kept, gone = store.keep(session), store.keep(session)
    assert len(other.summaries()[0]) == 2
    store.rename(kept.id, "mine")
    store.delete(gone.id)
    runs, _ = other.summaries()
    assert [(r.id, r.name) for r in runs] == [(kept.id, "mine")]
    assert indexed_ids(tmp_path) == [kept.id]


KEEPER = """
import sys
from engine import Settings, TrainingSession
from engine.runs import RunStore

session = TrainingSession(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"))
session.run()
store = RunStore(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # both processes go at once
for n in range(int(sys.argv[2])):
    store.keep(session, sweep=(sys.argv[3], f"process {sys.argv[3]}"))
print("done", flush=True)
"""


@pytest.mark.slow
def test_two_processes_keeping_runs_at_once_lose_none(tmp_path):
    runs_dir = tmp_path / "runs"
    keepers = [subprocess.Popen([sys.executable, "-c", KEEPER, str(runs_dir), "20", tag], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for keeper in keepers:
        assert keeper.stdout.readline().strip() == "ready"
    for keeper in keepers:
        keeper.stdin.write("go\n")
        keeper.stdin.flush()
    for keeper in keepers:
        out, _ = keeper.communicate(timeout=300)
        assert keeper.returncode == 0 and out.strip() == "done"
    assert len(indexed_ids(runs_dir)) == 40  # every row written by its process, none found later
    runs, damaged = RunStore(runs_dir).summaries()
    assert len(runs) == 40 and len({r.id for r in runs}) == 40 and not damaged
    assert sorted(r.sweep_id for r in runs) == ["a"] * 20 + ["b"] * 20


def _put_at_once(root, barrier, tag):
    from engine.run_summary import RunSummary
    from engine.runs_index import RunsIndex

    summary = RunSummary(id=f"run-{tag}", name=tag, created=1.0, epochs=1, stopped="completed", train_accuracy=0.5,
                         test_accuracy=0.5, test_loss=0.7, settings={"dataset": "circles"})
    index = RunsIndex(root)
    barrier.wait()
    index.put(summary, 1)  # Unusable (the exit code says) if the other's making of the index shut it out


def test_two_processes_making_the_index_at_once_both_write_their_row(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for attempt in range(10):  # the making of a new index is the moment they meet: each time a new one
        root = tmp_path / f"runs-{attempt}"
        root.mkdir()
        barrier = context.Barrier(2)
        workers = [context.Process(target=_put_at_once, args=(root, barrier, tag)) for tag in "ab"]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0, 0]
        assert indexed_ids(root) == ["run-a", "run-b"]
