"""The app on a real (pseudo-)terminal, ended by a signal: a dropped SSH connection sends SIGHUP, a kill
SIGTERM. Either ends it as ctrl+q does: the run in training is kept, as stopped, and the exit code says which."""

import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))  # the terminal helper the benches use

from pty_app import APP, read_until, spawn, wait_for_end  # noqa: E402

from engine.runs import RunStore  # noqa: E402

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out


# an app that never ends fails this test (pytest-timeout's signal interrupts the wait), not the test run
@pytest.mark.timeout(300, method="signal")
@pytest.mark.parametrize("number,code", [(signal.SIGHUP, 129), (signal.SIGTERM, 143)])
def test_a_hangup_or_a_kill_keeps_the_run_in_training(tmp_path, number, code):
    pid, fd = spawn([APP, "--dataset", "moons", "--hidden", "8", "--epochs", "10000000", "--device", "cpu"],
                    100, 30, XDG_DATA_HOME=str(tmp_path))
    ended = False
    try:
        read_until(fd, b"ready", 120)  # the status line: PyTorch loaded, the data prepared
        os.write(fd, b"\x1b[15~")  # F5
        read_until(fd, b"running", 30)
        read_until(fd, b"epochs/s", 30)  # a rate: epochs have been trained
        os.kill(pid, number)
        if number == signal.SIGHUP:
            os.close(fd)  # the connection is gone: nothing more can be written to the terminal
            fd = None
            _, status = os.waitpid(pid, 0)
        else:
            status = wait_for_end(pid, fd)
        ended = True
        assert os.waitstatus_to_exitcode(status) == code
    finally:
        if fd is not None:
            os.close(fd)
        if not ended:  # failed or timed out: the app is not left running behind the tests
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    [run], damaged = RunStore(tmp_path / "annclf-tui" / "runs").summaries()
    assert not damaged and run.stopped == "stopped" and run.epochs > 0
