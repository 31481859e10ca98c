"""`annclf-tui train`: the engine without the app, with a progress bar, the report and files out."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from engine.errors import AnnclfError, FileProblem
from engine.training.outcome import Reason

from .arguments import PROG, describe_error, fail, given_settings, settings_from_args
from .formats import duration
from .report_tables import confusion_table, report_table

# each file flag → the kind of export it writes
OUTPUTS = {"save_config": "settings", "json": "json", "metrics": "metrics", "checkpoint": "checkpoint",
           "data_csv": "data", "export_script": "script"}
EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_STOPPED = 0, 1, 2, 130


def _check_outputs(args: argparse.Namespace) -> None:
    for name in OUTPUTS:
        path = getattr(args, name)
        if path and os.path.isdir(path):
            raise FileProblem(path, f"is a directory; --{name.replace('_', '-')} takes a file name")


def _open_session(args: argparse.Namespace):
    from engine.checkpoint import load_checkpoint
    from engine.training.session import TrainingSession

    if args.resume:
        changes = dict(given_settings(args))
        if args.config:
            changes = {**settings_from_args(args).to_flat(), **changes}
        return load_checkpoint(args.resume, changes)
    return TrainingSession(settings_from_args(args))


class _Lines:
    """Progress as plain lines, for logs and pipes: every tenth of the run and the last epoch."""

    def __init__(self, total: int, start: int):
        self.every = max(1, (total - start) // 10)
        self.total = total

    def __call__(self, r) -> None:
        if r.epoch % self.every == 0 or r.epoch == self.total:
            print(f"epoch {r.epoch}/{self.total}  loss {r.train_loss:.4f}  acc {r.train_accuracy:.3f}  "
                  f"test loss {r.test_loss:.4f}  test acc {r.test_accuracy:.3f}", flush=True)


def _run_with_progress(session, console: Console):
    total, start = session.settings.epochs, session.history.epoch
    if not console.is_terminal:
        return session.run(on_epoch=_Lines(total, start))
    columns = (TextColumn("epoch"), MofNCompleteColumn(), BarColumn(), TextColumn("{task.fields[stats]}"),
               TimeElapsedColumn(), TextColumn("{task.fields[speed]}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("train", total=total, completed=start, stats="", speed="")
        began = time.perf_counter()

        def update(r) -> None:
            rate = (r.epoch - start) / max(time.perf_counter() - began, 1e-9)
            progress.update(task, completed=r.epoch, speed=f"{rate:,.0f} epochs/s",
                            stats=f"loss {r.train_loss:.4f}  acc {r.train_accuracy:.1%}  "
                                  f"test acc {r.test_accuracy:.1%}")

        return session.run(on_epoch=update)


def _write_outputs(args, session, results: dict, console: Console) -> None:
    from engine.exports import write_export

    for flag, kind in OUTPUTS.items():
        path = getattr(args, flag)
        if path:
            write_export(kind, session, path, results)
            console.print(f"wrote {path}", highlight=False)


def _keep_run(args, session, outcome, data: dict, console: Console) -> None:
    """Record the run in the runs directory; a failure there is a warning, the run itself went well."""
    from engine.runs import RunStore

    store = RunStore(args.runs_dir)
    try:
        summary = store.save(session, outcome, data=data)
    except AnnclfError as error:
        print(f"{PROG}: warning: the run was not kept: {describe_error(error)}", file=sys.stderr)
        return
    console.print(f"kept as run {summary.id} in {store.root}", highlight=False)


def train(args: argparse.Namespace) -> int:
    console = Console()
    try:
        _check_outputs(args)
        session = _open_session(args)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)
    if session.device_notice:
        print(f"{PROG}: note: {session.device_notice}", file=sys.stderr)
    s = session.settings
    hidden = ",".join(map(str, s.hidden)) or "none"
    console.print(f"{s.dataset}: {len(session.split.train):,} train / {len(session.split.test):,} test rows, "
                  f"{session.dataset.num_classes} classes · hidden {hidden} {s.activation} · {s.optimizer} "
                  f"lr {s.lr:g} · {session.device.type}", highlight=False)

    stop = session.controls.stop
    previous = signal.signal(signal.SIGINT, lambda *_: stop())  # Ctrl-C ends the run cleanly, files written
    try:
        outcome = _run_with_progress(session, console)
        from engine.exports import results

        data = results(session, outcome)
    except Exception as error:  # a failure inside torch: one line, no traceback
        return fail(f"training failed: {type(error).__name__}: {error}", EXIT_FAILED)
    finally:
        signal.signal(signal.SIGINT, previous)

    for part in ("train", "test"):
        console.print(report_table(part, data["final"][part]))
    console.print(confusion_table("test", session.class_names, data["final"]["test"]["confusion_matrix"]))
    console.print(f"{outcome.message} in {duration(session.seconds)}", highlight=False)
    try:
        _write_outputs(args, session, data, console)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_FAILED)
    _keep_run(args, session, outcome, data, console)
    if outcome.reason == Reason.DIVERGED:
        return fail(outcome.message, EXIT_FAILED)
    if outcome.reason == Reason.STOPPED:
        return EXIT_STOPPED
    return EXIT_OK
