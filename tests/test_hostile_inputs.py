"""Inputs that would hang or explode (issue 24): a FIFO or device as a config or checkpoint, numbers of
thousands of digits, checkpoints missing a part, sweep grids of billions: one line and exit 2, at once."""

import os

import pytest

from tui.main import main

from hostile_helpers import one_line


@pytest.mark.timeout(60, method="signal")  # a FIFO read would wait forever: the test fails, the runner goes on
@pytest.mark.parametrize("command", [["train"], ["sweep"], [], ["train", "--resume"]])
def test_a_fifo_given_as_config_or_checkpoint_is_refused_not_waited_on(capsys, tmp_path, command):
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    flag = [] if command[-1:] == ["--resume"] else ["--config"]
    code = main([*command, *flag, str(fifo), "--epochs", "2", "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and f"{fifo}: is a FIFO (named pipe), not a" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.toml"]  # nothing written, no run kept


def test_a_device_given_as_config_is_refused(capsys, tmp_path):
    # /dev/zero would never end (and fill the memory); /dev/null reads as an empty file, which it is not
    code = main(["train", "--config", "/dev/null", "--epochs", "1", "--runs-dir", str(tmp_path)])
    assert code == 2 and "/dev/null: is a device, not a settings file" in one_line(capsys.readouterr().err)


def test_a_pickle_of_another_kind_given_as_a_checkpoint_is_one_line_without_torchs_warning(capsys, tmp_path):
    import pickle

    path = tmp_path / "evil.pt"
    with open(path, "wb") as handle:
        pickle.dump(os.system, handle, protocol=4)
    import subprocess
    import sys
    from pathlib import Path

    app = str(Path(sys.executable).with_name("annclf-tui"))  # a process of its own: warnings as a user sees them
    done = subprocess.run([app, "train", "--resume", str(path), "--epochs", "4", "--device", "cpu", "--runs-dir",
                           str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"annclf-tui: error: {path}: is not a checkpoint of this program (or it is damaged)\n"


@pytest.mark.parametrize("command", [["train"], ["sweep"], []])
def test_a_settings_file_of_megabytes_is_refused_before_it_is_parsed(capsys, tmp_path, command):
    path = tmp_path / "huge.toml"
    path.write_text("[training]\n" + "# a comment line a hostile or mistaken file repeats\n" * 40_000 + "epochs = 2\n")
    code = main([*command, "--config", str(path), "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and f"{path}: is over 1 MiB: not a settings file (those are a few lines)" in line
    assert not (tmp_path / "r").exists()


def test_a_toml_integer_of_thousands_of_digits_is_one_line_and_exit_2(capsys, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("[training]\nepochs = " + "9" * 5000 + "\n")
    code = main(["train", "--config", str(path), "--device", "cpu"])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and f"{path}: is not valid TOML: it holds a number of thousands of digits" in line


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("checkpoint") / "m.pt"
    assert main(["train", "--dataset", "circles", "--samples", "100", "--hidden", "4", "--epochs", "2",
                 "--device", "cpu", "--checkpoint", str(path), "--runs-dir", str(path.parent / "runs")]) == 0
    return path


@pytest.mark.parametrize("change,words", [
    (lambda p: p.pop("settings"), "is not a whole checkpoint: it has no 'settings' (a table of settings)"),
    (lambda p: p.update(settings=[1, 2]), "is damaged: its 'settings' is a list, not a table of settings"),
    (lambda p: p.pop("class_names"), "is not a whole checkpoint: it has no 'class_names'"),
    (lambda p: p.update(class_names="ab"), "its 'class_names' is text, not a list of class names"),
    (lambda p: p.update(feature_names=[1, 2]), "its 'feature_names' holds something other than names"),
    (lambda p: p.update(history=[]), "its 'history' is a list, not the history of the epochs"),
    (lambda p: p.update(gradient=3), "its 'gradient' is a number, not the last step's gradient"),
    (lambda p: p.update(gradient={"w": 1}), "its weights do not fit the network of its settings"),
    (lambda p: p.update(seconds=-1e308), "its 'seconds' is -1e+308, not a time spent training"),
    (lambda p: p.update(seconds=float("nan")), "its 'seconds' is nan, not a time spent training"),
    (lambda p: p["history"]["records"].append({"a": 1}), "its 'history' holds records this program cannot read"),
], ids=["no-settings", "settings-list", "no-classes", "classes-text", "features", "history", "gradient",
        "gradient-shape", "seconds-negative", "seconds-nan", "history-record"])
def test_a_checkpoint_missing_a_part_is_refused_naming_the_file_and_the_part(capsys, tmp_path, checkpoint, change,
                                                                             words):
    import torch

    payload = torch.load(checkpoint, weights_only=True)
    change(payload)
    broken = tmp_path / "broken.pt"
    torch.save(payload, broken)
    capsys.readouterr()
    code = main(["train", "--resume", str(broken), "--epochs", "4", "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    line = one_line(capsys.readouterr().err)  # one line: no warning of torch's before it
    assert code == 2 and line.startswith(f"annclf-tui: error: {broken}: ") and words in line
    assert not (tmp_path / "r").exists()


@pytest.mark.timeout(30, method="signal")  # a grid built before it is counted took minutes, or never answered
@pytest.mark.parametrize("flags,count", [
    (["--seed", "0..999999"], "1,000,000"),
    (["--samples", "10..10000000"], "9,999,991"),
    (["--seed", "0..999999", "--lr", "0.1,0.2", "--data-seed", "0..999999"], "2,000,000,000,000"),
])
def test_a_sweep_too_large_is_refused_at_once_with_its_count(capsys, tmp_path, flags, count):
    code = main(["sweep", *flags, "--runs-dir", str(tmp_path / "runs")])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and f"the sweep has {count} runs, more than --max-runs 500" in line
    assert not (tmp_path / "runs").exists()


@pytest.mark.timeout(60, method="signal")
def test_a_range_of_two_billion_seeds_is_counted_not_built(tmp_path):
    import resource
    import subprocess
    import sys

    def four_gigabytes():  # a list of 2^31 numbers would take some 80 GB: it must never be made
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    done = subprocess.run([sys.executable, "-m", "tui", "sweep", "--seed", "0..2147483647", "--runs-dir",
                           str(tmp_path)], capture_output=True, text=True, preexec_fn=four_gigabytes, timeout=50)
    assert done.returncode == 2 and "the sweep has 2,147,483,648 runs" in one_line(done.stderr)


def test_values_given_twice_are_found_in_ranges_too():
    from engine.errors import SettingError
    from engine.sweep_grid import parse_values

    with pytest.raises(SettingError) as caught:
        parse_values("seed", "0..5,3,4..9,20..30,25")
    assert caught.value.problem == "25, 3, 4..5 given twice"
    assert len(parse_values("seed", "0..999999,1000000")) == 1_000_001


@pytest.mark.asyncio
async def test_the_sweep_view_refuses_a_sweep_over_the_most_runs_before_building_it(tmp_path):
    from textual.widgets import Input

    from engine import Settings
    from tui.app.app import AnnclfApp

    from pilot_helpers import notices, ready, wait_until

    app = AnnclfApp(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"),
                    output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        app.query_one("#sweep-seed", Input).value = "0..999999"
        await pilot.press("escape", "f5")
        await wait_until(pilot, lambda: any("1,000,000 runs, more than 500" in n for n in notices(app)))
        assert app.sweep_view.feed is None and app.runner.sweep_feed is None  # nothing was built or started
