"""A damaged or hostile runs directory (issue 24): one bad entry never hides the others, and a run the
listing or the app cannot show is listed as damaged, never a traceback."""

import json
import os
import sqlite3

import pytest

from engine.runs import RunStore
from engine.runs_index import INDEX_FILE
from tui.main import main

from hostile_helpers import ESC, EVIL, fake_run, listing, three_runs


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


@pytest.mark.parametrize("entry,target,words", [
    ("dangling", "moved-away", "which is not there"),
    ("a-file", "file.txt", "which is not a folder"),
    (INDEX_FILE, "/dev/zero", "not a runs index: the runs are read from their folders"),
])
def test_a_link_among_the_runs_says_what_it_points_to(capsys, tmp_path, entry, target, words):
    root = tmp_path / "runs"
    three_runs(root)
    (tmp_path / "file.txt").write_text("not a run\n")
    (root / INDEX_FILE).unlink(missing_ok=True)
    (root / entry).symlink_to(target if target.startswith("/") else tmp_path / target)
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err and len(lines) == 5  # the heading, every run, the link
    assert lines[4] == f"damaged  {entry}: a link to {target if target.startswith('/') else tmp_path / target}, {words}"


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


@pytest.mark.parametrize("edit", ["damaged", "renamed by hand"])
def test_a_summary_edited_in_place_after_it_was_indexed_is_listed_as_it_is_now(capsys, tmp_path, edit):
    root = tmp_path / "runs"
    ids = three_runs(root)
    assert listing(capsys, root)[0] == 0 and (root / INDEX_FILE).exists()  # indexed
    summary = root / ids[1] / "summary.json"
    if edit == "damaged":
        summary.write_text('{"name": "run 1", "epochs": "')  # cut short: a full disk, a crash
    else:  # in place and of the same size: only its time tells
        summary.write_text(summary.read_text().replace('"run 1"', '"Run 1"'))
    code, lines, err = listing(capsys, root)
    assert code == 0 and not err
    if edit == "damaged":
        assert [line.split()[:2] for line in lines[1:3]] == [["run", "2"], ["run", "0"]]
        assert lines[3].startswith(f"damaged  {ids[1]}: ") and len(lines) == 4
    else:
        assert [line.split()[:2] for line in lines[1:]] == [["run", "2"], ["Run", "1"], ["run", "0"]]


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
