"""A worker's failure as a notice a person can read: the engine's errors carry their own title and a
sentence; anything else is a bug, said plainly, never as a class name or a traceback."""

from __future__ import annotations

import os

from engine.errors import AnnclfError

from tui.text.escapes import escaped


def describe(error: BaseException) -> tuple[str, str]:
    """(title, message) of a notice about `error`."""
    if isinstance(error, AnnclfError):
        return error.title, str(error)
    return "something went wrong", str(error) or "an unexpected error (please report it)"


def notify_failure(node, error: BaseException | None) -> None:
    title, message = describe(error) if error is not None else ("something went wrong", "no reason given")
    # a path or a name is the user's text: shown as it is, never read as markup or obeyed as a control code
    node.notify(escaped(message), title=escaped(title), severity="error", timeout=10, markup=False)


def data_problem(error: BaseException | None) -> str:
    """Why the data could not be made, short enough for the status line: a file by its name, not its path."""
    if isinstance(error, AnnclfError):
        subject = os.path.basename(error.subject) if os.sep in error.subject else error.subject
        return f"{subject}: {error.problem}"
    return describe(error)[1] if error is not None else "the data cannot be made"
