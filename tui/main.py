"""The `annclf-tui` command: the terminal app by default, `annclf-tui train` and `sweep` headless,
`annclf-tui runs` the list."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from engine.errors import AnnclfError

from tui.cli.arguments import (PROG, build_parser, check_tensorboard, describe_error, fail, settings_from_args,
                               train_only_flag)
from tui.cli.guarded_output import GuardedOutput


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # before training started (imports, data loading): nothing was written
        return fail("stopped before training started; nothing was written", 130)


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    misplaced = train_only_flag(argv)
    if misplaced:
        return fail(f"{misplaced} belongs to `{PROG} train` (write: {PROG} train {misplaced} …)", 2)
    args = build_parser().parse_args(argv)
    if args.runs_dir is not None and not args.runs_dir.strip():
        return fail("--runs-dir: an empty path; give a folder, or leave the flag out for the default", 2)
    if args.command == "train":
        from tui.cli.train import train

        return train(args)
    if args.command == "sweep":
        from tui.cli.sweep import sweep

        return sweep(args)
    if args.command == "worker":
        from tui.cli.worker import worker

        return worker(args)
    if args.command == "runs":
        from tui.cli.runs import list_runs  # no torch on this path: a listing answers at once

        return list_runs(args)
    try:
        settings = settings_from_args(args, resolve=False)
        check_tensorboard(args)
    except AnnclfError as error:
        return fail(describe_error(error), 2)
    without = _not_a_terminal()
    if without:
        return fail(f"the app needs a terminal, and {without}; `{PROG} train`, `{PROG} sweep` and `{PROG} runs` "
                    "work without one", 2)
    from tui.app.launch import launch

    board = (args.tensorboard, args.tensorboard_map_every) if args.tensorboard else None
    return launch(settings, args.runs_dir, args.refresh, args.full_frames, board)


def _not_a_terminal() -> str | None:
    """What is not a terminal of stdin and stdout (a pipe, a file), in words; None when both are (a
    pseudo-terminal is one). The app would draw its screen into the pipe and wait for keys that never come."""
    def terminal(stream) -> bool:
        try:
            return stream is not None and stream.isatty()
        except (AttributeError, ValueError):  # replaced by an object without a file, or closed
            return False

    missing = [name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)) if not terminal(stream)]
    if not missing:
        return None
    return f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not one (a pipe or a file)"


def entry_point() -> NoReturn:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    output = None
    if command in ("train", "sweep", "runs"):  # the app draws on a terminal of its own making
        _stop_at_once_until_a_command_can_stop_cleanly()
        output = sys.stdout = GuardedOutput(sys.stdout)
        sys.stderr = GuardedOutput(sys.stderr)  # closed or full: nothing can be said there, the exit code stands
    code = main()
    _flushed(sys.stdout)
    if output is not None and output.failure is not None:
        if output.reader_gone:  # `| head`: the reader has what it wanted; quiet, as a shell pipeline expects
            code = code or 141
        else:
            code = fail(output.words(), code or 1)
    # Every file is written and closed by now; the interpreter's teardown of torch, scikit-learn and the
    # app's objects would hold the terminal for another second or two after ctrl+q.
    _flushed(sys.stderr)
    os._exit(code)


def _flushed(stream) -> None:
    """`stream` flushed, if it can be: one closed by the shell (`2>&-`: None) or that fails (`2>/dev/full`)
    cannot be told anything, and must not change the exit code the command chose."""
    try:
        if stream is not None:
            stream.flush()
    except (OSError, ValueError):
        pass


def _stop_at_once_until_a_command_can_stop_cleanly() -> None:
    """Ctrl-C, SIGTERM or SIGHUP while PyTorch and the data load: the process ends at once, in one line, with
    the signal's code (raised inside an import, KeyboardInterrupt left numpy half-imported: tracebacks, and
    once a signal lost). A command that can stop cleanly puts its own handlers in place (StopSignals) and puts
    these back when it is done."""
    import signal

    from tui.cli.stop_signals import CODES, NAMES

    def stop(number, _frame) -> None:
        os.write(2, f"{PROG}: stopped by {NAMES[number]} while it loaded; nothing was written\n".encode())
        os._exit(CODES[number])

    for number in CODES:
        signal.signal(number, stop)
