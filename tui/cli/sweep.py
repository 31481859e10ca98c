"""`annclf-tui sweep`: every combination of the settings given as lists, trained, kept, and ranked."""

from __future__ import annotations

import argparse
import os
import sys
import threading

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from engine.errors import AnnclfError

from tui.cli.arguments import PROG, check_tensorboard, describe_error, fail
from tui.text.escapes import escaped
from tui.text.formats import duration
from tui.cli.stop_signals import StopSignals

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def grid_from_args(args: argparse.Namespace):
    """The grid the flags and --config give: each flag's values (a list, a range) on top of the file; and the
    file's [sweep] table ({} without one)."""
    from engine.config_file import load_config
    from engine.schema import BY_NAME, Settings
    from engine.sweep_grid import Grid, parse_values

    base, table = load_config(args.config) if args.config else (Settings(), {})
    axes = {}
    for name in BY_NAME:
        if hasattr(args, name):
            raw = getattr(args, name)
            axes[name] = [raw] if isinstance(raw, bool) else parse_values(name, raw)
    return Grid(base, axes), table


# models of one shape train as one stack, a step for all of them at once: no model's own time is measured,
# and a configuration's is its runs' shares of their stacks' time
TIME_COLUMN = "time (shared)"
TIME_NOTE = f"{TIME_COLUMN}: same-shape runs train as one stack and share its time"


def table(sweep) -> Table:
    """The configurations, best mean test accuracy first (ties: the lower test loss): what varies, then
    accuracy over the seeds."""
    from engine.sweep import counted, label
    from engine.sweep_grid import SEEDS

    varying = [n for n in sweep.grid.varying if n not in SEEDS]
    # a name, a feature or a path is shown as text (Text: no markup), its control characters escaped
    out = Table(title=Text(f"sweep {escaped(sweep.name)} ({sweep.id}): {counted(len(sweep.runs), 'run')}"),
                title_justify="left", caption=TIME_NOTE, caption_justify="left")
    for name in varying:
        out.add_column(name, no_wrap=True)
    for name in ("test accuracy", "min…max", "test loss", "epochs", TIME_COLUMN, "runs"):
        out.add_column(name, justify="right", no_wrap=True)
    for row in sweep.table():
        accuracies = row.accuracies
        loss = row.test_loss
        runs = f"{len(row.runs)}" + (f", {row.diverged} diverged" if row.diverged else "")
        epochs = {r.epochs for r in row.runs}
        out.add_row(*(Text(escaped(label(n, row.values[n]))) for n in varying),
                    f"{row.mean:.3f} ± {row.std:.3f}", f"{min(accuracies):.3f}…{max(accuracies):.3f}",
                    "—" if loss is None else f"{loss:.4f}",
                    str(epochs.pop()) if len(epochs) == 1 else f"{min(epochs)}…{max(epochs)}",
                    duration(sum(r.seconds for r in row.runs)), runs,
                    style="red" if row.diverged == len(row.runs) else None)
    return out


def sweep(args: argparse.Namespace) -> int:
    # the grid counted and the files checked before PyTorch loads (2 s): a sweep too large is refused at once
    try:
        grid, options = grid_from_args(args)
        if grid.count > args.max_runs:
            return fail(f"the sweep has {grid.count:,} runs, more than --max-runs {args.max_runs:,}: give fewer "
                        "values, or raise --max-runs", EXIT_INVALID)
        if args.json is not None:
            from engine.output_paths import check_outputs

            check_outputs({"--json": args.json}, {"--csv": grid.base.csv, "--config": args.config}, args.runs_dir)
        check_tensorboard(args, {"--json": args.json})
        scheduler = _scheduler(args, options)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)

    from engine.runs import RunStore
    from engine.sweep import Sweep, counted
    from engine.training import threads

    # before anything runs: the workers are forked, and a child forked after the parent ran torch's
    # thread pool (OpenMP) waits forever on it (seen with 1024-wide layers, whose initialisation uses it)
    threads.use(1)

    console = Console()
    if not console.is_terminal:  # a log or a pipe: the table whole, not folded into 80 columns
        console = Console(width=160)
    try:
        store = RunStore(args.runs_dir)
        store.check_writable()  # before anything trains: a sweep whose runs cannot be kept is time lost
        job = Sweep(grid, store, args.name)
        if args.tensorboard:
            job.tensorboard = (args.tensorboard, args.tensorboard_map_every)
        if scheduler:
            job.executor = _connected(scheduler, any(s.device == "cuda" for s in job.plan))
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)
    stop = threading.Event()
    signals = StopSignals(PROG)
    # Ctrl-C: the runs that finished are kept and tabled. Forked workers inherit the handler; the parent alone
    # stops them, between two epochs
    signals.while_training(stop.set)
    console.print(f"sweep {escaped(job.name)}: {counted(len(job.plan), 'run')}, "
                  f"{counted(job.total_epochs, 'epoch')} in all", highlight=False, markup=False)
    try:
        finished = _run(job, stop, console)
    except AnnclfError as error:
        return fail(describe_error(error), EXIT_INVALID)
    except Exception as error:  # a failure inside torch: one line, no traceback
        return fail(f"the sweep failed: {error}", EXIT_FAILED)
    finally:
        signals.restore()
        if job.executor is not None:
            job.executor.close()
    if job.runs:
        console.print(table(job))
    if not finished:
        kept = "was" if len(job.runs) == 1 else "were"
        console.print(f"stopped: {len(job.runs):,} of {counted(len(job.plan), 'run')} finished and {kept} kept",
                      highlight=False)
    unkept = _grouped(job.problems)
    if len(unkept) > 1:  # one line for each cause (a full disk is one for every run); one cause: the last line
        for problem, folders in unkept.items():
            print(f"{PROG}: error: {_not_kept(len(folders), problem, folders[0])}", file=sys.stderr)
    for lost in job.lost:
        print(f"{PROG}: error: {counted(len(lost.settings), 'run')} lost, {lost.why}: "
              + "; ".join(escaped(_named(job, s)) for s in lost.settings), file=sys.stderr)
    for problem in job.tensorboard_problems[:3]:  # the same cause for every run, most likely: a few say it
        print(f"{PROG}: error: TensorBoard: {escaped(problem)}", file=sys.stderr)
    if args.json:
        from engine.exports import write_json

        write_json(job.as_dict(), args.json)
        console.print(f"wrote {escaped(args.json)}", highlight=False, markup=False)
    if signals.exit_code is not None:
        return signals.said()
    if job.runs and all(r.reason == "diverged" for r in job.runs):
        return fail("every run diverged: try lower learning rates", EXIT_FAILED)
    if job.lost:
        lost = sum(len(lost.settings) for lost in job.lost)
        return fail(f"{counted(lost, 'run')} of {len(job.plan):,} never finished on the cluster", EXIT_FAILED)
    if len(unkept) == 1:  # runs trained and lost (a full disk): not a success
        [(problem, folders)] = unkept.items()
        return fail(f"{_not_kept(len(folders), problem, folders[0])}; {len(job.runs) - len(folders):,} of "
                    f"{len(job.runs):,} kept", EXIT_FAILED)
    if unkept:
        return fail(f"{counted(len(job.problems), 'run')} of {len(job.runs):,} could not be kept", EXIT_FAILED)
    if job.tensorboard_problems:
        return fail(f"the TensorBoard files of {counted(len(job.tensorboard_problems), 'run')} could not be "
                    "written", EXIT_FAILED)
    if args.tensorboard and job.runs:
        console.print(f"wrote TensorBoard's files in {escaped(args.tensorboard)}", highlight=False, markup=False)
    return EXIT_OK


def _scheduler(args: argparse.Namespace, table: dict[str, str]) -> str | None:
    """The Dask scheduler's address when the sweep goes to a cluster (the flags, else the config's [sweep]
    `table`); None: it trains here."""
    from engine.errors import SettingError

    if args.scheduler is not None and not args.scheduler.strip():
        raise SettingError("scheduler", "an empty address: give tcp://host:8786, or leave the flag out")
    executor = args.executor or ("dask" if args.scheduler else table.get("executor", "local"))
    scheduler = args.scheduler or table.get("scheduler")
    if executor == "local":
        if args.scheduler:
            raise SettingError("scheduler", "is the address of a Dask scheduler: it goes with --executor dask")
        return None
    if not scheduler or not scheduler.strip():
        raise SettingError("executor", "dask needs the scheduler's address: --scheduler tcp://host:8786 (or "
                                       "scheduler = \"tcp://host:8786\" in the config's [sweep] table)")
    return scheduler.strip()


def _connected(scheduler: str, cuda: bool):
    """A DaskExecutor connected to the scheduler (ClusterError when it cannot be); a sweep sent to a scheduler
    without the workers it needs (any, or with a GPU when it asks for CUDA) waits for one, and says so."""
    from engine.training.dask_groups import DaskExecutor

    executor = DaskExecutor(scheduler)
    executor.connect()
    if not executor.workers:
        print(f"{PROG}: note: the scheduler at {escaped(scheduler)} has no worker yet: the sweep waits for one "
              f"(start one with: {PROG} worker --scheduler {escaped(scheduler)})", file=sys.stderr)
    elif cuda and not executor.gpu_workers:
        print(f"{PROG}: note: no worker of the scheduler at {escaped(scheduler)} has a GPU, and the sweep asks "
              f"for CUDA: it waits for one (start one per GPU with: {PROG} worker --scheduler "
              f"{escaped(scheduler)} --device cuda:0)", file=sys.stderr)
    return executor


def _named(job, settings) -> str:
    """A lost run in words: the settings the sweep varies, "lr=0.1 hidden=8 seed=3"."""
    from engine.sweep import label

    return " ".join(f"{n}={label(n, getattr(settings, n))}" for n in job.grid.varying) or "its one configuration"


def _note(notice: str) -> None:
    print(f"{PROG}: note: {escaped(notice)}", file=sys.stderr)  # a file's label, columns left out, cells filled


def _run(job, stop: threading.Event, console: Console) -> bool:
    workers = os.cpu_count() or 1  # the groups in worker processes, one thread each: the fastest measured
    if not console.is_terminal:
        return job.run(stop.is_set, workers=workers, on_notice=_note)
    columns = (TextColumn("sweep"), BarColumn(), TaskProgressColumn(), TextColumn("{task.fields[runs]} runs kept"),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("sweep", total=len(job.plan), runs=0)
        return job.run(stop.is_set, lambda done, runs: progress.update(task, completed=done, runs=runs),
                       workers=workers, on_notice=_note)  # the bar stays below what is printed


def _grouped(problems: list) -> dict[str, list[str]]:
    """The runs that could not be kept, by why: {the reason: the folders of the runs it stopped}."""
    grouped: dict[str, list[str]] = {}
    for error in problems:
        grouped.setdefault(error.problem, []).append(error.subject)
    return grouped


def _not_kept(count: int, problem: str, first: str) -> str:
    which = f"the run {escaped(first)}" if count == 1 else f"{count:,} runs (the first {escaped(first)})"
    return f"{which} could not be kept: {escaped(problem.removeprefix('the run cannot be kept: '))}"
