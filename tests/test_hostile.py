"""Hostile files, names and terminals (issue 24): whatever is in the runs directory, in a config, a checkpoint
or a sweep's flags, the user gets the listing, or one line and the documented exit code; never a traceback,
nothing lost, nothing hanging."""

import json
import os
import sqlite3

import pytest

from engine.run_summary import RunSummary
from engine.runs import RunStore
from engine.runs_index import INDEX_FILE
from tui.main import main


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def fake_run(root, folder: str, name: str, created: float = 1.7e9, **fields) -> str:
    """A kept run as the listing reads it (summary, run and checkpoint files), without training one."""
    place = root / folder
    place.mkdir(parents=True)
    summary = RunSummary(folder, name, created, 20, "completed", 0.9, 0.8, 0.3, {"dataset": "circles", "hidden": [8]})
    (place / "summary.json").write_text(json.dumps({**summary.as_dict(), **fields}))
    (place / "run.json").write_text("{}")
    (place / "checkpoint.pt").write_bytes(b"")
    return folder


def three_runs(root) -> list[str]:
    return [fake_run(root, f"2026010{i}-000000-circles-aaaa000{i}", f"run {i}", 1.7e9 + i) for i in range(3)]


def listing(capsys, root) -> tuple[int, list[str], str]:
    code = main(["runs", "--runs-dir", str(root)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


# ----- the runs directory (2, 3)


@pytest.mark.parametrize("entry", ["loop", "dangling"])
def test_a_symlink_loop_or_a_link_to_nothing_is_listed_as_damaged_beside_the_runs(capsys, tmp_path, entry):
    root = tmp_path / "runs"
    three_runs(root)
    (root / entry).symlink_to(entry if entry == "loop" else tmp_path / "moved-away")
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err
    assert [line.split()[1] for line in lines[1:4]] == ["2", "1", "0"]  # every run, newest first
    assert lines[4].startswith(f"damaged  {entry}: ") and len(lines) == 5
    runs, damaged = RunStore(root).summaries()
    assert len(runs) == 3 and [d.folder for d in damaged] == [entry]
    RunStore(root).delete(entry)  # `d` in the app: the link goes, never what it points to
    assert not os.path.lexists(root / entry) and RunStore(root).summaries()[1] == []


def test_index_rows_a_hand_or_another_tool_broke_are_read_again_from_their_folders(capsys, tmp_path):
    root = tmp_path / "runs"
    ids = three_runs(root)
    assert listing(capsys, root)[0] == 0  # indexed
    with sqlite3.connect(root / INDEX_FILE, isolation_level=None) as connection:
        connection.execute("UPDATE runs SET settings = '{not json' WHERE id = ?", (ids[0],))
        connection.execute("UPDATE runs SET epochs = 'many' WHERE id = ?", (ids[1],))
        connection.execute("UPDATE runs SET created = 'yesterday' WHERE id = ?", (ids[2],))
    connection.close()
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err and [line.split()[:2] for line in lines[1:]] == [["run", "2"], ["run", "1"], ["run", "0"]]
    assert "  20  " in lines[2] and "2023-11-14" in lines[3]
    with sqlite3.connect(root / INDEX_FILE) as connection:  # mended in the index too
        assert connection.execute("SELECT count(*) FROM runs WHERE typeof(epochs) = 'integer' AND "
                                  "typeof(created) = 'real' AND json_valid(settings)").fetchone() == (3,)
    connection.close()


@pytest.mark.parametrize("folder,text,problem", [
    ("deep", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ("nan", {"created": float("nan")}, "'created' is the number nan, not a time in seconds"),
    ("far", {"created": 1e300}, "'created' is the number 1e+300, not a time in seconds"),
    ("late", {"updated": float("inf")}, "'updated' is the number inf, not a time in seconds"),
    ("epochs", {"epochs": 10**30}, "'epochs' is the number of about 31 digits, not a whole number from 0 to 10^12"),
    ("digits", "{\"epochs\": " + "9" * 5000 + "}", "a whole number of thousands of digits"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 10 else "")
def test_a_summary_that_cannot_be_shown_is_listed_as_damaged_and_the_runs_beside_it_are_listed(
        capsys, tmp_path, folder, text, problem):
    root = tmp_path / "runs"
    three_runs(root)
    if isinstance(text, dict):
        fake_run(root, folder, "odd", **text)
    else:
        fake_run(root, folder, "odd")
        (root / folder / "summary.json").write_text(text)
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err and len(lines) == 5
    assert lines[4].startswith(f"damaged  {folder}: summary.json") and problem in lines[4]
    code = main(["runs", "--runs-dir", str(root), "--json", "-"])
    records = json.loads(capsys.readouterr().out)  # strict JSON: no NaN
    assert code == 0 and [r["damaged"] is not None for r in records] == [False] * 3 + [True]


# ----- configs and checkpoints (6, 7, 8)


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
], ids=["no-settings", "settings-list", "no-classes", "classes-text", "features", "history"])
def test_a_checkpoint_missing_a_part_is_refused_naming_the_file_and_the_part(capsys, tmp_path, checkpoint, change,
                                                                             words):
    import torch

    payload = torch.load(checkpoint, weights_only=True)
    change(payload)
    broken = tmp_path / "broken.pt"
    torch.save(payload, broken)
    capsys.readouterr()
    code = main(["train", "--resume", str(broken), "--epochs", "4", "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"annclf-tui: error: {broken}: ") and words in line
    assert not (tmp_path / "r").exists()


# ----- sweep grids (9)


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


# ----- outputs (4, 11)

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


# ----- what reaches the terminal (5), and the app (1, 3, 5)

ESC = "\x1b"
EVIL = "evil\x1b[2J\x1b]0;pwned\x07\x9b31mname"  # clears the screen, retitles the window, a C1 CSI


def test_control_characters_of_names_are_shown_escaped_in_the_runs_listing(capsys, tmp_path):
    root = tmp_path / "runs"
    three_runs(root)
    fake_run(root, "20260105-000000-circles-bbbb0000", EVIL, 1.8e9, sweep_name="sw\x1b[1mept")
    fake_run(root, f"bad{ESC}[31mfolder", "x", created=float("nan"))
    code, lines, err = listing(capsys, root)
    shown = "\n".join(lines)
    assert code == 0 and not err and ESC not in shown and "\x9b" not in shown and "\x07" not in shown
    assert lines[1].startswith(r"evil\x1b[2J\x1b]0;pwned\x07\x9b31mname") and r"sw\x1b[1mept" in lines[1]
    assert lines[-1].startswith(r"damaged  bad\x1b[31mfolder: summary.json")


def test_a_folder_whose_name_is_not_utf8_is_listed_and_written_as_json(capsys, tmp_path):
    root = tmp_path / "runs"
    three_runs(root)
    os.mkdir(os.fsencode(root) + b"/\xff\x1b")  # bytes no UTF-8 text holds, and an ESC
    fake_run(root, "20260105-000000-circles-bbbb0000", "c1\x9b31m bidi\u202e", 1.8e9)
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err and lines[-1] == r"damaged  \udcff\x1b: no summary.json: not a whole run"
    out = tmp_path / "runs.json"
    assert main(["runs", "--runs-dir", str(root), "--json", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert "\x9b" not in text and "\u202e" not in text  # escaped in the JSON text, the same strings once read
    records = json.loads(text)
    assert records[0]["name"] == "c1\x9b31m bidi\u202e" and records[-1]["folder"] == "\udcff\x1b"


def test_control_characters_of_csv_labels_never_reach_the_terminal(capsys, tmp_path):
    path = tmp_path / "evil.csv"
    labels = [f"a{ESC}[2J{ESC}[H", f"b{ESC}]0;x{ESC}\\"]  # twelve ESC bytes a report would print
    path.write_text("x,y,kind\n" + "".join(f"{i % 7},{i % 5},{labels[i % 2]}\n" for i in range(60)))
    code = main(["train", "--csv", str(path), "--epochs", "2", "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    out, err = capsys.readouterr()
    assert code == 0 and ESC not in out, err
    assert r"a\x1b[2J\x1b[H" in out and "b\\x1b]0;x\\x1b\\ " in out  # in the report and the confusion matrix


def test_a_sweeps_name_with_control_characters_is_shown_escaped_in_its_table(capsys, tmp_path):
    code = main(["sweep", "--dataset", "circles", "--samples", "100", "--hidden", "4", "--epochs", "2",
                 "--device", "cpu", "--name", EVIL, "--runs-dir", str(tmp_path / "runs")])
    out, err = capsys.readouterr()
    assert code == 0 and ESC not in out + err and "\x9b" not in out + err
    assert out.count(r"evil\x1b[2J\x1b]0;pwned\x07\x9b31mname") == 2  # the first line and the table's title


@pytest.mark.asyncio
async def test_the_apps_runs_view_lists_damaged_runs_and_escapes_names_and_keeps_running(tmp_path):
    from engine import Settings
    from tui.app.app import AnnclfApp

    from pilot_helpers import ready, shown_text, wait_until

    root = tmp_path / "runs"
    three_runs(root)
    fake_run(root, "20260105-000000-circles-bbbb0000", EVIL, 1.8e9)
    fake_run(root, "nan", "nan", created=float("nan"))
    fake_run(root, "far", "far", created=1e300)
    fake_run(root, "epochs", "epochs", epochs=10**30)
    (root / "loop").symlink_to("loop")
    app = AnnclfApp(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"),
                    output_dir=tmp_path, runs_dir=root)
    async with app.run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 4 and app.focused is table)
        await pilot.pause()
        text = shown_text(table)
        assert [d.folder for d in table.damaged] == ["epochs", "far", "loop", "nan"]
        assert ESC not in text and "\x9b" not in text and r"evil\x1b[2J" in text and text.count("damaged") == 4
        await pilot.press("end", "down", "up")  # the damaged rows drawn as the cursor passes them
        assert app.is_running


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


# ----- no terminal (10)


@pytest.mark.timeout(90, method="signal")
@pytest.mark.parametrize("stdin", ["pipe", "terminal"])
def test_the_app_without_a_terminal_says_so_and_exits_2_drawing_nothing(tmp_path, stdin):
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "tui", "--runs-dir", str(tmp_path)],
                              input=b"hi\n" if stdin == "pipe" else None,
                              stdin=None if stdin == "pipe" else follower, capture_output=True, timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2 and done.stdout == b""  # not one escape sequence drawn into the pipe
    line = one_line(done.stderr.decode())
    missing = "stdin and stdout are not one" if stdin == "pipe" else "stdout is not one"
    assert line == (f"annclf-tui: error: the app needs a terminal, and {missing} (a pipe or a file); `annclf-tui "
                    "train`, `annclf-tui sweep` and `annclf-tui runs` work without one")


def test_no_test_ends_the_test_run_on_a_hang():
    # an alarm's default action ends the whole pytest process; a hang must fail its own test (pytest-timeout)
    from pathlib import Path

    alarm = ".".join(["signal", "alarm("])  # not one constant: the compiled test would hold the word itself
    users = sorted(p.name for p in Path(__file__).parent.glob("*.py") if alarm in p.read_text(encoding="utf-8"))
    assert users == []


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_run_named_like_markup_is_renamed_and_deleted_in_the_app_its_name_shown_as_it_is(tmp_path):
    from textual.widgets import Static

    from engine import Settings
    from tui.app.app import AnnclfApp
    from tui.app.screens.ask import AskName, Confirm

    from pilot_helpers import notices, ready, shown_text, wait_until

    root = tmp_path / "runs"
    three_runs(root)
    odd = fake_run(root, "20260105-000000-circles-bbbb0000", "x[/] [bold]\x1b[2J", 1.8e9)  # the newest: the first row
    app = AnnclfApp(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"),
                    output_dir=tmp_path, runs_dir=root)
    async with app.run_test(size=(120, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 4 and app.focused is table)
        await pilot.press("n")  # rename: the question names the run
        await wait_until(pilot, lambda: isinstance(app.screen, AskName))
        question = shown_text(app.screen.query(Static).first())
        assert "A new name for 'x[/] [bold]\\x1b[2J'" in question and ESC not in question
        await pilot.press("escape")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Delete the run 'x[/] [bold]\\x1b[2J'" in shown_text(app.screen.query(Static).first())
        await pilot.press("y")
        await wait_until(pilot, lambda: notices(app) and len(table.runs) == 3)
        assert notices(app) == ["Deleted 'x[/] [bold]\\x1b[2J'"] and app.is_running
    assert not (root / odd).exists()


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


@pytest.mark.asyncio
async def test_a_failure_notice_shows_a_name_as_it_is_never_as_markup(tmp_path):
    from engine import Settings
    from engine.errors import AnnclfError
    from tui.app.app import AnnclfApp
    from tui.app.failures import notify_failure

    from pilot_helpers import notices, ready, wait_until

    app = AnnclfApp(Settings(dataset="circles", samples=100, hidden=[4], epochs=2, device="cpu"),
                    output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        notify_failure(app, AnnclfError("x[/]\x1b[2J.csv", "cannot be read"))
        await wait_until(pilot, lambda: notices(app))
        shown = notices(app)[0]
        assert "x[/]\\x1b[2J.csv" in shown and "cannot be read" in shown and "\x1b" not in shown and app.is_running


def test_train_refuses_an_output_inside_its_own_new_runs_directory(tmp_path, capsys):
    runs = tmp_path / "new-runs"
    code = main(["train", "--dataset", "circles", "--samples", "100", "--epochs", "1", "--runs-dir", str(runs),
                 "--json", str(runs / "results.json")])
    err = capsys.readouterr().err
    assert code == 2 and "runs director" in err and len(err.strip().splitlines()) == 1
    assert not (runs / "results.json").exists()


# ----- a full disk, an unwritable runs directory: each output its own outcome, the runs directory checked first
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
    assert [p.name for p in (tmp_path / "runs").iterdir() if not p.name.startswith("index")] == []


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


def test_a_sweep_whose_runs_cannot_be_kept_says_so_on_stderr_and_exits_1(capsys, tmp_path, monkeypatch):
    from engine.errors import FileProblem

    def full(self, session, *args, **kwargs):
        raise FileProblem(str(self.root / "a-run"), "the run cannot be kept: no space left on the device")

    monkeypatch.setattr(RunStore, "save", full)
    code = main(["sweep", "--dataset", "circles", "--samples", "200", "--hidden", "4", "--lr", "0.1,0.2",
                 "--epochs", "2", "--device", "cpu", "--runs-dir", str(tmp_path / "runs")])
    captured = capsys.readouterr()
    assert code == 1 and "no space left" not in captured.out
    errors = captured.err.strip().splitlines()
    assert errors[-1] == "annclf-tui: error: 2 runs of 2 could not be kept"
    assert sum("a run was not kept" in line and "no space left on the device" in line for line in errors) == 2


# ----- processes
def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended, its parent not told
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc") or (os.cpu_count() or 1) < 2, reason="needs /proc and two cores")
def test_a_sweeps_workers_end_when_its_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    app = str(Path(sys.executable).with_name("annclf-tui"))
    parent = subprocess.Popen([app, "sweep", "--dataset", "circles", "--samples", "2000", "--hidden", "32;64",
                               "--epochs", "1000000", "--device", "cpu", "--runs-dir", str(tmp_path / "runs")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline:  # polled: the workers start once data is made
            workers = _children(parent.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the sweep never started its workers"
        parent.send_signal(signal.SIGKILL)  # no handler runs, no stop is ever sent to them
        parent.wait()
        deadline = time.monotonic() + 60
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _running(w)]  # each ended at its next epoch
    finally:
        for pid in [*workers, *_children(parent.pid), parent.pid]:  # none left behind when it fails
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
