"""Errors the engine raises for things a user can fix.

Each names its subject (a setting, a file, a column) so that the CLI can print one line and the
TUI can put the reason next to the right field, and carries a title for the notice that shows it:
no exception class name ever reaches a user. Anything else that escapes the engine is a bug.
"""

from dataclasses import dataclass


class AnnclfError(Exception):
    """A problem the user can fix; `str()` is a complete, one-line explanation."""

    title = "something went wrong"

    def __init__(self, subject: str, problem: str):
        # one line whatever the user's text holds: a name or a cell with a line break in it is shown quoted
        shown = subject if subject.isprintable() else repr(subject)
        super().__init__(f"{shown}: {' '.join(problem.splitlines())}")
        self.subject = subject
        self.problem = problem


class SettingError(AnnclfError):
    """A setting has a value it does not accept; `subject` is the setting's name."""

    title = "invalid setting"


class DataError(AnnclfError):
    """A dataset cannot be built from the file or settings given."""

    title = "cannot use this data"


@dataclass(frozen=True)
class Fix:
    """A change of settings that mends a problem of a table: `setting` set to `value` (for exclude: the column
    `value` added to those left out)."""

    setting: str
    value: str
    says: str  # what it does, for a person choosing among fixes: "leaves those rows out"


class TableProblems(DataError):
    """A table (a CSV file) cannot be used as it is: every problem found, all at once, each naming the
    setting or the change to the file that fixes it. `problems` lists them for a client to show one by one;
    `fixes` gives, for a problem that settings can mend, those settings, for a client to offer as choices;
    `str()` is one line of them all."""

    def __init__(self, subject: str, problems: list[str], context: str = "",
                 fixes: dict[str, tuple[Fix, ...]] | None = None):
        self.problems = tuple(problems)
        self.fixes = {p: f for p, f in (fixes or {}).items() if p in self.problems}
        self.context = context  # what the problems are read against: the label column chosen, when none was named
        if len(problems) == 1:
            text = problems[0]
        else:
            text = f"{len(problems)} problems: " + "; ".join(f"({k}) {p}" for k, p in enumerate(problems, 1))
        super().__init__(subject, f"{context}: {text}" if context else text)


class FileProblem(AnnclfError):
    """A config, checkpoint or other file is missing, unreadable or malformed."""

    title = "file problem"


class ResourceError(AnnclfError):
    """The settings would need more memory than the device has."""

    title = "too large"
