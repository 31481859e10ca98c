"""The files a run is asked to write, checked together before it trains: each must be writable, none may
be written twice, none may be one of the files the run reads, and none may be inside a runs directory,
whose files the program manages (a run's folder is replaced whole when the run is kept again, the index
rebuilt from the folders): a file written there would be lost, or would replace a kept run's."""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import folder_problem, writable_target
from .errors import FileProblem

_SQLITE = b"SQLite format 3\x00"


def check_outputs(outputs: dict[str, str], inputs: dict[str, str],
                  runs_dir: str | os.PathLike | None = None) -> None:
    """`outputs` and `inputs` map what names each file (a flag, say) to its path; FileProblem naming both
    when two outputs are one file or an output is an input, naming the output that cannot be written, or
    that is inside a runs directory: `runs_dir` (the run's own; the default one when None), or any folder
    holding a runs index (another --runs-dir)."""
    seen: dict[str, str] = {}
    read = {os.path.realpath(path): name for name, path in inputs.items() if path}
    managed = _runs_dirs(runs_dir)
    for name, path in outputs.items():
        if path is None:  # not asked for
            continue
        if not path.strip():
            raise FileProblem(name, "an empty path: give a file name, or leave the flag out")
        if path == "-":
            raise FileProblem(name, "'-' (standard output) is not taken here: the command prints what it does "
                                    "there; give a file name")
        target = writable_target(path)
        inside = _runs_dir_holding(target, managed)
        if inside is not None:
            raise FileProblem(path, f"{name} would write inside the runs directory {inside}, whose files "
                                    "this program replaces and removes; give a file outside it")
        if str(target) in read:
            raise FileProblem(path, f"{name} would write over {read[str(target)]}, a file this run reads")
        if str(target) in seen:
            raise FileProblem(path, f"{seen[str(target)]} and {name} both name this file; give each its own")
        seen[str(target)] = name


def check_output_folder(name: str, path: str, holds: str, runs_dir: str | os.PathLike | None = None,
                        files: dict[str, str | None] | None = None) -> None:
    """A folder a run writes files of its own in (`--tensorboard DIR`, which `holds` "TensorBoard's files"),
    checked as an output file is: not empty nor `-`, not inside a runs directory, neither one of the run's
    output `files` (flag → path) nor inside one, one files can be made in; FileProblem naming it otherwise."""
    if not path.strip():
        raise FileProblem(name, "an empty path: give a folder, or leave the flag out")
    if path == "-":
        raise FileProblem(name, "'-' (standard output) is not taken here: give a folder")
    target = Path(os.path.realpath(path))
    inside = _runs_dir_holding(target, _runs_dirs(runs_dir), itself=True)
    if inside is not None:
        raise FileProblem(path, f"{name} would write inside the runs directory {inside}, whose files this "
                                "program replaces and removes; give a folder outside it")
    for other, file in (files or {}).items():
        if file and file.strip() and file != "-":
            written = Path(os.path.realpath(file))
            if written == target or written in target.parents:
                raise FileProblem(path, f"{other} and {name} both name {file}: give each its own")
    problem = folder_problem(target)
    if problem is not None:
        raise FileProblem(path, f"cannot hold {holds}: {problem}")


def _runs_dirs(runs_dir: str | os.PathLike | None) -> set[Path]:
    from .runs import default_runs_dir

    given = {default_runs_dir()} | ({Path(runs_dir)} if runs_dir else set())
    return {Path(os.path.realpath(path)) for path in given}


def _runs_dir_holding(target: Path, managed: set[Path], itself: bool = False) -> Path | None:
    """The runs directory `target` (a real path) is inside (or is, with `itself`: a folder): one of `managed`,
    a folder above it that holds a runs index, or the folder above a kept run's; None when it is in none."""
    from .run_summary import FORMAT, SUMMARY_FILE
    from .runs_index import INDEX_FILE

    for folder in ([target] if itself else []) + list(target.parents):
        if folder in managed:
            return folder
        if _starts_with(folder / INDEX_FILE, _SQLITE):
            return folder
        if _starts_with(folder / SUMMARY_FILE, b"{", FORMAT.encode()):  # a kept run's folder
            return folder.parent
    return None


def _starts_with(path: Path, start: bytes, holding: bytes = b"") -> bool:
    """Whether `path` is a regular file that begins with `start` and has `holding` in its first bytes."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:  # not there, or not readable: not what is looked for
        return False
    return head.startswith(start) and holding in head
