"""The classification report and confusion matrix as rich tables (shared by the CLI and the app)."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from tui.text.escapes import escaped

# Light rules and no outer padding: the report must fit beside the settings in an 80-column terminal.
STYLE = dict(title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False,
             collapse_padding=True)


def _named(name: str, k: int, colours: list[str] | None) -> Text:
    """A class's name (a CSV label: anything a file holds), escaped: no control character reaches the terminal."""
    return Text(escaped(name), style=colours[k]) if colours else Text(escaped(name))


PART_NAMES = {"train": "train", "val": "validation", "test": "test"}


def report_table(title: str, evaluation: dict, colours: list[str] | None = None) -> Table:
    """`colours`: a Rich colour per class, the map's (the app passes them; the command line does not)."""
    title = PART_NAMES.get(title, title)
    table = Table(title=f"{title}: accuracy {evaluation['accuracy']:.1%}, loss {evaluation['loss']:.4f}",
                  **STYLE)
    table.add_column("class")
    for column in ("precision", "recall", "f1", "support"):
        table.add_column(column, justify="right")
    report = evaluation["report"]
    rows = list(report["classes"].items())
    for i, (name, row) in enumerate(rows + [("macro", report["macro avg"]),
                                            ("weighted", report["weighted avg"])]):
        table.add_row(_named(name, i, colours) if i < len(rows) else name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      str(row["support"]), end_section=i == len(rows) - 1)
    return table


def confusion_table(title: str, class_names: list[str], matrix: list[list[int]],
                    colours: list[str] | None = None) -> Table:
    table = Table(title=f"{PART_NAMES.get(title, title)} confusion matrix", **STYLE)
    table.add_column("true \\ predicted")
    for k, name in enumerate(class_names):
        table.add_column(_named(name, k, colours), justify="right")
    for k, (name, row) in enumerate(zip(class_names, matrix)):
        table.add_row(_named(name, k, colours), *(str(v) for v in row))
    return table
