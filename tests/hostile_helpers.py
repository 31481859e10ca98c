"""What the hostile-case tests share: one line of error, and kept runs made without training."""

import json

from engine.run_summary import RunSummary
from tui.main import main

ESC = "\x1b"
EVIL = "evil\x1b[2J\x1b]0;pwned\x07\x9b31mname"  # clears the screen, retitles the window, a C1 CSI


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
