"""Hostile inputs and faults: no file destroyed that was not asked for, no finished epoch lost to a signal, no
listing of kept runs stopped by a damaged one, and never a traceback."""

import errno
import json
import os
import signal
import stat

import pytest

from engine.runs import LOCK_FILE, RunStore
from tui.main import main

QUICK = ["train", "--dataset", "circles", "--samples", "200", "--hidden", "8", "--epochs", "20", "--device", "cpu"]


def run(capsys, *extra):
    code = main([*QUICK, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# ----- files


def test_a_symlinked_output_is_written_through_to_its_target_and_stays_a_link(capsys, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, _ = run(capsys, "--json", str(link))
    assert code == 0 and link.is_symlink() and json.loads(target.read_text())["epochs"] == 20


@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_an_output_that_is_no_regular_file_is_refused_before_training(capsys, tmp_path, kind):
    if kind == "device":
        path = "/dev/full"
    elif kind == "fifo":
        path = str(tmp_path / "pipe.json")
        os.mkfifo(path)
    else:
        path = str(tmp_path)
    code, out, err = run(capsys, "--json", path)
    assert code == 2 and "epoch" not in out and path in one_line(err)
    assert {"device": "is a device", "fifo": "FIFO", "directory": "is a directory"}[kind] in err
    if kind == "device":
        assert stat.S_ISCHR(os.stat(path).st_mode)  # still the device
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(path).st_mode)


def test_a_csv_that_is_a_fifo_is_refused_not_read_forever(capsys, tmp_path):
    path = tmp_path / "data.csv"
    os.mkfifo(path)
    code = main(["train", "--csv", str(path), "--epochs", "2", "--device", "cpu"])
    assert code == 2 and "not a regular file" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("flags,words", [
    (["--json", "{x}", "--metrics", "{x}"], "--json and --metrics both name this file"),
    (["--checkpoint", "{x}", "--save-config", "{x}"], "--save-config and --checkpoint both name this file"),
    (["--data-csv", "{csv}", "--csv", "{csv}", "--dataset", "csv"], "--data-csv would write over --csv"),
    (["--save-config", "{toml}", "--config", "{toml}"], "--save-config would write over --config"),
])
def test_two_outputs_on_one_file_or_an_output_on_an_input_are_refused_naming_both(capsys, tmp_path, flags, words):
    csv_path = tmp_path / "in.csv"
    csv_path.write_text("a,b,k\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    toml = tmp_path / "run.toml"
    toml.write_text("[training]\nepochs = 3\n")
    argv = [f.format(x=tmp_path / "x.out", csv=csv_path, toml=toml) for f in flags]
    code = main(["train", "--epochs", "3", "--device", "cpu", *argv])
    err = capsys.readouterr().err
    assert code == 2 and words in one_line(err)
    assert csv_path.read_text().startswith("a,b,k") and toml.read_text().startswith("[training]")


def test_an_output_that_cannot_be_written_is_found_before_training(capsys, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    code, out, err = run(capsys, "--json", str(blocker / "out.json"))
    assert code == 2 and "epoch" not in out and "is not a folder" in one_line(err)


def test_a_full_disk_names_the_file_keeps_the_old_one_and_writes_the_others(capsys, tmp_path, monkeypatch):
    import engine.atomic

    out_json, metrics = tmp_path / "out.json", tmp_path / "m.csv"
    out_json.write_text("previous")
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path / ".out.json.")):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(engine.atomic.os, "fsync", fsync)
    code, out, err = run(capsys, "--json", str(out_json), "--metrics", str(metrics), "--runs-dir", str(tmp_path / "r"))
    assert code == 1 and f"{out_json}: cannot be written: no space left on the device" in one_line(err)
    assert out_json.read_text() == "previous" and metrics.read_text().startswith("epoch,")
    assert len(RunStore(tmp_path / "r").summaries()[0]) == 1  # the run is kept all the same
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_run_that_cannot_be_kept_for_a_full_disk_says_so_in_one_line(capsys, tmp_path, monkeypatch):
    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RunStore, "_put", staticmethod(full))
    code, _, err = run(capsys, "--json", str(tmp_path / "r.json"), "--runs-dir", str(tmp_path / "runs"))
    assert code == 1 and "the run was not kept" in one_line(err) and "no space left" in err
    assert (tmp_path / "r.json").exists() and not [p for p in (tmp_path / "runs").iterdir() if p.is_dir()]  # no remains


def test_leftovers_of_killed_writes_are_removed_when_their_folder_is_next_written(capsys, tmp_path):
    dead = 2**22 + 12345  # above the default pid limit: no process has it
    while True:
        try:
            os.kill(dead, 0)
            dead += 1
        except ProcessLookupError:
            break
    stale = tmp_path / f".m.pt.{dead}.abc123.tmp"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".m.pt.{os.getpid()}.def456.tmp"  # a write of a process still running: left alone
    live.write_bytes(b"")
    runs = tmp_path / "runs"
    (runs / f".20260101-000000-circles-0000.{dead}.a1b2c3.tmp").mkdir(parents=True)
    code, _, _ = run(capsys, "--checkpoint", str(tmp_path / "m.pt"), "--runs-dir", str(runs))
    assert code == 0 and not stale.exists() and live.exists()
    assert [p.name for p in runs.iterdir() if p.name.startswith(".")] == [LOCK_FILE]  # the keeping lock alone


# ----- signals


def test_ctrl_c_before_training_is_one_line_and_exit_130_with_nothing_written(capsys, tmp_path, monkeypatch):
    import engine.training.session

    def interrupted(self, settings):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.training.session.TrainingSession, "__init__", interrupted)
    code, _, err = run(capsys, "--json", str(tmp_path / "r.json"))
    assert code == 130 and "stopped before training started" in one_line(err)
    assert not list(tmp_path.iterdir())


def test_a_signal_while_the_files_are_written_lets_them_finish_and_a_second_aborts(capsys, tmp_path, monkeypatch):
    import engine.exports

    real = engine.exports.write_export
    sent = []

    def write_export(kind, session, path, data, times=1):
        if kind == "checkpoint" and not sent:
            for _ in range(times):
                os.kill(os.getpid(), signal.SIGINT)
            sent.append(kind)
        real(kind, session, path, data)

    monkeypatch.setattr(engine.exports, "write_export", write_export)
    files = ["--json", str(tmp_path / "r.json"), "--checkpoint", str(tmp_path / "m.pt"),
             "--export-script", str(tmp_path / "s.py")]
    code, _, err = run(capsys, *files, "--runs-dir", str(tmp_path / "runs"))
    assert code == 130 and "finishing the files" in err and "Traceback" not in err
    assert all((tmp_path / name).exists() for name in ("r.json", "m.pt", "s.py"))
    assert len(RunStore(tmp_path / "runs").summaries()[0]) == 1
    assert err.strip().splitlines()[-1] == "annclf-tui: stopped by Ctrl-C (exit code 130)"
    sent.clear()
    monkeypatch.setattr(engine.exports, "write_export", lambda *a: write_export(*a, times=2))
    code, _, err = run(capsys, *files)
    assert code == 130 and err.strip().splitlines()[-1] == (
        "annclf-tui: error: Ctrl-C while the files were written, a stop asked for twice: some may be missing")
    assert "Traceback" not in err


@pytest.mark.parametrize("number,code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_sigterm_and_sighup_mid_training_stop_it_as_ctrl_c_does_the_files_written(capsys, tmp_path, monkeypatch,
                                                                                   number, code):
    import tui.cli.train

    real = tui.cli.train._Lines.__call__

    def report(self, record):
        if record.epoch == 7:
            os.kill(os.getpid(), number)
        real(self, record)

    monkeypatch.setattr(tui.cli.train._Lines, "__call__", report)
    monkeypatch.setattr(tui.cli.train._Lines, "__init__", lambda self, total, start: setattr(self, "every", 1)
                        or setattr(self, "total", total))
    exit_code = main([*QUICK[:-4], "--epochs", "100000", "--device", "cpu", "--json", str(tmp_path / "r.json"),
                      "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    data = json.loads((tmp_path / "r.json").read_text())
    assert exit_code == code and data["stopped"] == "stopped" and 7 <= data["epochs"] < 100000
    name = {signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP", signal.SIGINT: "Ctrl-C"}[number]
    assert err.strip().splitlines()[-1] == f"annclf-tui: stopped by {name} (exit code {code})"
    [kept], _ = RunStore(tmp_path / "runs").summaries()
    assert kept.stopped == "stopped" and kept.epochs == data["epochs"]


# ----- kept runs


def test_a_damaged_or_copied_run_folder_is_listed_as_such_and_blocks_nothing(capsys, tmp_path):
    import shutil

    runs = tmp_path / "runs"
    assert run(capsys, "--runs-dir", str(runs))[0] == 0
    [good] = [p for p in runs.iterdir() if p.is_dir()]  # beside the index file
    shutil.copytree(good, runs / "copy-of-a-run")  # the same id inside: a run of its own all the same
    bad = runs / "20990101-000000-bad"
    shutil.copytree(good, bad)
    summary = json.loads((bad / "summary.json").read_text())
    summary.update(name=["x"])
    (bad / "summary.json").write_text(json.dumps(summary))
    late = runs / "20990101-000001-late"
    shutil.copytree(good, late)
    (late / "summary.json").write_text(json.dumps({**summary, "name": "late", "created": "yesterday"}))
    assert run(capsys, "--runs-dir", str(runs))[0] == 0  # a new run is kept in spite of the damaged one
    listed, damaged = RunStore(runs).summaries()
    assert len(listed) == 3 and len({r.id for r in listed}) == 3
    broken, later = damaged
    assert broken.folder == bad.name and "'name' is a list, not text" in broken.problem
    assert later.folder == late.name and "'created' is the text 'yesterday', not a time in seconds" in later.problem
    assert all("object at 0x" not in str(d) and "Error" not in str(d) for d in damaged)


def test_an_empty_runs_dir_is_refused(capsys):
    code, _, err = run(capsys, "--runs-dir", "")
    assert code == 2 and "--runs-dir: an empty path" in one_line(err)


# ----- settings and data


@pytest.mark.parametrize("flags,words", [
    (["--classes", "5"], "--classes: does not apply to circles; it applies to blobs, iris"),
    (["--features", "a,b"], "--features: does not apply to circles; it applies to iris, csv"),
    (["--dataset", "moons", "--factor", "0.5"], "--factor: does not apply to moons; it applies to circles"),
])
def test_a_flag_that_does_not_apply_to_the_dataset_is_refused(capsys, flags, words):
    code, _, err = run(capsys, *flags)
    assert code == 2 and words in one_line(err)


def test_a_csv_file_given_without_a_dataset_is_the_csv_dataset(capsys, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("a,b,kind\n" + "".join(f"{i % 7},{i % 5},{'yes' if i % 2 else 'no'}\n" for i in range(60)))
    code = main(["train", "--csv", str(path), "--epochs", "3", "--device", "cpu"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("csv: ") and "yes" in out
    toml = tmp_path / "run.toml"
    toml.write_text(f"[data]\ncsv = '{path}'\n[training]\nepochs = 3\n")
    code = main(["train", "--config", str(toml), "--device", "cpu"])
    assert code == 0 and capsys.readouterr().out.startswith("csv: ")


@pytest.mark.parametrize("text,words", [
    ("[data]\n" + "x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("data = 5\n", "data must be a table of settings"),
    ("\ufeff[training]\nepochs = 3\n", None),  # a byte-order mark is fine
    ("[model]\nhidden = '4,4'\n[training]\nepochs = 3\n", None),  # a list as text is read as the flag is
    ("[data]\ndataset = 'iris'\nfeatures = 'sepal_length,sepal_width'\n[training]\nepochs = 3\n", None),
])
def test_toml_files_a_person_might_write(capsys, tmp_path, text, words):
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["train", "--config", str(path), "--device", "cpu"])
    err = capsys.readouterr().err
    if words is None:
        assert code == 0, err
    else:
        assert code == 2 and words in one_line(err) and str(path) in err


def test_a_csv_value_beyond_float32_is_refused_naming_row_and_column(capsys, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b,k\n1,2,x\n3,1e300,y\n5,6,x\n7,8,y\n")
    code = main(["train", "--csv", str(path), "--epochs", "2", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and "row 3, column 'b': 1e300 is beyond what the model's 32-bit numbers hold" in one_line(err)


def test_a_semicolon_separated_csv_is_read(capsys, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("a;b;k\n" + "".join(f"{i % 7};{i % 5};{'p' if i % 2 else 'q'}\n" for i in range(60)))
    code = main(["train", "--csv", str(path), "--epochs", "2", "--device", "cpu"])
    assert code == 0 and "2 classes" in capsys.readouterr().out


def test_a_saved_config_finds_its_csv_from_any_folder(capsys, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "mine.csv").write_text("a,b,k\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(60)))
    monkeypatch.chdir(data)
    code = main(["train", "--csv", "mine.csv", "--epochs", "2", "--device", "cpu",
                 "--save-config", str(tmp_path / "configs" / "run.toml")])
    assert code == 0 and "csv = \"../data/mine.csv\"" in (tmp_path / "configs" / "run.toml").read_text()
    monkeypatch.chdir(tmp_path / "configs")
    assert main(["train", "--config", "run.toml", "--device", "cpu"]) == 0
    capsys.readouterr()


def test_clearer_messages(capsys, tmp_path):
    ckpt = tmp_path / "m.pt"
    assert run(capsys, "--checkpoint", str(ckpt))[0] == 0
    code = main(["--resume", str(ckpt)])
    assert code == 2 and "--resume belongs to `annclf-tui train`" in one_line(capsys.readouterr().err)


def test_an_unreadable_checkpoint_says_why(capsys, tmp_path, monkeypatch):
    import torch

    def refused(*_, **__):
        raise PermissionError(errno.EACCES, "Permission denied")

    (tmp_path / "m.pt").write_bytes(b"")  # there, but torch may not read it
    monkeypatch.setattr(torch, "load", refused)
    code, _, err = run(capsys, "--resume", str(tmp_path / "m.pt"))
    assert code == 2 and "cannot be read: Permission denied" in one_line(err) and "PermissionError" not in err


# ----- honest evaluation


def test_a_validation_split_is_what_early_stopping_watches_and_the_test_set_stays_unseen(capsys, tmp_path):
    out = tmp_path / "r.json"
    code, _, err = run(capsys, "--patience", "5", "--epochs", "300", "--json", str(out))
    assert code == 0 and "watches the test set: the test accuracy is optimistic; set --val-size" in err
    code, stdout, err = run(capsys, "--patience", "5", "--val-size", "0.2", "--epochs", "300", "--json", str(out))
    data = json.loads(out.read_text())
    assert code == 0 and "optimistic" not in err and "validation: accuracy" in stdout
    assert data["watched"] == "validation" and set(data["final"]) == {"train", "val", "test"}
    assert all("val_loss" in r for r in data["history"])
    best = min(data["history"], key=lambda r: r["val_loss"])
    assert data["best_epoch"] == best["epoch"]  # chosen on validation, not on test
    assert data["final"]["test"]["report"]["weighted avg"]["support"] == 40  # test keeps its 20 %


def test_resuming_on_changed_data_is_refused_unless_asked(capsys, tmp_path):
    path = tmp_path / "d.csv"
    rows = [f"{i % 7},{i % 5},{'a' if (i % 7) > 3 else 'b'}" for i in range(80)]
    path.write_text("x,y,k\n" + "\n".join(rows) + "\n")
    ckpt = tmp_path / "m.pt"
    assert main(["train", "--csv", str(path), "--epochs", "3", "--device", "cpu", "--checkpoint", str(ckpt)]) == 0
    path.write_text("x,y,k\n" + "\n".join(r.replace(",a", ",c").replace(",b", ",a").replace(",c", ",b")
                                          for r in rows) + "\n")  # the labels swapped
    capsys.readouterr()
    code = main(["train", "--resume", str(ckpt), "--epochs", "6", "--device", "cpu"])
    assert code == 2 and "the data changed since this checkpoint was written" in one_line(capsys.readouterr().err)
    assert main(["train", "--resume", str(ckpt), "--epochs", "6", "--device", "cpu", "--allow-data-change"]) == 0
