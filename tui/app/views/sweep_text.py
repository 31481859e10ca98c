"""The sweep view's words: the count of runs, the page line, each tile's title, the status line, and which
kept run stands for a configuration. Pure: tested without the app."""

from __future__ import annotations

HINT = ("The other settings are the training form's. F5 trains every combination; F7 stops (what finished is "
        "kept). Lists: 0.01,0.1 · hidden 8;16,16 · seed 0..4.")


def count_line(grid) -> str:
    varying = grid.varying
    what = " × ".join(f"{len(grid.axes[n])} {n.replace('_', ' ')}" for n in varying) or "one configuration"
    return f"[b]{grid.count:,} run{'s' if grid.count != 1 else ''}[/b]: {what}"


def page_line(page: int, pages: int, configurations: int) -> str:
    return (f"{configurations} configurations · page {page + 1}/{pages} (PgUp PgDn) · arrows choose · space "
            "mark · c compare · Enter open")


def by_index(job) -> dict:
    """Configuration index (the plan's order) → its row of the sweep's table, for those that finished."""
    from engine.sweep_grid import SEEDS, configuration_key

    varying = [n for n in job.sweep.grid.varying if n not in SEEDS]
    rows = {}
    for row in job.sweep.table():
        key = configuration_key(row.runs[0].settings, varying)
        rows[job.keys.index(key)] = row
    return rows


def config_name(job, index: int) -> str:
    from engine.sweep import label

    return " ".join(f"{name.replace('_', ' ')} {label(name, value)}" for name, value in job.keys[index]) or "the run"


def tile_title(job, rows: dict, index: int, drawn, marked: bool) -> str:
    """The test accuracy, then the values that vary (the table names them): the mean over the seeds once they
    have all finished (`rows`: by_index's), else the drawn run's, live."""
    row = rows.get(index)
    runs_each = len(job.sweep.plan) // max(len(job.keys), 1)
    if row is not None and len(row.runs) == runs_each:
        accuracy = f"{row.mean:.3f}" + (f"±{row.std:.2f}" if len(row.runs) > 1 else "")
    elif drawn is not None:
        accuracy = f"{drawn[2]:.3f}…"
    else:
        accuracy = "waiting"
    from engine.sweep import label

    values = " ".join(label(name, value) for name, value in job.keys[index]) or "the run"
    return ("✓ " if marked else "") + f"{accuracy} · {values}"  # the accuracy first: a narrow title keeps it


def drawn_run(job, index: int):
    """The kept run that stands for a configuration (its first seed), None until it has finished."""
    from engine.sweep_grid import SEEDS, configuration_key

    varying = [n for n in job.sweep.grid.varying if n not in SEEDS]
    for run in list(job.sweep.runs):
        if configuration_key(run.settings, varying) == job.keys[index] and run.run_id is not None:
            return run
    return None


def status_parts(job, progress: tuple[int, int], ended: str | None) -> list:
    if job is None:
        return [("no sweep yet: set lists of values, then F5", 0)]
    sweep = job.sweep
    done, runs = progress
    parts = [(f"{runs:,}/{len(sweep.plan):,} runs kept", 0), (f"{done / max(len(sweep.plan), 1):.0%} trained", 2)]
    parts.append((ended or "running", 1))
    return parts
