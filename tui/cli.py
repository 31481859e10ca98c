"""The `annclf-tui` command: the terminal app by default, `annclf-tui train` headless."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from engine.errors import AnnclfError

from .arguments import build_parser, describe_error, fail, settings_from_args


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        from .headless import train

        return train(args)
    try:
        settings = settings_from_args(args, resolve=False)
    except AnnclfError as error:
        return fail(describe_error(error), 2)
    from .launch import launch

    return launch(settings, args.runs_dir)


def entry_point() -> NoReturn:
    code = main()
    # Every file is written and closed by now; the interpreter's teardown of torch, scikit-learn and the
    # app's objects would hold the terminal for another second or two after ctrl+q.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
