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
