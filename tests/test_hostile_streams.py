"""Standard output that fails (a full disk, a closed stdout, a reader gone), a runs directory that is a loop of
links or cannot be read, a summary that is a FIFO, an error line quoting a huge cell, an absurd --max-runs:
each ends in one line with its exit code; nothing hangs and no trained run is lost."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile_helpers import one_line, three_runs
from tui.main import main

APP = str(Path(sys.executable).with_name("annclf-tui"))
SMALL = ["train", "--samples", "200", "--epochs", "3", "--hidden", "4", "--device", "cpu"]


def kept(root: Path) -> int:
    return len(list(root.glob("*/summary.json")))


@pytest.mark.slow
@pytest.mark.parametrize("how", ["full disk", "closed", "reader gone"])
def test_a_failing_standard_output_never_loses_the_run_and_says_so_in_one_line(tmp_path, how):
    runs = tmp_path / "runs"
    command = [APP, *SMALL, "--runs-dir", str(runs)]
    if how == "full disk":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full here")
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert done.returncode == 1 and "could not write to standard output: No space left" in one_line(done.stderr)
    elif how == "closed":
        done = subprocess.run(["bash", "-c", '"$@" >&-', "-", *command], stderr=subprocess.PIPE, text=True,
                              timeout=120)
        assert done.returncode == 1 and "could not write to standard output" in one_line(done.stderr)
    else:
        done = subprocess.run(["bash", "-c", '"$@" | true; exit ${PIPESTATUS[0]}', "-", *command],
                              stderr=subprocess.PIPE, text=True, timeout=120)
        assert done.returncode == 141 and done.stderr == ""  # quiet, as a pipeline expects
    assert kept(runs) == 1


@pytest.mark.slow
@pytest.mark.parametrize("stderr", ["closed", "full disk"])
@pytest.mark.parametrize("case,code", [("a run", 0), ("a refused setting", 2), ("the app", 2), ("runs", 0)])
def test_a_closed_or_full_standard_error_leaves_the_exit_code_as_it_was(tmp_path, stderr, case, code):
    if stderr == "full disk" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    argv = {"a run": SMALL, "a refused setting": [*SMALL, "--lr", "-1"], "the app": ["--lr", "0.1"],
            "runs": ["runs"]}[case]
    redirect = "2>&-" if stderr == "closed" else "2>/dev/full"
    (tmp_path / "runs").mkdir()
    done = subprocess.run(["bash", "-c", f'"$@" {redirect}', "-", APP, *argv, "--runs-dir", str(tmp_path / "runs")],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert done.returncode == code and "Traceback" not in done.stdout and "error" not in done.stdout
    assert kept(tmp_path / "runs") == (1 if case == "a run" else 0)


def test_the_app_with_standard_output_closed_says_it_needs_a_terminal_in_one_line(tmp_path):
    done = subprocess.run(["bash", "-c", '"$@" >&-', "-", APP, "--runs-dir", str(tmp_path / "runs")],
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2 and one_line(done.stderr).startswith("annclf-tui: error: the app needs a terminal")


def test_a_runs_directory_that_is_a_loop_of_links_is_refused_before_training(capsys, tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    code = main([*SMALL, "--runs-dir", str(tmp_path / "a")])
    assert code == 2 and "a link to nothing (or a loop of links)" in one_line(capsys.readouterr().err)


def test_a_summary_that_is_a_fifo_is_listed_as_damaged_without_waiting(capsys, tmp_path):
    ids = three_runs(tmp_path)
    (tmp_path / ids[0] / "summary.json").unlink()
    os.mkfifo(tmp_path / ids[0] / "summary.json")
    code = main(["runs", "--runs-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and f"{ids[0]}: summary.json is not a plain file" in out
    assert "run 1" in out and "run 2" in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_a_runs_directory_that_cannot_be_read_is_said_never_no_runs(capsys, tmp_path):
    three_runs(tmp_path)
    tmp_path.chmod(0o000)
    try:
        code = main(["runs", "--runs-dir", str(tmp_path)])
    finally:
        tmp_path.chmod(0o755)
    assert code == 2 and "cannot be read" in one_line(capsys.readouterr().err)


def test_an_error_quoting_a_huge_cell_is_cut_to_a_readable_line(capsys, tmp_path):
    data = tmp_path / "big.csv"
    rows = [f"{i % 7},{i % 5},{'a' if i % 2 else 'b'}" for i in range(40)] + ["1,2," + "c" * 1_000_000]
    data.write_text("x,y,label\n" + "\n".join(rows) + "\n")
    code = main(["train", "--csv", str(data), "--epochs", "1", "--device", "cpu", "--runs-dir", str(tmp_path / "r")])
    line = one_line(capsys.readouterr().err)
    assert code == 2 and len(line) < 800 and " … " in line


def test_a_sweep_cannot_be_raised_past_a_ceiling_of_runs(capsys, tmp_path):
    with pytest.raises(SystemExit) as ended:  # refused by the argument parser, as any malformed flag
        main(["sweep", "--seed", "0..2147483647", "--max-runs", "9999999999999", "--runs-dir", str(tmp_path)])
    assert ended.value.code == 2 and "--max-runs" in one_line(capsys.readouterr().err)
