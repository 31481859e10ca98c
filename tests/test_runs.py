"""Kept runs: saved whole, listed, reopened to continue, renamed and deleted."""

import json

import pytest

from engine import FileProblem, TrainingSession
from engine.runs import LOCK_FILE, RunStore, default_runs_dir


def trained(settings):
    session = TrainingSession(settings)
    return session, session.run()


def test_the_default_runs_dir_is_in_the_users_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_runs_dir() == tmp_path / "annclf-tui" / "runs"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert str(default_runs_dir()).endswith(".local/share/annclf-tui/runs")


def test_a_saved_run_is_listed_with_its_final_metrics_and_reopens_where_it_ended(small, tmp_path):
    store = RunStore(tmp_path / "runs")
    session, outcome = trained(small)
    summary = store.save(session, outcome)
    runs, problems = store.summaries()
    assert runs == [summary] and problems == []
    assert summary.epochs == small.epochs and summary.stopped == "completed"
    assert summary.test_accuracy == pytest.approx(session.evaluate()["test"].accuracy)
    assert summary.name.startswith("circles 8 relu adam")
    run = store.load(summary.id)
    assert len(run["history"]) == small.epochs and run["settings"]["hidden"] == [8]

    again = store.reopen(summary.id, {"epochs": small.epochs + 5})
    assert again.history.epoch == small.epochs
    again.run()
    assert again.history.epoch == small.epochs + 5
    assert again.history.records[:small.epochs] == session.history.records


def test_saving_a_continued_run_replaces_it_and_keeps_its_name(small, tmp_path):
    store = RunStore(tmp_path)
    session, outcome = trained(small)
    first = store.save(session, outcome, name="mine")
    session.change(epochs=small.epochs + 10)
    second = store.save(session, session.run(), run_id=first.id)
    runs, _ = store.summaries()
    assert [r.id for r in runs] == [first.id]
    assert second.name == "mine" and second.epochs == small.epochs + 10 and second.created == first.created
    # no half-written leftovers (the lock that keeps runs one at a time stays: removed, a waiter could miss it)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [LOCK_FILE]


def test_rename_and_delete(small, tmp_path):
    store = RunStore(tmp_path)
    session, outcome = trained(small)
    kept = store.save(session, outcome)
    gone = store.save(session, outcome)
    assert store.rename(kept.id, "  two units  ").name == "two units"
    with pytest.raises(FileProblem):
        store.rename(kept.id, " ")
    assert gone.name == kept.name + " #2"  # the same settings twice: told apart
    store.delete(gone.id)
    runs, _ = store.summaries()
    assert [(r.id, r.name) for r in runs] == [(kept.id, "two units")]
    with pytest.raises(FileProblem, match="no such run"):
        store.delete(gone.id)


def test_an_unreadable_run_folder_is_reported_not_fatal(small, tmp_path):
    store = RunStore(tmp_path)
    session, outcome = trained(small)
    good = store.save(session, outcome)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text("{not json")
    runs, problems = store.summaries()
    assert [r.id for r in runs] == [good.id]
    assert len(problems) == 1 and problems[0].folder == "broken" and "not valid JSON" in problems[0].problem


def test_a_diverged_run_is_kept_with_json_that_has_no_nan(tmp_path):
    from engine import Settings

    session, outcome = trained(Settings(dataset="circles", optimizer="sgd", lr=100, activation="identity",
                                        hidden=[10, 10, 10], epochs=50, device="cpu"))
    summary = RunStore(tmp_path).save(session, outcome)
    def refuse(constant):
        raise AssertionError(f"{constant} in run.json")

    run = json.loads((tmp_path / summary.id / "run.json").read_text(), parse_constant=refuse)
    assert run["stopped"] == "diverged" and summary.epochs == outcome.epoch


def test_the_comparison_names_only_the_settings_that_differ_then_the_metrics(small, tmp_path):
    from engine.compare import comparison_rows, run_labels

    store = RunStore(tmp_path)
    ids = []
    for hidden, activation in (([2], "relu"), ([32, 32], "relu"), ([32, 32], "identity")):
        session, outcome = trained(small.replace(hidden=hidden, activation=activation))
        ids.append(store.save(session, outcome).id)
    rows = dict(comparison_rows([store.load(i) for i in ids]))
    assert rows["hidden layers"] == ["2", "32,32", "32,32"]
    assert rows["activation"] == ["relu", "relu", "identity"]
    assert "dataset" not in rows and "learning rate" not in rows
    assert all(cell.endswith("%") for cell in rows["test accuracy"]) and rows["epochs trained"] == ["20"] * 3
    assert run_labels([store.load(i) for i in ids], width=60) == ["1 hidden layers 2 · activation relu",
                                                                  "2 hidden layers 32,32 · activation relu",
                                                                  "3 hidden layers 32,32 · activation identity"]
    assert run_labels([store.load(i) for i in ids], width=20)[2] == "3 hidden layers 32,…"  # the table says the rest
    store.rename(ids[2], "no non-linearity")
    assert run_labels([store.load(i) for i in ids])[2] == "3 no non-linearity"
    same = dict(comparison_rows([store.load(ids[0]), store.load(ids[0])]))
    assert same["settings"] == ["the same", "the same"]


def test_keep_continues_a_run_replaces_the_one_it_was_reset_from_unless_a_person_named_it(small, tmp_path):
    store = RunStore(tmp_path)
    first, _ = trained(small)
    kept = store.keep(first)
    again, _ = trained(small)  # the same settings, from the initial weights again: a reset
    assert store.keep(again, replaces=kept.id).id == kept.id
    assert [r.id for r in store.summaries()[0]] == [kept.id]
    store.rename(kept.id, "mine")
    third, _ = trained(small)
    other = store.keep(third, replaces=kept.id)
    assert other.id != kept.id and len(store.summaries()[0]) == 2
    assert store.summary(kept.id).name == "mine"


def test_a_reset_run_takes_the_name_of_its_settings_and_replaces_only_a_run_it_trained_as_far_as(small, tmp_path):
    store = RunStore(tmp_path)
    first, _ = trained(small)
    kept = store.keep(first)
    fresh = TrainingSession(small)
    fresh.change(lr=0.02)  # changed before its first epoch: nothing to mark
    assert fresh.history.marks == []
    fresh.run()
    again = store.keep(fresh, replaces=kept.id)
    assert again.id == kept.id and again.name == "circles 8 relu adam lr 0.02"
    short = TrainingSession(small)
    short.run(on_epoch=lambda r: short.controls.stop() if r.epoch == 3 else None)
    other = store.keep(short, replaces=kept.id)  # 3 epochs do not replace 20
    assert other.id != kept.id and store.summary(kept.id).epochs == small.epochs
    assert store.summary(kept.id).kept >= store.summary(kept.id).created


def test_runs_of_the_same_settings_kept_at_the_same_moment_by_several_keepers_take_names_of_their_own(small, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    session = TrainingSession(small.replace(epochs=2))
    session.run()
    # a store each, as each process has its own: they meet at the runs directory's lock alone
    with ThreadPoolExecutor(4) as pool:
        kept = list(pool.map(lambda _: RunStore(tmp_path / "runs").keep(session), range(4)))
    names = sorted(run.name for run in kept)
    assert len(set(names)) == 4 and names[0] == "circles 8 relu adam lr 0.01"
    assert sorted(run.name for run in RunStore(tmp_path / "runs").summaries()[0]) == names
