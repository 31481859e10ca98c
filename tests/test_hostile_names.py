"""Names, labels and folder names as text (issue 24): control characters shown escaped in the listing, the
sweep table and the app, never sent to the terminal, and never read as markup."""

import pytest

from tui.main import main

from hostile_helpers import ESC, EVIL, fake_run, listing, three_runs


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


def test_a_file_name_that_is_not_utf8_names_runs_that_are_kept_listed_and_named_apart(capsys, tmp_path):
    import os
    import shutil

    from engine.runs import RunStore

    source = tmp_path / "plain.csv"
    source.write_text("a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 5},{i % 2}\n" for i in range(60)))
    strange = os.fsdecode(os.fsencode(tmp_path) + b"/r\xffdir.csv")  # bytes of another encoding: surrogates
    shutil.copy(source, strange)
    runs, toml = tmp_path / "runs", tmp_path / "run.toml"
    train = ["train", "--csv", strange, "--hidden", "4", "--epochs", "2", "--device", "cpu", "--runs-dir", str(runs)]
    code = main([*train, "--save-config", str(toml), "--json", str(tmp_path / "run.json")])
    out, err = capsys.readouterr()
    assert code == 1 and (tmp_path / "run.json").exists() and not toml.exists() and "kept as run" in out
    assert err.strip().splitlines()[-1:] == [f"annclf-tui: error: {toml}: cannot be written: it would hold a name that "
                                        "is not UTF-8 text (a file name in another encoding); rename that file"]
    assert main(train) == 0  # the same settings again: a name of its own, though the index cannot hold either
    capsys.readouterr()
    code, lines, err = listing(capsys, runs)
    assert code == 0 and not err and [line.split("  ")[0] for line in lines[1:]] == [
        r"r\udcffdir.csv 4 relu adam lr 0.01 #2", r"r\udcffdir.csv 4 relu adam lr 0.01"]
    first = os.fsencode(sorted(n for n in os.listdir(runs) if not n.startswith(".") and n != "index.sqlite")[0])
    copied = os.fsencode(runs) + b"/\xfe" + first[-8:]  # a whole run, under a folder name of such bytes
    shutil.copytree(os.path.join(os.fsencode(runs), first), copied)
    assert len(RunStore(runs).summaries()[0]) == 3 and main(["runs", "--runs-dir", str(runs), "--json",
                                                              str(tmp_path / "runs.json")]) == 0
