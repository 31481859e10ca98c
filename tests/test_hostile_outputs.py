"""Outputs that cannot or must not be written (issue 24): inside a runs directory, a folder given as a file,
a full disk, a read-only place. Each output is its own outcome, the runs directory is checked before
anything trains, and nothing half-written is left."""

import json
import os

import pytest

from engine.runs import RunStore
from engine.runs_index import INDEX_FILE
from tui.main import main

from hostile_helpers import listing, one_line, three_runs


TRAIN = ["train", "--dataset", "circles", "--samples", "100", "--hidden", "4", "--epochs", "2", "--device", "cpu"]


def test_the_runs_listing_refuses_to_write_its_json_inside_the_runs_directory(capsys, tmp_path):
    root = tmp_path / "runs"
    three_runs(root)
    assert listing(capsys, root)[0] == 0  # indexed
    index = (root / INDEX_FILE).read_bytes()
    code = main(["runs", "--runs-dir", str(root), "--json", str(root / INDEX_FILE)])
    out, err = capsys.readouterr()
    line = one_line(err)
    assert code == 2 and "wrote" not in out and f"--json would write inside the runs directory {root}" in line
    assert (root / INDEX_FILE).read_bytes() == index and len(RunStore(root).summaries()[0]) == 3


@pytest.mark.parametrize("where", ["a kept run's folder", "the default runs directory", "sweep --json"])
def test_an_output_inside_a_runs_directory_is_refused_before_anything_trains(capsys, tmp_path, monkeypatch, where):
    root = tmp_path / "runs"
    [first, *_] = three_runs(root)  # not indexed yet: no index.sqlite; a kept run's folder says what it is
    if where == "a kept run's folder":
        target, argv = root / first / "checkpoint.pt", [*TRAIN, "--runs-dir", str(root), "--checkpoint"]
    elif where == "the default runs directory":
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        root = tmp_path / "data" / "annclf-tui" / "runs"
        target, argv = root / "results.json", [*TRAIN, "--json"]
    else:
        target, argv = root / "sweep.json", ["sweep", "--seed", "0,1", "--runs-dir", str(root), "--json"]
    before = target.read_bytes() if target.exists() else None
    code = main([*argv, str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and "epoch" not in out and f"would write inside the runs directory {root}" in one_line(err)
    assert (target.read_bytes() if target.exists() else None) == before  # the run's model as it was


@pytest.mark.parametrize("command,flag", [("train", "--json"), ("train", "--metrics"), ("train", "--checkpoint"),
                                          ("train", "--save-config"), ("sweep", "--json"), ("runs", "--json")])
def test_an_output_ending_in_a_separator_names_a_folder_and_is_refused(capsys, tmp_path, command, flag):
    argv = {"train": TRAIN, "sweep": ["sweep", "--seed", "0,1"], "runs": ["runs"]}[command]
    folder = f"{tmp_path / 'newdir'}{os.sep}"
    (tmp_path / "runs").mkdir()
    code = main([*argv, "--runs-dir", str(tmp_path / "runs"), flag, folder])
    out, err = capsys.readouterr()
    assert code == 2 and "epoch" not in out
    assert f"{folder}: ends in '/', so it names a folder; give the name of a file to write" in one_line(err)
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("command,flag", [("train", "--json"), ("train", "--checkpoint"), ("train", "--data-csv"),
                                          ("sweep", "--json"), ("runs", "--json")])
@pytest.mark.parametrize("path,words", [("", "an empty path: give a file name, or leave the flag out"),
                                        ("-", "'-' (standard output) is not taken here")])
def test_an_empty_path_or_a_dash_for_an_output_is_refused_not_ignored_nor_a_file_named_dash(
        capsys, tmp_path, monkeypatch, command, flag, path, words):
    if command == "runs" and path == "-":
        pytest.skip("the listing writes its JSON to stdout for '-', as it says")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    argv = {"train": TRAIN, "sweep": ["sweep", "--seed", "0,1"], "runs": ["runs"]}[command]
    code = main([*argv, "--runs-dir", str(tmp_path / "runs"), flag, path])
    out, err = capsys.readouterr()
    assert code == 2 and "epoch" not in out and f"{flag}: {words}" in one_line(err)
    assert not (tmp_path / "-").exists() and not RunStore(tmp_path / "runs").summaries()[0]


def test_train_refuses_an_output_inside_its_own_new_runs_directory(tmp_path, capsys):
    runs = tmp_path / "new-runs"
    code = main(["train", "--dataset", "circles", "--samples", "100", "--epochs", "1", "--runs-dir", str(runs),
                 "--json", str(runs / "results.json")])
    err = capsys.readouterr().err
    assert code == 2 and "runs director" in err and len(err.strip().splitlines()) == 1
    assert not (runs / "results.json").exists()


@pytest.mark.asyncio
async def test_f12_in_a_folder_that_cannot_be_written_is_a_notice_and_the_app_goes_on(tmp_path):
    from engine import Settings
    from tui.app.app import AnnclfApp

    from pilot_helpers import notices, ready, wait_until

    blocker = tmp_path / "a-file"  # a folder that cannot be written to, even by root: a file in its place
    blocker.write_text("mine")
    app = AnnclfApp(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"),
                    output_dir=blocker, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        said = []  # the notice's words, whole: a toast folds a long path at its own width, which the path decides
        real = app.notify
        app.notify = lambda message, **kw: (said.append(" ".join(str(message).split())), real(message, **kw))
        await pilot.press("f12")
        await wait_until(pilot, lambda: notices(app))
        assert any("cannot be written" in n and "is not a folder" in n for n in said), said
        assert app.is_running and app.return_code is None
    assert blocker.read_text() == "mine"


TORCH_FULL = "[enforce fail at inline_container.cc:672] . unexpected pos 5824 vs 5776"  # torch.save, disk full


def test_a_checkpoint_torch_cannot_write_is_one_line_and_the_other_outputs_are_written(capsys, tmp_path, monkeypatch):
    import engine.checkpoint

    def full(payload, handle):
        handle.write(b"PK")  # a part written, then the device is full
        raise RuntimeError(TORCH_FULL)

    monkeypatch.setattr(engine.checkpoint.torch, "save", full)
    code = main(["train", "--dataset", "circles", "--samples", "200", "--hidden", "4", "--epochs", "2", "--device", "cpu",
                 "--checkpoint", str(tmp_path / "m.pt"), "--json", str(tmp_path / "r.json"),
                 "--runs-dir", str(tmp_path / "runs")])
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert code == 1 and "Traceback" not in captured.err
    assert errors[0].startswith(f"annclf-tui: error: {tmp_path / 'm.pt'}: cannot be written: ")
    assert errors[1].startswith("annclf-tui: error: the run was not kept: ") and ".tmp" not in errors[1]
    assert len(errors) == 2
    assert json.loads((tmp_path / "r.json").read_text())["final"]["test"]["accuracy"] >= 0  # written all the same
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "runs"]  # no half checkpoint left
    assert [p.name for p in (tmp_path / "runs").iterdir() if p.is_dir()] == []  # no run's remains


@pytest.mark.parametrize("command", [["train"], ["sweep", "--lr", "0.1,0.2"]])
def test_a_runs_directory_that_is_a_file_is_refused_before_anything_trains(capsys, tmp_path, command):
    (tmp_path / "runs").write_text("not a folder")
    code = main([*command, "--dataset", "circles", "--samples", "200", "--epochs", "2", "--device", "cpu",
                 "--runs-dir", str(tmp_path / "runs")])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""  # nothing trained
    assert one_line(captured.err) == (f"annclf-tui: error: {tmp_path / 'runs'}: is a file, not a folder; give a "
                                      "folder to keep the runs in")


def test_a_read_only_runs_directory_is_refused_before_anything_trains(capsys, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    runs.chmod(0o555)
    try:
        if os.access(runs, os.W_OK):
            pytest.skip("this user writes into read-only folders (root)")
        code = main(["train", "--dataset", "circles", "--samples", "200", "--epochs", "2", "--device", "cpu",
                     "--runs-dir", str(runs)])
    finally:
        runs.chmod(0o755)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and "cannot hold runs" in one_line(captured.err)


def test_a_sweep_whose_runs_cannot_be_kept_says_so_on_stderr_once_for_each_cause_and_exits_1(capsys, tmp_path,
                                                                                              monkeypatch):
    from engine.errors import FileProblem

    causes = iter(["no space left on the device"] * 3 + ["Permission denied"])

    def full(self, session, *args, **kwargs):
        raise FileProblem(str(self.root / "a-run"), f"the run cannot be kept: {next(causes)}")

    monkeypatch.setattr(RunStore, "save", full)
    sweep = ["sweep", "--dataset", "circles", "--samples", "200", "--hidden", "4", "--epochs", "2", "--device", "cpu",
             "--runs-dir", str(tmp_path / "runs")]
    code = main([*sweep, "--lr", "0.1,0.2,0.3"])  # a full disk: one line says it for every run
    captured = capsys.readouterr()
    assert code == 1 and "no space left" not in captured.out
    assert captured.err.strip().splitlines() == [
        f"annclf-tui: error: 3 runs (the first {tmp_path / 'runs' / 'a-run'}) could not be kept: no space left on "
        "the device; 0 of 3 kept"]
    causes = iter(["no space left on the device", "Permission denied"])
    code = main([*sweep, "--lr", "0.1,0.2"])
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(errors) == 3 and errors[-1] == "annclf-tui: error: 2 runs of 2 could not be kept"
    assert errors[1] == f"annclf-tui: error: the run {tmp_path / 'runs' / 'a-run'} could not be kept: Permission denied"


@pytest.mark.parametrize("flag", ["--json", "--checkpoint", "--data-csv"])
def test_a_read_only_output_file_is_not_replaced_and_nothing_trains(capsys, tmp_path, flag):
    target = tmp_path / "kept.out"
    target.write_text("someone's own\n")
    target.chmod(0o444)
    code = main([*TRAIN, "--runs-dir", str(tmp_path / "runs"), flag, str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and "epoch" not in out
    assert f"{target}: is read-only: it is not replaced; make it writable or give another name" in one_line(err)
    assert target.read_text() == "someone's own\n" and not (tmp_path / "runs").exists()
