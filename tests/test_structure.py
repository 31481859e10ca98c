"""The shape of the code, checked rather than hoped for: the layering contracts, no mixins, one key table that
the README follows, and no widget state written off the UI thread."""

import ast
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUI = sorted((ROOT / "tui").rglob("*.py"))


def test_the_layering_contracts_hold():
    """pyproject.toml's import-linter contracts: the engine free of tui and textual, the commands free of
    textual and of the app, the terminal layer free of the app (imports inside functions count too)."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint) if lint.exists() else "lint-imports", "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_no_class_of_the_app_mixes_in_another():
    from textual.app import App

    from tui.app.app import AnnclfApp

    assert AnnclfApp.__bases__ == (App,)
    for path in TUI:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                assert len(node.bases) <= 1, f"{path.name}: {node.name} has {len(node.bases)} bases"


def readme_keys() -> set[str]:
    """The keys in the first column of README's key tables (rows that start with a `key`)."""
    keys = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        cells = line.split("|")
        found = re.findall(r"`([^`]+)`", cells[1]) if len(cells) > 2 and cells[1].strip().startswith("`") else []
        if found and not found[0].startswith("--"):  # the flags' tables are not key tables
            keys |= set(found)
    return keys


def test_the_readme_lists_every_key_of_the_key_table_and_no_other():
    from tui.app.keys import ANYWHERE, NETWORK, OUTSIDE_FIELDS, RUNS, SWEEP, keyed

    wheres = (ANYWHERE, OUTSIDE_FIELDS, RUNS, NETWORK, SWEEP)
    assert readme_keys() == {k.name for where in wheres for k in keyed(where)}


@pytest.mark.slow
@pytest.mark.asyncio
async def test_no_widget_or_app_attribute_is_written_off_the_ui_thread(tmp_path, monkeypatch):
    from textual.dom import DOMNode

    from engine import Settings
    from tui.app.app import AnnclfApp
    from tui.app.screens.compare import CompareScreen

    from pilot_helpers import ready, train, wait_until

    ui, written = threading.current_thread(), []
    setattr_ = DOMNode.__setattr__

    def watched(node, name, value):
        if threading.current_thread() is not ui:
            written.append(f"{type(node).__name__}.{name} from {threading.current_thread().name}")
        setattr_(node, name, value)

    monkeypatch.setattr(DOMNode, "__setattr__", watched)
    app = AnnclfApp(Settings(dataset="moons", samples=300, hidden=[8], epochs=300, device="cpu"),
                    output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("r")  # the report kept current while it trains
        await train(pilot, 300)
        await pilot.press("v", "f8")
        await wait_until(pilot, lambda: app.runner.run_id is None and app.runner.session.history.epoch == 0)
        await train(pilot, 300)
        app.query_one("#input-hidden").value = "4"
        await wait_until(pilot, lambda: app.runner.session.settings.hidden == [4])
        await train(pilot, 300)
        await pilot.press("u", "space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        await pilot.press("escape", "v", "ctrl+s", "f5")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == 1)
        await pilot.press("ctrl+q")
    assert written == []
