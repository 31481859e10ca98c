"""What tells runs apart: the settings that differ between them, and their final metrics side by side."""

from __future__ import annotations

from .schema import BY_NAME

METRICS = (("epochs trained", lambda run: f"{run['epochs']}"),
           ("ended by", lambda run: run["stopped"].replace("_", " ")),
           ("train accuracy", lambda run: f"{run['final']['train']['accuracy']:.1%}"),
           ("test accuracy", lambda run: f"{run['final']['test']['accuracy']:.1%}"),
           ("train loss", lambda run: _number(run["final"]["train"]["loss"])),
           ("test loss", lambda run: _number(run["final"]["test"]["loss"])))


def _number(value) -> str:
    return "—" if value is None else f"{value:.4f}"


def differing_settings(runs: list[dict]) -> list[str]:
    """Names of the settings (schema order) whose values are not the same in every run."""
    names = list(runs[0]["settings"])
    return [n for n in names if len({repr(run["settings"].get(n)) for run in runs}) > 1]


def run_labels(runs: list[dict], width: int = 40) -> list[str]:
    """Short labels that tell the runs apart, numbered: the name a person gave a run, else what differs
    between the runs, each value with its setting's label ("hidden layers 32,32 · activation relu"), cut
    to `width` (the compare table says the rest); their names when nothing differs."""
    from .runs import named_by_user

    rows = comparison_rows(runs)[:len(differing_settings(runs))]
    given = [named_by_user(run["name"], run["settings"]) for run in runs]
    labelled = [" · ".join(f"{label} {cells[i]}" for label, cells in rows) for i in range(len(runs))]
    labels = []
    for i, run in enumerate(runs):
        text = f"{i + 1} {run['name'] if given[i] or not labelled[i] else labelled[i]}"
        labels.append(text if len(text) <= width else text[:width - 1] + "…")
    return labels


def comparison_rows(runs: list[dict]) -> list[tuple[str, list[str]]]:
    """(label, one cell per run): the differing settings, formatted as the forms show them, then the
    final metrics. With identical settings the table says so in its first row."""
    rows = []
    for name in differing_settings(runs):
        setting = BY_NAME.get(name)
        label = setting.label if setting is not None else name
        cells = []
        for run in runs:
            value = run["settings"].get(name)
            cells.append("default" if value is None else (setting.format(value) if setting else str(value)))
        rows.append((label, cells))
    if not rows:
        rows.append(("settings", ["the same"] * len(runs)))
    rows += [(label, [cell(run) for run in runs]) for label, cell in METRICS]
    return rows
