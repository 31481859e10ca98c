"""A worker's failure as a notice a person can read: the engine's errors carry their own title and a
sentence; anything else is a bug, said plainly, never as a class name or a traceback."""

from __future__ import annotations

from engine.errors import AnnclfError


def describe(error: BaseException) -> tuple[str, str]:
    """(title, message) of a notice about `error`."""
    if isinstance(error, AnnclfError):
        return error.title, str(error)
    return "something went wrong", str(error) or "an unexpected error (please report it)"


def notify_failure(node, error: BaseException | None) -> None:
    title, message = describe(error) if error is not None else ("something went wrong", "no reason given")
    node.notify(message, title=title, severity="error", timeout=10)
