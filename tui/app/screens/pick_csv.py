"""Choosing your own data from the keyboard: a CSV file (typed, or found in a tree), then its label column."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, OptionList, Static


class CsvTree(DirectoryTree):
    """Folders and .csv files only; hidden ones left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() == ".csv")]


class PickCsv(ModalScreen[str | None]):
    """Enter on a typed path or on a file of the tree gives its path; Escape gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#csv-path"

    def __init__(self, start: Path):
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-box pick-box"):
            yield Static("Your own data: a CSV file with a header row")
            yield Input(placeholder="type a path and Enter, or Tab to the files below", id="csv-path")
            yield Static("", id="csv-problem")
            yield CsvTree(self.start, id="csv-tree")
            yield Static("Enter: choose · Tab: path / files · Escape: cancel", classes="ask-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        path = Path(event.value.strip()).expanduser()
        problem = None if path.is_file() else ("is a folder: choose a file in it" if path.is_dir() else "no such file")
        if problem is None:
            self.dismiss(str(path))
        else:  # said here, the typed path kept to be mended: the dialog stays open
            self.query_one("#csv-problem", Static).update(f"{path}: {problem}")

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickColumn(ModalScreen[str | None]):
    """The label column, from the file's header: Enter chooses, Escape gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#columns"

    def __init__(self, path: str, columns: list[str]):
        super().__init__()
        self.path, self.columns = path, columns

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-box pick-box"):
            yield Static(f"Which column of {Path(self.path).name} holds the class labels? "
                         "The others are the features.")
            yield OptionList(*self.columns, id="columns")
            yield Static("Enter: choose · Escape: cancel", classes="ask-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = len(self.columns) - 1  # most files put the label last

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.columns[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def pick_csv(app, start: Path, done: Callable[[str, str], None]) -> None:
    """Ask for a CSV file, then for its label column; `done(path, label)` once both are chosen."""

    def file_chosen(path: str | None) -> None:
        if path is None:
            return
        from engine.datasets.csv_reading import columns
        from engine.errors import AnnclfError

        try:
            names = columns(path)
        except AnnclfError as error:
            app.notify(str(error), title="cannot use this file", severity="error", timeout=10)
            return
        app.push_screen(PickColumn(path, names), lambda label: done(path, label) if label is not None else None)

    app.push_screen(PickCsv(start), file_chosen)
