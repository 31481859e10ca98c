"""The `annclf-tui` command: the terminal app by default, `annclf-tui train` and `sweep` headless,
`annclf-tui runs` the list."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from engine.errors import AnnclfError

from tui.cli.arguments import PROG, build_parser, describe_error, fail, settings_from_args, train_only_flag


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
    if args.command == "runs":
        from tui.cli.runs import list_runs  # no torch on this path: a listing answers at once

        return list_runs(args)
    try:
        settings = settings_from_args(args, resolve=False)
    except AnnclfError as error:
        return fail(describe_error(error), 2)
    from tui.app.launch import launch

    return launch(settings, args.runs_dir, args.refresh, args.full_frames)


def entry_point() -> NoReturn:
    code = main()
    # Every file is written and closed by now; the interpreter's teardown of torch, scikit-learn and the
    # app's objects would hold the terminal for another second or two after ctrl+q.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
