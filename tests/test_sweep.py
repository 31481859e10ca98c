"""`annclf-tui sweep`: the list syntax, the refusals before anything trains, the ranked table, the runs kept
and tagged, a configuration that diverges, and a sweep stopped midway."""

import json

import pytest

from engine import Settings
from engine.errors import SettingError
from engine.runs import RunStore
from engine.sweep import Sweep
from engine.sweep_feed import SweepFeed
from engine.sweep_grid import Grid, parse_values
from tui.main import main

QUICK = ["sweep", "--dataset", "circles", "--samples", "200", "--epochs", "40", "--device", "cpu"]


def runs_in(path):
    runs, damaged = RunStore(path).summaries()
    assert not damaged
    return runs


@pytest.mark.parametrize("name,text,values", [
    ("hidden", "2;10,10;1024,1024", [[2], [10, 10], [1024, 1024]]),
    ("hidden", "none;8", [[], [8]]),
    ("seed", "0..4", [0, 1, 2, 3, 4]),
    ("seed", "7", [7]),
    ("lr", "0.003, 0.01,0.1", [0.003, 0.01, 0.1]),
    ("inputs", "x1,x2;x1^2,x2^2", [["x1", "x2"], ["x1^2", "x2^2"]]),
    ("activation", "relu,tanh", ["relu", "tanh"]),
])
def test_a_flag_takes_a_list_a_range_or_one_value(name, text, values):
    assert parse_values(name, text) == values


@pytest.mark.parametrize("name,text,words", [
    ("seed", "4..1", "the range 4..1 is empty"),
    ("lr", "0.01,,0.1", "an empty value"),
    ("lr", "0.1,0.1", "0.1 given twice"),
    ("lr", "0.1,fast", "'fast' is not a number"),
    ("hidden", "8;8,x", "is not a comma-separated list"),
])
def test_a_bad_list_is_refused_naming_the_setting(name, text, words):
    with pytest.raises(SettingError) as caught:
        parse_values(name, text)
    assert caught.value.subject == name and words in caught.value.problem


def test_a_combination_the_schema_refuses_is_named_before_anything_trains(capsys, tmp_path):
    code = main([*QUICK, "--optimizer", "sgd,adam", "--momentum", "0.9", "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "--momentum: adam has no momentum setting" in err and "optimizer adam" in err
    assert len(err.strip().splitlines()) == 1 and not runs_in(tmp_path)


def test_a_sweep_larger_than_max_runs_is_refused_with_its_count(capsys, tmp_path):
    code = main([*QUICK, "--lr", "0.01,0.02,0.03", "--seed", "0..9", "--max-runs", "20", "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "30 runs, more than --max-runs 20" in err and not runs_in(tmp_path)


def test_the_table_ranks_configurations_by_mean_test_accuracy_over_the_seeds(capsys, tmp_path):
    out_json = tmp_path / "s.json"
    code = main(["sweep", "--dataset", "circles", "--hidden", "2;10,10;32,32", "--seed", "0..2", "--epochs", "150",
                 "--lr", "0.03", "--device", "cpu", "--runs-dir", str(tmp_path / "runs"), "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out_json.read_text())
    rows = data["configurations"]
    assert [r["settings"]["hidden"] for r in rows][-1] == [2]  # two units cannot draw a circle
    means = [r["test_accuracy"]["mean"] for r in rows]
    assert len(rows) == 3 and means == sorted(means, reverse=True)
    for row in rows:
        accs = [run["test_accuracy"] for run in row["runs"]]
        assert len(accs) == 3 and row["test_accuracy"]["mean"] == pytest.approx(sum(accs) / 3)
        assert row["test_accuracy"]["min"] == min(accs) and row["test_accuracy"]["max"] == max(accs)
        assert sorted(run["seed"] for run in row["runs"]) == [0, 1, 2]
    # the table printed, in the same order, with mean ± std
    printed = [line for line in out.splitlines() if "±" in line]
    assert len(printed) == 3 and f"{means[0]:.3f} ±" in printed[0]
    # every run kept, tagged with the sweep, and the JSON's ids are theirs
    kept = runs_in(tmp_path / "runs")
    assert len(kept) == 9 and {r.sweep_id for r in kept} == {data["sweep"]["id"]}
    assert {run["id"] for row in rows for run in row["runs"]} == {r.id for r in kept}


def test_a_configuration_that_diverges_is_marked_and_the_others_finish(capsys, tmp_path):
    code = main([*QUICK, "--optimizer", "sgd", "--activation", "identity", "--hidden", "10,10,10",
                 "--lr", "0.05,100", "--runs-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 diverged" in out
    assert sorted(r.stopped for r in runs_in(tmp_path)) == ["completed", "diverged"]


def test_a_sweep_stopped_midway_keeps_and_tables_what_finished(tmp_path):
    # four shapes: four groups, trained one after another
    grid = Grid(Settings(dataset="circles", samples=200, epochs=20, device="cpu"),
                {"hidden": [[2], [3], [4], [5]]})
    job = Sweep(grid, RunStore(tmp_path))
    finished = job.run(should_stop=lambda: len(job.runs) >= 2)
    assert not finished and len(job.runs) == 2 and len(runs_in(tmp_path)) == 2
    assert [row.values["hidden"] for row in job.table()] != []
    assert all(run.epochs == 20 for run in job.runs)


def test_a_group_trained_together_hands_out_its_weights_to_be_drawn_and_ends_as_each_alone(tmp_path):
    from engine import TrainingSession

    base = Settings(dataset="circles", samples=200, hidden=[6], epochs=15, optimizer="sgd", device="cpu")
    grid = Grid(base, {"lr": [0.05, 0.1, 0.2]})
    job = Sweep(grid, RunStore(tmp_path))
    seen = []

    class Watching(SweepFeed):  # asks for the weights after every epoch and notes them
        def maps_due(self):
            return True

        def serve(self, sweep, members, final=False):
            if not final:
                assert len(members) == 3  # one group: the same data and shape
                seen.append([m.params.theta.clone() for m in members])

    assert job.run(feed=Watching())
    assert len(seen) == 15 and not all(a.equal(b) for a, b in zip(seen[0], seen[-1]))
    for run in job.runs:
        alone = TrainingSession(base.replace(lr=run.settings.lr))
        alone.run()
        assert run.test_accuracy == pytest.approx(alone.evaluate()["test"].accuracy)
        assert run.epochs == alone.history.epoch == 15


def test_large_models_train_in_forked_workers_after_the_parent_used_torchs_threads():
    # a forked child that takes torch's thread pool back (session.run does for a large model) waits forever
    # on threads it does not have: run in a process of its own, so that a hang fails instead of hanging
    import subprocess
    import sys

    code = """
import torch
from engine import Settings, TrainingSession
from engine.training.parallel_groups import train_groups
torch.set_num_threads(2)
(torch.randn(1500, 1500) @ torch.randn(1500, 1500)).sum()  # the parent's pool is started
sessions = [TrainingSession(Settings(dataset="circles", samples=400, hidden=[600, 600], seed=s, epochs=2,
                                     device="cpu")) for s in (0, 1)]
train_groups(sessions, workers=2)
print([s.history.epoch for s in sessions])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "[2, 2]", done.stderr[-2000:]


def test_ctrl_c_keeps_the_runs_that_finished_and_prints_their_table(tmp_path):
    import signal
    import subprocess
    import sys

    runs_dir = tmp_path / "runs"
    # one configuration of five epochs, one that would train for hours
    sweep = subprocess.Popen([sys.executable, "-m", "tui", "sweep", "--dataset", "circles", "--samples", "200",
                              "--hidden", "4", "--epochs", "5,10000000", "--device", "cpu", "--runs-dir",
                              str(runs_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "2 runs" in sweep.stdout.readline()  # it has begun
    sweep.send_signal(signal.SIGINT)
    out, err = sweep.communicate(timeout=120)
    assert sweep.returncode == 130, err
    kept = runs_in(runs_dir)
    assert all(r.epochs == 5 and r.stopped == "completed" for r in kept)  # only whole runs are kept
    assert f"stopped: {len(kept)} of 2 runs finished and {'was' if len(kept) == 1 else 'were'} kept" in out
    assert out.count("±") == len(kept)  # the table lists what finished


def test_a_sweep_of_a_file_says_what_reading_it_decided_once_as_train_does(capsys, tmp_path):
    from pathlib import Path

    data = str(Path(__file__).parent / "data" / "saved_with_index.csv")
    code = main(["sweep", "--csv", data, "--hidden", "4", "--lr", "0.01,0.03", "--seed", "0,1", "--epochs", "3",
                 "--runs-dir", str(tmp_path / "runs"), "--device", "cpu"])
    captured = capsys.readouterr()
    err = captured.err
    assert code == 0 and "sweep csv: seed × lr" in captured.out  # named for its data: a file, not circles
    train_code = main(["train", "--csv", data, "--hidden", "4", "--epochs", "1", "--device", "cpu",
                       "--runs-dir", str(tmp_path / "runs")])
    train_err = capsys.readouterr().err
    notes = [line for line in train_err.splitlines() if ": note: " in line]
    assert train_code == 0 and notes and "(no name in the header: a saved index, most likely) is left out" in train_err
    assert [line for line in err.splitlines() if ": note: " in line] == notes  # each once, for four runs
