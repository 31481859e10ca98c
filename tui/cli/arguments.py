"""The command line's arguments: the parser, the settings the flags and a --config file give, and how an
error reads. Shared by the app's launch and `annclf-tui train`.

Every settings flag is made from the engine's schema; nothing here names a setting by hand.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from engine.config_file import load_settings
from engine.errors import AnnclfError, SettingError
from engine.schema import BY_NAME, SCHEMA, SECTIONS, Settings, implied, validate
from engine.config_file import EXECUTORS
from engine.sweep_grid import MAX_RUNS

from tui.text.escapes import escaped

PROG = "annclf-tui"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_setting_flags(parser: argparse.ArgumentParser, lists: bool = False) -> None:
    """`lists`: a sweep's flags, each of which may take several values."""
    for section in SECTIONS:
        group = parser.add_argument_group(f"{section} settings")
        for s in (s for s in SCHEMA if s.section == section):
            default = s.format(s.default) or "the dataset's"
            text = f"{s.help} [{s.kind.describe()}; default {default}]"
            if lists and s.kind.__class__.__name__ != "Bool":
                sep = ";" if s.kind.__class__.__name__ in ("IntList", "NameList", "Subset") else ","
                text += f"; several separated by '{sep}'" + (", A..B a range" if s.kind.__class__.__name__ == "Int" else "")
            if s.kind.__class__.__name__ == "Bool":
                group.add_argument(s.flag, dest=s.name, action=argparse.BooleanOptionalAction,
                                   default=argparse.SUPPRESS, help=text)
            else:
                group.add_argument(s.flag, dest=s.name, metavar=s.name.upper(), default=argparse.SUPPRESS,
                                   help=text)
    parser.add_argument("--config", metavar="FILE.toml", help="read settings from a TOML file; flags override it")
    parser.add_argument("--runs-dir", metavar="DIR", help="where runs are kept (default: "
                                                          "$XDG_DATA_HOME or ~/.local/share, /annclf-tui/runs)")


TRAIN_ONLY = ("--save-config", "--json", "--metrics", "--checkpoint", "--data-csv", "--export-script", "--resume",
              "--allow-data-change")


def add_tensorboard_flags(group) -> None:
    group.add_argument("--tensorboard", metavar="DIR", help="write TensorBoard event files (tensorboardX: "
                       "pip install 'annclf-tui[tensorboard]'), one folder per run")
    group.add_argument("--tensorboard-map-every", metavar="N", type=int, default=100,
                       help="the decision map as an image every N epochs, and at the end (0: at the end only) "
                            "[default 100]")


def check_tensorboard(args: argparse.Namespace, outputs: dict[str, str | None] | None = None) -> None:
    """Before anything trains: tensorboardX installed, the folder one files can be made in (SettingError,
    FileProblem)."""
    if getattr(args, "tensorboard", None) is None:
        return
    from engine.errors import SettingError
    from engine.output_paths import check_output_folder
    from engine.tensorboard_log import writer_class

    if args.tensorboard_map_every < 0:
        raise SettingError("tensorboard-map-every", "is a number of epochs: 0 or more")
    writer_class()
    check_output_folder("--tensorboard", args.tensorboard, "TensorBoard's files", args.runs_dir, outputs)


def train_only_flag(argv: list[str]) -> str | None:
    """A flag of `train` given to the app (`annclf-tui --resume x.pt`), which argparse would report as an
    invalid command 'x.pt'; None when there is none or there is a command (`sweep` and `runs` have a --json
    of their own)."""
    if "train" in argv or "sweep" in argv or "runs" in argv:
        return None
    return next((a.split("=")[0] for a in argv if a.split("=")[0] in TRAIN_ONLY), None)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Build, train and understand small neural-network classifiers "
                                            "on 2-D data. With no command, opens the terminal app.")
    _add_setting_flags(parser)
    parser.add_argument("--refresh", choices=("auto", "fast", "slow"), default="auto",
                        help="how often the live map and curves redraw: fast (every 0.3 s), slow (once a second), "
                             "auto (slow over SSH, where every redraw crosses the link; else fast) [default auto]")
    parser.add_argument("--full-frames", action="store_true",
                        help="send the terminal every frame as Textual draws it; by default only the cells that "
                             "changed are sent (a fifth of the bytes). For a terminal that shows a garbled screen")
    add_tensorboard_flags(parser)  # every run the app trains writes there too
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="{train,sweep,runs,worker}")
    train = commands.add_parser("train", help="train headless: a progress bar, the report, files out",
                                description="Train without the terminal app. Exit code 0 on success, 2 on "
                                            "invalid settings or files, 1 on a failure during the run; 130, "
                                            "143 or 129 when Ctrl-C, SIGTERM or SIGHUP stopped it (the run so "
                                            "far is kept and its files written); 141 when the reader of its "
                                            "output went away (| head), the run kept.")
    _add_setting_flags(train)
    out = train.add_argument_group("files")
    # the files of train: TRAIN_ONLY above names them for a clear error when they come without it
    out.add_argument("--save-config", metavar="FILE.toml", help="write the resolved settings as TOML")
    out.add_argument("--json", metavar="FILE.json", help="write settings, history and final metrics as JSON")
    out.add_argument("--metrics", metavar="FILE.csv", help="write the per-epoch metrics as CSV")
    out.add_argument("--checkpoint", metavar="FILE.pt", help="write a checkpoint (weights, settings, history)")
    out.add_argument("--data-csv", metavar="FILE.csv", help="write the dataset: features, label and split")
    out.add_argument("--export-script", metavar="FILE.py",
                     help="write a standalone PyTorch script that rebuilds and reruns this training")
    out.add_argument("--resume", metavar="FILE.pt",
                     help="continue from a checkpoint up to --epochs in all (or evaluate it, if it has them)")
    add_tensorboard_flags(out)
    out.add_argument("--allow-data-change", action="store_true",
                     help="with --resume: go on although the data differs from the checkpoint's (an edited CSV)")
    _add_sweep(commands)
    runs = commands.add_parser("runs", help="list the kept runs, newest first",
                               description="List the kept runs, newest first: name, dataset, hidden layers, test "
                                           "accuracy, epochs, how it ended, sweep, when kept; damaged folders as "
                                           "such. Exit code 0; 2 when the runs directory is not a folder.")
    # SUPPRESS: `annclf-tui --runs-dir DIR runs` keeps the DIR given before the command
    runs.add_argument("--runs-dir", metavar="DIR", default=argparse.SUPPRESS,
                      help="the runs directory (default: $XDG_DATA_HOME or ~/.local/share, /annclf-tui/runs)")
    runs.add_argument("--json", metavar="FILE", help="write the list as JSON, every run with its id ('-': stdout)")
    return parser


def _add_sweep(commands) -> None:
    sweep = commands.add_parser("sweep", help="train every combination of settings given as lists, side by side",
                                description="Train every combination of the settings given as lists "
                                            "(--lr 0.01,0.1 --hidden \"8;16,16\" --seed 0..4), keep every run, and "
                                            "print the configurations ranked by mean test accuracy over the "
                                            "seeds. Exit code 0 when it ran, 2 on invalid settings, 1 when "
                                            "every run failed; 130, 143 or 129 when Ctrl-C, SIGTERM or SIGHUP "
                                            "stopped it (what finished is kept).")
    _add_setting_flags(sweep, lists=True)
    out = sweep.add_argument_group("the sweep")
    out.add_argument("--max-runs", metavar="N", type=_max_runs, default=MAX_RUNS,
                     help="refuse a sweep of more runs than this, before anything trains [default 500]")
    out.add_argument("--name", metavar="TEXT", help="the sweep's name in the runs view [default: what it varies]")
    out.add_argument("--json", metavar="FILE.json", help="write the table, with every run's id, as JSON")
    add_tensorboard_flags(out)
    out.add_argument("--executor", choices=EXECUTORS,
                     help="where the runs train: local (worker processes on this machine) or dask (the workers "
                          "of a Dask scheduler: pip install 'annclf-tui[cluster]') [default local, or the "
                          "config's [sweep] table]")
    out.add_argument("--scheduler", metavar="ADDRESS",
                     help="the Dask scheduler's address, tcp://host:8786 (implies --executor dask)")
    worker = commands.add_parser("worker", help="serve a Dask scheduler's sweeps: one worker, one device",
                                 description="Start a Dask worker that trains the stacks of the sweeps sent to "
                                             "its scheduler (pip install 'annclf-tui[cluster]'). Start one per "
                                             "GPU (--device cuda:0, cuda:1…), or one per core on a CPU machine. "
                                             "Ctrl-C ends it; its unfinished work goes to the other workers.")
    worker.add_argument("--scheduler", metavar="ADDRESS", required=True, help="tcp://host:8786")
    worker.add_argument("--device", metavar="DEVICE", default="cpu",
                        help="cpu, or cuda:N: the one GPU this worker trains on, advertised as the resource GPU=1 "
                             "so that stacks are placed one per GPU [default cpu]")
    worker.add_argument("--name", metavar="TEXT", help="the worker's name on the scheduler's dashboard")


CEILING = 100_000  # runs a sweep may be raised to: each is a folder of the catalog, and the plan is built whole


def _max_runs(text: str) -> int:
    value = int(text)
    if not 1 <= value <= CEILING:
        raise ValueError(text)
    return value


_max_runs.__name__ = f"whole number from 1 to {CEILING:,}"  # argparse says "invalid <name> value: ..."


def given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings flags given on the command line, parsed; SettingError names the flag."""
    values = {}
    for name, setting in BY_NAME.items():
        if hasattr(args, name):
            raw = getattr(args, name)
            values[name] = raw if isinstance(raw, bool) else setting.parse(raw)
    return values


def settings_from_args(args: argparse.Namespace, resolve: bool = True) -> Settings:
    """Defaults, then the --config file, then the flags; unresolved, dataset defaults stay open."""
    base = load_settings(args.config) if args.config else Settings()
    settings = validate(base.replace(**implied(given_settings(args))))
    return settings.resolve() if resolve else settings


def describe_error(error: AnnclfError) -> str:
    """One line; a setting is named by its flag, as the user typed it."""
    if isinstance(error, SettingError) and error.subject in BY_NAME:
        return f"{BY_NAME[error.subject].flag}: {' '.join(error.problem.splitlines())}"
    return str(error)


LONGEST = 600  # characters of an error line: a 50 MB cell quoted whole would be a 50 MB line


def fail(message: str, code: int) -> int:
    message = escaped(message)  # a file's name or label is the user's text: control characters escaped
    if len(message) > LONGEST:
        message = f"{message[:LONGEST // 2]} … {message[-LONGEST // 4:]}"
    try:
        if sys.stderr is not None:  # closed (2>&-): print would write to stdout instead
            print(f"{PROG}: error: {message}", file=sys.stderr)
    except OSError:  # stderr on a full disk: the exit code still says it
        pass
    return code
