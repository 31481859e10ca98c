"""`annclf-tui runs`: the kept runs, newest first, as a table on stdout or as JSON.

It answers from the runs index and never imports torch or scikit-learn (torch alone takes about 2 s to
import): only the engine's plain-data modules are used here.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import time
from pathlib import Path

from engine.errors import AnnclfError
from engine.runs import Damaged, RunStore, RunSummary, default_runs_dir
from engine.training.outcome import Reason

from tui.text.escapes import escaped

from .arguments import describe_error, fail

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
NAME_MAX = 48  # a longer name is cut (the JSON has it whole)
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HEADERS = ("name", "dataset", "hidden", "test acc", "epochs", "ended", "sweep", "kept")


def _hidden(settings: dict) -> str:
    hidden = settings.get("hidden")
    if isinstance(hidden, list):
        return ",".join(map(str, hidden)) or "none"
    return "—" if hidden is None else str(hidden)


@functools.cache  # a handful of values over thousands of rows
def _ended(stopped: str) -> str:
    reason = Reason.read(stopped)
    return reason.label if reason is not None else stopped


def _when(seconds: float) -> str:
    return _minute(int(seconds) // 60)


@functools.lru_cache(maxsize=4096)  # runs kept in the same minute read the same
def _minute(minute: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(minute * 60))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def as_record(run: RunSummary) -> dict:
    """A run as `--json` writes it."""
    return {"id": run.id, "name": run.name, "dataset": run.settings.get("dataset"), "hidden": run.settings.get("hidden"),
            "test_accuracy": run.test_accuracy, "train_accuracy": run.train_accuracy, "test_loss": run.test_loss,
            "epochs": run.epochs, "stopped": run.stopped, "sweep_id": run.sweep_id, "sweep_name": run.sweep_name,
            "created": run.created, "kept": run.kept, "folder": run.id, "damaged": None}


def damaged_record(broken: Damaged) -> dict:
    return {"id": broken.folder, "folder": broken.folder, "damaged": broken.problem}


def table(runs: list[RunSummary], damaged: list[Damaged]) -> str:
    """One line a run, newest first, in columns as wide as their widest cell; then the damaged folders."""
    rows = [HEADERS]
    for run in runs:  # what a file or a person named is shown escaped: no control character reaches the terminal
        rows.append((_cut(escaped(run.name), NAME_MAX), escaped(str(run.settings.get("dataset", "—"))),
                     escaped(_hidden(run.settings)), "—" if run.test_accuracy is None else f"{run.test_accuracy:.1%}",
                     f"{run.epochs:,}", escaped(_ended(run.stopped)), escaped(run.sweep_name or "—"), _when(run.kept)))
    widths = [max(map(len, column)) for column in zip(*rows)]
    right = {HEADERS.index("test acc"), HEADERS.index("epochs")}  # numbers line up on their last digit
    line = "  ".join(f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths))  # one format for all
    lines = [line.format(*row).rstrip() for row in rows]
    lines += [escaped(f"damaged  {broken.folder}: {broken.problem}") for broken in damaged]
    return "\n".join(lines) + "\n"


def as_json(records: list[dict]) -> str:
    """The records as JSON, names in their own letters; a folder whose name is not UTF-8 (its bytes come as
    lone surrogates, which no UTF-8 file can hold) makes the whole of it ASCII, the name escaped (\\udcff)."""
    text = json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(records, indent=1) + "\n"
    # JSON escapes the C0 controls only: DEL, the C1 controls (\x9b starts a sequence as ESC [ does) and the
    # bidirectional overrides are escaped too (the same JSON string), for `--json -` read in a terminal
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    from engine.atomic import write_text

    write_text(path, text)


def list_runs(args: argparse.Namespace) -> int:
    root = Path(args.runs_dir) if args.runs_dir else default_runs_dir()
    if root.exists() and not root.is_dir():
        return fail(f"--runs-dir {root}: not a folder; give the folder that holds the runs", EXIT_INVALID)
    if not root.exists() and args.runs_dir:
        return fail(f"--runs-dir {root}: no such folder", EXIT_INVALID)
    if args.json is not None and args.json != "-":
        from engine.output_paths import check_outputs

        try:  # writable, and outside the runs directory (whose index the listing may rebuild over it)
            check_outputs({"--json": args.json}, {}, runs_dir=root)
        except AnnclfError as error:
            message = describe_error(error)
            return fail(message if "--json" in message else f"--json: {message}", EXIT_INVALID)
    try:
        runs, damaged = RunStore(root).summaries()
    except AnnclfError as error:  # a folder that cannot be read: its runs are there, hidden; never "no runs"
        return fail(describe_error(error), EXIT_INVALID)
    try:
        if args.json:
            records = [as_record(r) for r in runs] + [damaged_record(d) for d in damaged]
            _write(args.json, as_json(records))
        if args.json != "-":
            sys.stdout.write(table(runs, damaged) if runs or damaged else f"no runs kept in {root} yet\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `annclf-tui runs | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — stdout is flushed once more on the way out
        return EXIT_OK
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_FAILED)
    return EXIT_OK
