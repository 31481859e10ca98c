"""`annclf-tui train`: exit codes, one-line errors, the files it writes, and a real run."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import load_settings
from tui.main import main

QUICK = ["train", "--dataset", "circles", "--samples", "200", "--hidden", "8", "--epochs", "30", "--device", "cpu"]


def run(capsys, *extra):
    code = main([*QUICK, *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("flags,words", [
    (["--lr", "-1"], "--lr: -1 is out of range: it takes a number above 0 up to 100"),
    (["--hidden", "16,abc"], "--hidden: '16,abc' is not a comma-separated list"),
    (["--dataset", "mnist"], "--dataset: 'mnist' is not one of circles, moons"),
    (["--optimizer", "adam", "--momentum", "0.9"], "--momentum: adam has no momentum setting"),
    # a schedule's own settings given to another are refused as momentum is, never silently ignored
    (["--schedule", "cosine", "--gamma", "0.3"], "--gamma: does not apply to schedule cosine; it applies to the "
                                                 "step and plateau schedules"),
    (["--schedule", "step", "--plateau-patience", "3"], "--plateau-patience: does not apply to schedule step"),
    (["--step-size", "5"], "--step-size: does not apply to schedule none; it applies to the step schedule"),
    (["--dataset", "iris", "--classes", "4"], "--classes: iris takes 2"),
    (["--dataset", "csv"], "--csv: the csv dataset needs a file"),
    (["--epochs", "1.5"], "--epochs: '1.5' is not a whole number"),
])
def test_an_invalid_setting_exits_2_with_one_line_naming_it(capsys, flags, words):
    code, out, err = run(capsys, *flags)
    assert code == 2
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_flag_is_one_line_too(capsys):
    with pytest.raises(SystemExit) as caught:
        main([*QUICK, "--learning-rate", "0.1"])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content,words", [
    (None, "no such file"), ("[training\n", "not valid TOML"),
    ("[training]\nlr = 'fast'\n", "lr: 'fast' is not a number"), ("[network]\nhidden = [3]\n", "unknown table [network]"),
    ("epochs = 3\n", "epochs is outside any table; put it under [training]"),
    ("[training]\nepochs = true\n", "setting epochs: true is not a whole number"),
    ("[training]\nepochs = 1979-05-27\n", "setting epochs: the date 1979-05-27 is not a whole number"),
])
def test_a_missing_or_malformed_config_exits_2_naming_the_file(capsys, tmp_path, content, words):
    path = tmp_path / "run.toml"
    if content is not None:
        path.write_text(content)
    code, _, err = run(capsys, "--config", str(path))
    assert code == 2 and str(path) in err and words in err and len(err.strip().splitlines()) == 1


def test_a_bad_checkpoint_exits_2_naming_the_file(capsys, tmp_path):
    path = tmp_path / "model.pt"
    path.write_text("not a checkpoint")
    code, _, err = run(capsys, "--resume", str(path))
    assert code == 2 and f"{path}: is not a checkpoint" in err
    code, _, err = run(capsys, "--resume", str(tmp_path / "absent.pt"))
    assert code == 2 and "no such file" in err


def test_a_bad_csv_exits_2_naming_the_file_and_column(capsys, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,label\n1,2,x\n3,oops,y\n")
    code, _, err = main(["train", "--dataset", "csv", "--csv", str(path)]), *capsys.readouterr()
    assert code == 2 and str(path) in err and "column 'b' is not numeric (row 3: 'oops')" in err


def test_settings_beyond_memory_exit_2_with_the_estimate(capsys):
    code, _, err = run(capsys, "--samples", "10000000", "--hidden", "100000,100000")
    assert code == 2 and "memory: hidden 100000,100000 on 10,000,000 samples" in err and "GiB" in err


def test_json_metrics_checkpoint_and_config_are_written_and_read_back(capsys, tmp_path):
    paths = {k: tmp_path / f"out.{k}" for k in ("json", "csv", "pt", "toml")}
    code, out, _ = run(capsys, "--json", str(paths["json"]), "--metrics", str(paths["csv"]),
                       "--checkpoint", str(paths["pt"]), "--save-config", str(paths["toml"]))
    assert code == 0 and "precision" in out and "confusion matrix" in out
    data = json.loads(paths["json"].read_text())
    assert data["stopped"] == "completed" and data["device"] == "cpu" and data["epochs"] == 30
    assert data["settings"]["hidden"] == [8] and data["settings"]["samples"] == 200
    assert len(data["history"]) == 30 and set(data["history"][0]) == {
        "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "lr"}
    for part in ("train", "test"):
        final = data["final"][part]
        assert 0 <= final["accuracy"] <= 1 and {"loss", "report", "confusion_matrix"} <= set(final)
    rows = list(csv.DictReader(paths["csv"].open()))
    assert len(rows) == 30 and float(rows[-1]["test_accuracy"]) == data["history"][-1]["test_accuracy"]
    assert load_settings(paths["toml"]).hidden == [8]
    # a resumed checkpoint continues at epoch 31 and ends at the new total
    code, out, _ = run(capsys, "--resume", str(paths["pt"]), "--epochs", "40", "--json", str(paths["json"]))
    resumed = json.loads(paths["json"].read_text())
    assert code == 0 and resumed["epochs"] == 40 and resumed["history"][30]["epoch"] == 31
    assert resumed["history"][:30] == data["history"]


def test_resume_refuses_to_change_the_network(capsys, tmp_path):
    ckpt = tmp_path / "m.pt"
    assert run(capsys, "--checkpoint", str(ckpt))[0] == 0
    code, _, err = run(capsys, "--resume", str(ckpt), "--hidden", "32")
    assert code == 2 and "--hidden: cannot change when resuming" in err


def test_flags_override_the_config_file(capsys, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text("[model]\nhidden = [4, 4]\n[training]\nepochs = 7\nlr = 0.05\n")
    out_json = tmp_path / "r.json"
    code, _, _ = run(capsys, "--config", str(config), "--epochs", "9", "--json", str(out_json))
    settings = json.loads(out_json.read_text())["settings"]
    assert code == 0 and settings["epochs"] == 9 and settings["hidden"] == [8] and settings["lr"] == 0.05


def test_a_diverging_run_exits_1_says_so_and_writes_the_json(capsys, tmp_path):
    out_json = tmp_path / "r.json"
    code = main(["train", "--optimizer", "sgd", "--lr", "100", "--activation", "identity", "--hidden", "10,10,10",
                 "--epochs", "50", "--device", "cpu", "--json", str(out_json)])
    err = capsys.readouterr().err
    assert code == 1 and "the loss diverged" in err and "lower learning rate" in err and "Traceback" not in err
    data = json.loads(out_json.read_text())
    assert data["stopped"] == "diverged" and data["epochs"] == len(data["history"]) < 50


def test_an_output_path_that_is_a_directory_is_refused_before_training(capsys, tmp_path):
    code, _, err = run(capsys, "--json", str(tmp_path))
    assert code == 2 and "is a directory" in err


@pytest.mark.slow
def test_the_installed_command_trains_circles_past_95_percent(tmp_path):
    """What README tells a newcomer to run, through the real entry point."""
    beside_python = Path(sys.executable).parent / "annclf-tui"  # the venv's, activated or not
    exe = str(beside_python) if beside_python.exists() else shutil.which("annclf-tui")
    if exe is None:
        pytest.fail("annclf-tui is not installed: run README's set-up command")
    done = subprocess.run([exe, "train", "--dataset", "circles", "--hidden", "16,16", "--optimizer", "adam",
                           "--lr", "0.01", "--epochs", "300", "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "epoch 300/300" in done.stdout and "weighted" in done.stdout
    assert json.loads((tmp_path / "r.json").read_text())["final"]["test"]["accuracy"] > 0.95


def test_train_keeps_its_run_in_the_runs_dir(capsys, tmp_path):
    from engine.runs import RunStore

    code, out, _ = run(capsys, "--runs-dir", str(tmp_path / "runs"))
    runs, problems = RunStore(tmp_path / "runs").summaries()
    assert code == 0 and len(runs) == 1 and not problems
    assert f"kept as run {runs[0].id}" in out and runs[0].epochs == 30
    code, _, _ = run(capsys)  # by default, in the user's data directory
    assert code == 0 and len(RunStore().summaries()[0]) == 1


def test_the_dataset_csv_reads_back_as_the_csv_dataset(capsys, tmp_path):
    path = tmp_path / "data.csv"
    code, _, _ = run(capsys, "--data-csv", str(path), "--dataset", "moons")
    rows = list(csv.DictReader(path.open()))
    assert code == 0 and len(rows) == 200 and list(rows[0]) == ["source_row", "x", "y", "label", "split"]
    assert [int(r["source_row"]) for r in rows] == list(range(2, 202))  # every row, in order: its line here
    assert {r["label"] for r in rows} == {"upper moon", "lower moon"}
    assert sum(r["split"] == "test" for r in rows) == 40
    assert all(len(r["x"].split(".")[-1]) <= 9 for r in rows)  # float32's shortest digits, not 0.7923573255538940
    # read back as it is, with no other flag: its split column is the split, the label the column before it
    code = main(["train", "--csv", str(path), "--epochs", "5", "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 0 and "upper moon" in captured.out
    assert "note: label: column 'label' (the last; label= names another), 2 classes" in captured.err
    from engine import Settings, TrainingSession

    original = TrainingSession(Settings(dataset="moons", samples=200, device="cpu")).split
    again = TrainingSession(Settings(dataset="csv", csv=str(path), device="cpu")).split
    assert again.dataset.feature_names == ["x", "y"] and again.dataset.class_names == ["lower moon", "upper moon"]
    assert again.X_test.astype(np.float32).tolist() == original.X_test.tolist()


def test_the_data_csv_keeps_every_row_its_split_and_the_labels_trained_on(capsys, tmp_path):
    source = tmp_path / "source.csv"
    rng = np.random.default_rng(3)
    lines = ["when,size,kind"] + [f"{1_000_000 + i / 1000:.3f},{rng.normal()!r},{'ab'[i % 2]}" for i in range(150)]
    source.write_text("\n".join(lines[:40]) + "\n\n" + "\n".join(lines[40:]) + "\n")  # a blank line: line 41
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    flags = ["--val-size", "0.2", "--label-noise", "0.2", "--epochs", "3", "--device", "cpu"]
    assert main(["train", "--csv", str(source), "--data-csv", str(first), *flags]) == 0
    rows = list(csv.DictReader(first.open()))
    assert list(rows[0]) == ["source_row", "when", "size", "trained_as", "kind", "split"]
    assert [r["source_row"] for r in rows][38:41] == ["40", "42", "43"]  # lines of the source file
    assert [r["size"] for r in rows] == [line.split(",")[1] for line in lines[1:]]  # as read: float64's digits
    assert rows[1]["when"] == "1000000.001"
    parts = [r["split"] for r in rows]
    assert (parts.count("train"), parts.count("validation"), parts.count("test")) == (90, 30, 30)
    trained = [r for r in rows if r["split"] == "train"]
    assert all(r["trained_as"] == "" for r in rows if r["split"] != "train")
    assert sum(r["trained_as"] != r["kind"] for r in trained) == 18  # a fifth of the training labels flipped
    # read back with no other flag: the same rows in the same parts, validation included
    assert main(["train", "--csv", str(first), "--data-csv", str(second), "--epochs", "3", "--device", "cpu"]) == 0
    again = list(csv.DictReader(second.open()))
    assert [(r["source_row"], r["when"], r["size"], r["kind"], r["split"]) for r in again] == [
        (r["source_row"], r["when"], r["size"], r["kind"], r["split"]) for r in rows]


def test_export_script_flag_writes_a_runnable_script(capsys, tmp_path):
    path = tmp_path / "again.py"
    code, _, _ = run(capsys, "--export-script", str(path))
    assert code == 0 and "def main()" in path.read_text()
    compile(path.read_text(), str(path), "exec")


def test_written_files_get_the_permissions_of_any_new_file(capsys, tmp_path):
    import os
    import stat

    code, out, _ = run(capsys, "--metrics", str(tmp_path / "m.csv"), "--export-script", str(tmp_path / "r.py"))
    (tmp_path / "plain").write_text("")
    mode = lambda name: stat.S_IMODE(os.stat(tmp_path / name).st_mode)  # noqa: E731
    assert code == 0 and mode("m.csv") == mode("r.py") == mode("plain")
    assert f"wrote {tmp_path / 'm.csv'}" in out and f"wrote {tmp_path / 'r.py'}" in out


def test_a_quick_run_reports_its_time_in_milliseconds(capsys):
    from tui.text.formats import duration

    code, out, _ = run(capsys)
    assert code == 0 and "completed 30 epochs in " in out and " 0.0 s" not in out
    assert " on 1 cpu thread" in out  # a small model: one thread, whatever the machine
    assert duration(0.04) == "40 ms" and duration(12.34) == "12.3 s"


def test_a_slow_run_reads_its_speed_in_seconds_an_epoch_not_as_0_epochs_a_second():
    from tui.text.formats import speed

    assert speed(1234.4) == "1,234 epochs/s" and speed(3.25) == "3.2 epochs/s"
    assert speed(0.4) == "2.5 s/epoch" and speed(4.0) == "4.0 epochs/s" and speed(0.0) == "no epoch yet"


# ----- annclf-tui runs


def kept_runs(tmp_path, count=2):
    from engine import Settings, TrainingSession
    from engine.runs import RunStore

    store = RunStore(tmp_path / "runs")
    session = TrainingSession(Settings(dataset="moons", samples=100, hidden=[4, 4], epochs=3, device="cpu"))
    session.run()
    kept = [store.keep(session, sweep=("s1", "lr sweep") if n == 0 else None) for n in range(count)]
    (tmp_path / "runs" / "zz-broken").mkdir()
    (tmp_path / "runs" / "zz-broken" / "summary.json").write_text("{not json")
    return kept


def test_runs_lists_the_kept_runs_newest_first_and_the_damaged_folders(capsys, tmp_path):
    older, newer = kept_runs(tmp_path)
    code = main(["runs", "--runs-dir", str(tmp_path / "runs")])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0 and not err
    assert lines[0].split() == ["name", "dataset", "hidden", "test", "acc", "epochs", "ended", "sweep", "kept"]
    assert lines[1].startswith(newer.name) and lines[2].startswith(older.name + " ")
    assert "moons" in lines[2] and "4,4" in lines[2] and "completed" in lines[2] and "lr sweep" in lines[2]
    assert f"{older.test_accuracy:.1%}" in lines[2]
    assert lines[3].startswith("damaged  zz-broken: summary.json is not valid JSON")


def test_runs_json_has_every_run_with_its_id(capsys, tmp_path):
    older, newer = kept_runs(tmp_path)
    assert main(["--runs-dir", str(tmp_path / "runs"), "runs", "--json", str(tmp_path / "runs.json")]) == 0
    records = json.loads((tmp_path / "runs.json").read_text())
    assert [r["id"] for r in records] == [newer.id, older.id, "zz-broken"]
    assert records[1]["sweep_id"] == "s1" and records[1]["sweep_name"] == "lr sweep" and records[0]["sweep_id"] is None
    assert records[1]["test_accuracy"] == older.test_accuracy and records[1]["hidden"] == [4, 4]
    assert records[1]["damaged"] is None and "not valid JSON" in records[2]["damaged"]
    capsys.readouterr()
    assert main(["runs", "--runs-dir", str(tmp_path / "runs"), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == records


def test_runs_in_a_runs_dir_that_is_not_a_folder_exits_2_with_one_line(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    for path, words in ((tmp_path / "file", "not a folder"), (tmp_path / "nowhere", "no such folder")):
        assert main(["runs", "--runs-dir", str(path)]) == 2
        err = capsys.readouterr().err
        assert str(path) in err and words in err and len(err.strip().splitlines()) == 1


def test_runs_with_no_runs_yet_says_so(capsys, tmp_path):
    (tmp_path / "runs").mkdir()
    assert main(["runs", "--runs-dir", str(tmp_path / "runs")]) == 0
    assert "no runs kept" in capsys.readouterr().out


def test_runs_loads_neither_torch_nor_scikit_learn(tmp_path):
    kept_runs(tmp_path, 1)
    code = ("import sys; from tui.main import main; code = main(['runs', '--runs-dir', sys.argv[1]]); "
            "print([m for m in sys.modules if m.split('.')[0] in ('torch', 'sklearn', 'textual')]); sys.exit(code)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "runs")], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
