"""`annclf-tui train`: the engine without the app, with a progress bar, the report and files out."""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from engine.errors import AnnclfError
from engine.training.outcome import Reason

from tui.cli.arguments import PROG, check_tensorboard, describe_error, fail, given_settings, settings_from_args
from tui.text.escapes import escaped
from tui.text.formats import duration, speed
from tui.text.report_tables import confusion_table, report_table
from tui.cli.stop_signals import Aborted, StopSignals

# each file flag → the kind of export it writes
OUTPUTS = {"save_config": "settings", "json": "json", "metrics": "metrics", "checkpoint": "checkpoint",
           "data_csv": "data", "export_script": "script"}
EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_STOPPED = 0, 1, 2, 130
STEERED_BY_TEST = ("early stopping (or the plateau schedule) watches the test set: the test accuracy is "
                   "optimistic; set --val-size to hold out a validation set for it")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _check_outputs(args: argparse.Namespace) -> None:
    """Before anything trains: every output writable, none twice, none an input of the run; the runs
    directory able to keep it."""
    from engine.output_paths import check_outputs
    from engine.runs import RunStore

    outputs = {_flag(name): getattr(args, name) for name in OUTPUTS}
    csv = getattr(args, "csv", None) or (None if args.resume else settings_from_args(args, resolve=False).csv)
    check_outputs(outputs, {"--csv": csv, "--config": args.config, "--resume": args.resume}, args.runs_dir)
    RunStore(args.runs_dir).check_writable()
    check_tensorboard(args, outputs)


def _open_session(args: argparse.Namespace):
    from engine.checkpoint import load_checkpoint
    from engine.training.session import TrainingSession

    if args.resume:
        changes = dict(given_settings(args))
        if args.config:
            changes = {**settings_from_args(args).to_flat(), **changes}
        return load_checkpoint(args.resume, changes, args.allow_data_change)
    return TrainingSession(settings_from_args(args))


class _Lines:
    """Progress as plain lines, for logs and pipes: every tenth of the run and the last epoch."""

    def __init__(self, total: int, start: int):
        self.every = max(1, (total - start) // 10)
        self.total = total

    def __call__(self, r) -> None:
        if r.epoch % self.every == 0 or r.epoch == self.total:
            val = "" if r.val_loss is None else f"val loss {r.val_loss:.4f}  val acc {r.val_accuracy:.3f}  "
            print(f"epoch {r.epoch}/{self.total}  loss {r.train_loss:.4f}  acc {r.train_accuracy:.3f}  {val}"
                  f"test loss {r.test_loss:.4f}  test acc {r.test_accuracy:.3f}", flush=True)


def _run_with_progress(session, console: Console, also=None):
    """Train, saying how it goes; `also(record)` after each epoch too (TensorBoard's)."""
    total, start = session.settings.epochs, session.history.epoch
    if not console.is_terminal:
        lines = _Lines(total, start)
        return session.run(on_epoch=lines if also is None else lambda r: (lines(r), also(r)))
    columns = (TextColumn("epoch"), MofNCompleteColumn(), BarColumn(), TextColumn("{task.fields[stats]}"),
               TimeElapsedColumn(), TextColumn("{task.fields[speed]}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("train", total=total, completed=start, stats="", speed="")
        began = time.perf_counter()

        def update(r) -> None:
            rate = (r.epoch - start) / max(time.perf_counter() - began, 1e-9)
            progress.update(task, completed=r.epoch, speed=speed(rate),
                            stats=f"loss {r.train_loss:.4f}  acc {r.train_accuracy:.1%}  "
                                  f"test acc {r.test_accuracy:.1%}")
            if also is not None:
                also(r)

        return session.run(on_epoch=update)


def _write_outputs(args, session, results: dict, console: Console) -> list[str]:
    """Every file asked for, each on its own: one that cannot be written (a full disk) leaves the others to
    be written and the old file as it was. The lines of what failed."""
    from engine.exports import write_export

    failed = []
    for flag, kind in OUTPUTS.items():
        path = getattr(args, flag)
        if path:
            try:
                write_export(kind, session, path, results)
            except AnnclfError as error:
                failed.append(describe_error(error))
            else:
                console.print(f"wrote {path}", highlight=False)
    return failed


def _keep_run(args, session, outcome, data: dict, console: Console) -> list[str]:
    """Record the run in the runs directory; the line of why it could not be, if it could not."""
    from engine.runs import RunStore

    store = RunStore(args.runs_dir)
    try:
        summary = store.save(session, outcome, data=data)
    except AnnclfError as error:
        return [f"the run was not kept: {describe_error(error)}"]
    console.print(f"kept as run {summary.id} in {store.root}", highlight=False)
    return []


def _tensorboard(args: argparse.Namespace, session):
    """The run's TensorBoard folder (None when not asked for), named like the run."""
    if not args.tensorboard:
        return None
    from engine.runs import default_name
    from engine.tensorboard_log import TensorBoardRun

    return TensorBoardRun(args.tensorboard, default_name(session.settings), session.class_names,
                          args.tensorboard_map_every)


def _close_board(board, session, console: Console) -> list[str]:
    """The map of the last epoch too, then the files closed; the line of why they could not all be written (a
    full disk: the run is kept and the other files written all the same)."""
    board.finish(session)
    board.close()
    if board.failure is not None:
        return [f"TensorBoard: {board.failure}"]
    console.print(f"wrote TensorBoard's files in {escaped(str(board.folder))}", highlight=False, markup=False,
                  soft_wrap=True)
    return []


def train(args: argparse.Namespace) -> int:
    console = Console()
    try:
        _check_outputs(args)
        session = _open_session(args)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)
    for notice in session.dataset.notices:  # a file's label column, columns left out, rows dropped, cells filled
        print(f"{PROG}: note: {escaped(notice)}", file=sys.stderr)
    if session.device_notice:
        print(f"{PROG}: note: {session.device_notice}", file=sys.stderr)
    if session.steered_by_test:
        print(f"{PROG}: note: {STEERED_BY_TEST}", file=sys.stderr)
    s = session.settings
    hidden = ",".join(map(str, s.hidden)) or "none"
    val = f"{len(session.split.val):,} validation / " if session.split.has_val else ""
    console.print(f"{s.dataset}: {len(session.split.train):,} train / {val}{len(session.split.test):,} test rows, "
                  f"{session.dataset.num_classes} classes · hidden {hidden} {s.activation} · {s.optimizer} "
                  f"lr {s.lr:g} · {session.device.type}", highlight=False, soft_wrap=True)

    try:
        board = _tensorboard(args, session)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)
    signals = StopSignals(PROG)
    signals.while_training(session.controls.stop)  # Ctrl-C, SIGTERM, SIGHUP: the run ends, files written
    try:
        try:
            outcome = _run_with_progress(session, console, None if board is None else
                                         lambda r: board.epoch(r, session))
            board_failed = [] if board is None else _close_board(board, session, console)
            from engine.exports import results

            data = results(session, outcome)
        except Exception as error:  # a failure inside torch: one line, no traceback
            return fail(f"training failed: {error}", EXIT_FAILED)
        signals.while_writing()
        try:
            for part, evaluation in data["final"].items():  # train, validation (with a validation split), test
                console.print(report_table(part, evaluation))
                console.print(confusion_table(part, session.class_names, evaluation["confusion_matrix"]))
            choice = session.thread_choice  # how many threads it measured fastest (the run's record says why)
            threads = f" on {choice.words.replace(' ', ' cpu ')}" if choice and session.device.type == "cpu" else ""
            console.print(f"{outcome.message} in {duration(session.seconds)}{threads}", highlight=False)
            failed = board_failed + _write_outputs(args, session, data, console) + _keep_run(args, session, outcome,
                                                                                             data, console)
        except Aborted as which:
            return fail(f"{which} while the files were written, a stop asked for twice: some may be missing",
                        signals.exit_code or EXIT_STOPPED)
    finally:
        signals.restore()
    for line in failed:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    if outcome.reason == Reason.DIVERGED:
        return fail(outcome.message, EXIT_FAILED)
    if failed:
        return EXIT_FAILED
    if signals.exit_code is not None:
        return signals.said()
    return EXIT_STOPPED if outcome.reason == Reason.STOPPED else EXIT_OK
