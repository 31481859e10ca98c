"""Writes that never leave a half-written file and never replace what they should not.

A file is written to a temporary file beside its target, then renamed over it. A target that is a
symlink is written through, in its target's folder (the link stays a link); one that is a directory, a
device, a FIFO or a read-only file is refused. Temporary files carry the writing process's id, so that those a killed
process left behind are removed the next time their folder is written.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import FileProblem

# .<name>.<pid>.<random>.tmp (a file being written) or .old (a folder on its way out)
_LEFTOVER = re.compile(r"^\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(tmp|old)$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes files only their owner may read; what we write is the user's, shared as any file is
_MODE = 0o666 & ~_umask()


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_input(path: str | os.PathLike, what: str, binary: bool = False) -> IO:
    """`path` opened to be read, if it is a regular file; FileProblem naming it otherwise. A FIFO would
    wait for a writer forever and a device (/dev/zero) never end: they are refused, never read. The file
    is opened without waiting (O_NONBLOCK) and then looked at, so a FIFO put in its place meanwhile is
    refused too. `what`: the file as a person calls it ("a settings file"), for the message."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileProblem(str(path), "no such file") from None
    except IsADirectoryError:
        raise FileProblem(str(path), f"is a directory, not {what}") from None
    except OSError as error:
        raise FileProblem(str(path), f"cannot be read: {error.strerror or error}") from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise FileProblem(str(path), f"is {kind}, not {what}; give the name of a file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb" if binary else "r", **({} if binary else {"encoding": "utf-8"}))
    except BaseException:
        os.close(fd)
        raise


def why_not_writable(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    return error.strerror or str(error)


def writable_target(path: str | os.PathLike) -> Path:
    """The file a write to `path` lands in (a symlink's target); FileProblem if it cannot be written there:
    a directory, device or FIFO in its place, a name ending in a separator (which names a folder:
    `--json out/` would otherwise write a file named `out`), or a folder that does not exist and cannot
    be made."""
    text = os.fspath(path)
    if text.endswith(os.sep) or (os.altsep and text.endswith(os.altsep)):
        raise FileProblem(text, f"ends in '{text[-1]}', so it names a folder; give the name of a file to write "
                                "(the folder and a file name in it)")
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):  # not there yet (the folder is looked at below)
        mode = None
    except OSError as error:
        raise FileProblem(str(path), f"cannot be written: {why_not_writable(error)}") from None
    if mode is not None and _kind(mode):
        raise FileProblem(str(path), f"is {_kind(mode)}; give the name of a file to write")
    # the file is replaced by a rename, which asks only the folder: a file its owner made read-only, or one
    # this user may not write, would be replaced all the same, as `cp` and editors never do
    if mode is not None and (not mode & 0o222 or not os.access(target, os.W_OK)):
        raise FileProblem(str(path), "is read-only: it is not replaced; make it writable or give another name")
    problem = folder_problem(target.parent)
    if problem:
        raise FileProblem(str(path), f"cannot be written: {problem}")
    return target


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be made in `folder` (made as needed from its nearest existing parent), or None."""
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is read-only"
    return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: it exists
        return True
    return True


def remove_leftovers(folder: Path) -> None:
    """Temporary files and folders that processes no longer running left in `folder`."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if match is None or alive(int(match["pid"])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass  # another process got there first, or it is not ours to remove


def temporary_name(name: str) -> str:
    """`.<name>.<pid>.<random>`: a leftover of a killed process is known by its id."""
    return f".{name}.{os.getpid()}.{secrets.token_hex(3)}"


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside `path`'s target; on success it replaces the target, on error it is
    removed and the target is as it was. FileProblem names `path` and says why it could not be written."""
    target = writable_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
        os.chmod(tmp, _MODE)
    except OSError as error:
        raise FileProblem(str(path), f"cannot be written: {why_not_writable(error)}") from None
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise FileProblem(str(path), f"cannot be written: {why_not_writable(error)}") from None
    except UnicodeEncodeError:  # a file name of bytes that are not UTF-8 (a CSV's path), in a UTF-8 file
        Path(tmp).unlink(missing_ok=True)
        raise FileProblem(str(path), "cannot be written: it would hold a name that is not UTF-8 text (a file "
                                     "name in another encoding); rename that file") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path) as handle:
        handle.write(text)
