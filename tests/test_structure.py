"""The shape of the code the issues asked for, checked rather than hoped for: a small App that routes, no
mixins, small modules, one key table that the README follows, and no widget state written off the UI thread."""

import ast
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUI = sorted((ROOT / "tui").rglob("*.py"))


def test_the_app_module_is_small_and_every_tui_module_is_too():
    assert len((ROOT / "tui" / "app.py").read_text().splitlines()) < 250
    for path in TUI:
        assert len(path.read_text().splitlines()) <= 300, path


def test_no_class_of_the_app_mixes_in_another():
    from textual.app import App

    from tui.app import AnnclfApp

    assert AnnclfApp.__bases__ == (App,)
    for path in TUI:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                assert len(node.bases) <= 1, f"{path.name}: {node.name} has {len(node.bases)} bases"


def test_the_headless_command_and_the_app_share_the_arguments_module_not_each_other():
    imported = {node.module for node in ast.walk(ast.parse((ROOT / "tui" / "headless.py").read_text()))
                if isinstance(node, ast.ImportFrom)}
    assert "arguments" in imported and "cli" not in imported and "app" not in imported


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
    from tui.keys import ANYWHERE, NETWORK, OUTSIDE_FIELDS, RUNS, SWEEP, keyed

    wheres = (ANYWHERE, OUTSIDE_FIELDS, RUNS, NETWORK, SWEEP)
    assert readme_keys() == {k.name for where in wheres for k in keyed(where)}


@pytest.mark.asyncio
async def test_no_widget_or_app_attribute_is_written_off_the_ui_thread(tmp_path, monkeypatch):
    from textual.dom import DOMNode

    from engine import Settings
    from tui.app import AnnclfApp
    from tui.screens.compare import CompareScreen

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
