"""`--tensorboard DIR`: event files TensorBoard reads, one folder per run named like it: per epoch the losses,
accuracies and learning rate of the run's own history, the decision map as an image every N epochs and at the
end, and for a sweep each run's settings and final metrics as hyper-parameters; one-line errors when it cannot."""

import io
import json
import struct
import sys
from pathlib import Path

import pytest

from tui.main import main

pytest.importorskip("tensorboardX")
from tensorboardX.proto import event_pb2  # noqa: E402

QUICK = ["--dataset", "moons", "--samples", "200", "--hidden", "6", "--device", "cpu"]


def events(folder: Path) -> list:
    """Every event of the event files in `folder` (TFRecord: length, its CRC, the record, its CRC)."""
    out = []
    for path in sorted(folder.glob("events.out.tfevents.*")):
        data = path.read_bytes()
        at = 0
        while at < len(data):
            (length,) = struct.unpack_from("<Q", data, at)
            event = event_pb2.Event()
            event.ParseFromString(data[at + 12:at + 12 + length])
            out.append(event)
            at += 12 + length + 4
    return out


def scalars(folder: Path) -> dict[str, dict[int, float]]:
    found: dict[str, dict[int, float]] = {}
    for event in events(folder):
        for value in event.summary.value:
            if value.HasField("simple_value"):
                found.setdefault(value.tag, {})[event.step] = value.simple_value
    return found


def images(folder: Path) -> dict[int, tuple[int, int]]:
    """step → (width, height) of each decision map written."""
    from PIL import Image

    found = {}
    for event in events(folder):
        for value in event.summary.value:
            if value.HasField("image") and value.tag == "decision_map":
                found[event.step] = Image.open(io.BytesIO(value.image.encoded_image_string)).size
    return found


def test_a_run_writes_its_history_and_its_maps_for_tensorboard(capsys, tmp_path):
    board, record = tmp_path / "board", tmp_path / "run.json"
    code = main(["train", *QUICK, "--epochs", "12", "--val-size", "0.2", "--tensorboard", str(board),
                 "--tensorboard-map-every", "5", "--json", str(record), "--runs-dir", str(tmp_path / "runs")])
    out = capsys.readouterr().out
    assert code == 0
    (folder,) = board.iterdir()
    assert folder.name == "moons 6 relu adam lr 0.01"  # named like the run
    assert f"wrote TensorBoard's files in {folder}" in out
    history = json.loads(record.read_text())["history"]
    found = scalars(folder)
    assert set(found) == {f"{kind}/{part}" for kind in ("loss", "accuracy") for part in ("train", "validation", "test")} | {"learning_rate"}
    for row in history:
        assert found["loss/train"][row["epoch"]] == pytest.approx(row["train_loss"], rel=1e-6)
        assert found["accuracy/test"][row["epoch"]] == pytest.approx(row["test_accuracy"], rel=1e-6)
        assert found["loss/validation"][row["epoch"]] == pytest.approx(row["val_loss"], rel=1e-6)
    assert images(folder) == {5: (96, 96), 10: (96, 96), 12: (96, 96)}  # every 5 epochs, and the last


def test_a_sweep_writes_each_run_and_its_settings_and_metrics_as_hyper_parameters(capsys, tmp_path):
    board = tmp_path / "board"
    code = main(["sweep", *QUICK, "--epochs", "6", "--lr", "0.01,0.1", "--seed", "0,1", "--tensorboard", str(board),
                 "--runs-dir", str(tmp_path / "runs")])
    assert code == 0, capsys.readouterr().err
    folders = sorted(p.name for p in board.iterdir())
    assert folders == [f"moons 6 relu adam lr {lr} seed {seed}" for lr in ("0.01", "0.1") for seed in (0, 1)]
    for name in folders:
        assert set(scalars(board / name)["loss/train"]) == set(range(1, 7))
        assert images(board / name) == {6: (96, 96)}
        hparams = scalars(board / name / "hparams")
        assert set(hparams) == {"hparam/test_accuracy", "hparam/test_loss", "hparam/train_accuracy"}
        plugin = [v.metadata.plugin_data.content for e in events(board / name / "hparams") for v in e.summary.value
                  if v.metadata.plugin_data.plugin_name == "hparams"]
        assert plugin and any(b"lr" in content and b"seed" in content for content in plugin)


def test_without_tensorboardx_or_a_folder_for_it_the_run_is_refused_in_one_line(capsys, tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("")
    code = main(["train", *QUICK, "--epochs", "2", "--tensorboard", str(afile / "board"),
                 "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is not a folder" in err
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # not installed
    for command in (["train", *QUICK, "--epochs", "2"], ["sweep", *QUICK, "--epochs", "2", "--lr", "0.1,0.2"]):
        code = main([*command, "--tensorboard", str(tmp_path / "board"), "--runs-dir", str(tmp_path / "runs")])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert "pip install 'annclf-tui[tensorboard]'" in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").glob("*/summary.json"))


def test_the_app_with_a_tensorboard_folder_writes_the_runs_it_trains_as_train_does(tmp_path):
    import asyncio

    from engine import Settings
    from tui.app.app import AnnclfApp

    from pilot_helpers import kept, ready, wait_until

    board = tmp_path / "board"
    app = AnnclfApp(Settings(dataset="moons", samples=200, hidden=[6], epochs=12, device="cpu"),
                    runs_dir=tmp_path / "runs", tensorboard=(str(board), 5))

    async def drive():
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            app.set_focus(None)
            await pilot.press("f5")
            await wait_until(pilot, lambda: len(kept(tmp_path)) == 1 and app.runner.training is None)
        app.runner.settle()  # as the app's launch does once its screen is gone: the files closed

    asyncio.run(drive())
    (folder,) = board.iterdir()
    assert folder.name == "moons 6 relu adam lr 0.01"  # named like the run, as `train` names it
    history = kept_history(tmp_path)
    found = scalars(folder)
    assert sorted(found["loss/train"]) == [row["epoch"] for row in history] == list(range(1, 13))
    for row in history:
        assert found["loss/train"][row["epoch"]] == pytest.approx(row["train_loss"], rel=1e-6)
        assert found["accuracy/test"][row["epoch"]] == pytest.approx(row["test_accuracy"], rel=1e-6)
    assert images(folder) == {5: (96, 96), 10: (96, 96), 12: (96, 96)}


def kept_history(tmp_path) -> list[dict]:
    from engine.runs import RunStore

    store = RunStore(tmp_path / "runs")
    (summary,) = store.summaries()[0]
    return store.load(summary.id)["history"]


def test_the_app_refuses_a_tensorboard_folder_it_cannot_use_before_it_opens(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["--tensorboard", str(blocker / "inside")]) == 2
    err = capsys.readouterr().err
    assert "cannot hold TensorBoard's files" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("flag", ["-", "", "inside the runs directory", "the runs directory"])
def test_a_tensorboard_folder_is_checked_as_every_output_is(capsys, tmp_path, flag):
    runs = tmp_path / "runs"
    runs.mkdir()
    folder = {"inside the runs directory": str(runs / "tb"), "the runs directory": str(runs)}.get(flag, flag)
    for command in (["train", *QUICK, "--epochs", "2"], ["sweep", *QUICK, "--epochs", "2", "--lr", "0.1,0.2"]):
        code = main([*command, "--tensorboard", folder, "--runs-dir", str(runs)])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert {"-": "'-' (standard output) is not taken here", "": "an empty path"}.get(
            flag, f"--tensorboard would write inside the runs directory {runs}") in err
    assert list(runs.iterdir()) == [] and not Path("-").exists()


def test_a_full_disk_under_the_tensorboard_folder_costs_its_files_alone(capsys, tmp_path, monkeypatch):
    import errno

    from tensorboardX import SummaryWriter

    from engine.runs import RunStore

    written = []

    def add_scalar(self, *args, **kwargs):
        written.append(args)
        if len(written) > 9:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SummaryWriter, "add_scalar", add_scalar)
    code = main(["train", *QUICK, "--epochs", "6", "--tensorboard", str(tmp_path / "board"),
                 "--json", str(tmp_path / "run.json"), "--runs-dir", str(tmp_path / "runs")])
    out, err = capsys.readouterr()
    (folder,) = (tmp_path / "board").iterdir()
    assert code == 1 and err.strip().splitlines() == [
        f"annclf-tui: error: TensorBoard: {folder}: cannot be written: no space left on the device"]
    assert json.loads((tmp_path / "run.json").read_text())["epochs"] == 6  # every epoch trained, the rest written
    assert [run.epochs for run in RunStore(tmp_path / "runs").summaries()[0]] == [6]
    assert len(written) == 10  # no write tried after the first that failed


def test_the_apps_run_is_kept_when_its_tensorboard_folder_fills_up(tmp_path, monkeypatch):
    import errno
    import threading

    from tensorboardX import SummaryWriter

    from engine import Settings, TrainingSession
    from engine.runs import RunStore
    from tui.app.runner import train
    from tui.app.tensorboard_boards import Boards

    def add_scalar(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SummaryWriter, "add_scalar", add_scalar)
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[6], epochs=4, device="cpu"))
    kept = threading.Event()
    trained = train(session, RunStore(tmp_path / "runs"), None, None, kept, Boards(str(tmp_path / "board"), 2))
    assert kept.is_set() and trained.summary is not None and trained.summary.epochs == 4
    assert trained.board_problem.endswith("cannot be written: no space left on the device")


@pytest.mark.parametrize("command,flag", [("train", "--json"), ("train", "--checkpoint"), ("train", "--metrics"),
                                          ("sweep", "--json")])
@pytest.mark.parametrize("where", ["the same path", "inside the file"])
def test_an_output_file_and_the_tensorboard_folder_on_one_path_are_refused_before_training(capsys, tmp_path, command,
                                                                                         flag, where):
    file = tmp_path / "out"
    board = file if where == "the same path" else file / "tb"
    argv = {"train": ["train", *QUICK, "--epochs", "2"], "sweep": ["sweep", *QUICK, "--epochs", "2", "--lr", "0.1,0.2"]}
    code = main([*argv[command], flag, str(file), "--tensorboard", str(board), "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and err == f"annclf-tui: error: {board}: {flag} and --tensorboard both name {file}: give each its own\n"
    assert not file.exists() and not (tmp_path / "runs").exists()
