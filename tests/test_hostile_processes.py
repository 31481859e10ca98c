"""Processes (issue 24): the app without a terminal, a hang that fails its own test, a sweep's workers
when their parent is killed."""

import os

import pytest

from hostile_helpers import one_line


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
