"""A table's problems, all of them, each with the settings that mend it to choose from before training.

The engine found them (TableProblems) and says for each which settings mend it (`Fix`): missing cells
dropped or imputed, text columns one-hot or left out, an index or a constant column left out. The choice
for each starts at its first fix; "as it is" keeps the problem (and the file is refused again). Problems that
no setting mends (the label column) are listed for the file to be mended, or another label picked (o).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import RadioButton, RadioSet, Static

from engine.errors import Fix

AS_IT_IS = "as it is (the file stays refused)"


def changes(fixes: list[Fix], exclude: list[str] | None) -> dict[str, object]:
    """The settings the chosen fixes make: a column to leave out is added to those already left out."""
    out: dict[str, object] = {}
    left_out = list(exclude or [])
    for fix in fixes:
        if fix.setting == "exclude":
            if fix.value not in left_out:
                left_out.append(fix.value)
        else:
            out[fix.setting] = fix.value
    if left_out != list(exclude or []):
        out["exclude"] = left_out
    return out


class TableProblemsScreen(ModalScreen[list[Fix] | None]):
    """Gives the fixes chosen (a for apply), or None (Escape)."""

    BINDINGS = [Binding("a", "apply", "Apply"), Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = ".table-fixes"  # the first problem's choices

    def __init__(self, subject: str, problems: tuple[str, ...], fixes: dict[str, tuple[Fix, ...]]):
        super().__init__()
        self.subject, self.problems, self.fixes = subject, problems, fixes

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        with Vertical(id="table-problems-box") as box:
            box.border_title = f"{self.subject}: {count} problem{'s' if count != 1 else ''}"
            with VerticalScroll(id="table-problems") as problems:
                problems.can_focus = False  # Tab goes from one problem's choices to the next (each scrolled to)
                for k, problem in enumerate(self.problems, 1):
                    yield Static(f"{k}. {problem}", classes="table-problem", markup=False)
                    fixes = self.fixes.get(problem, ())
                    if fixes:
                        with RadioSet(id=f"fixes-{k}", classes="table-fixes"):
                            for i, fix in enumerate(fixes):
                                yield RadioButton(fix.says, value=i == 0)
                            yield RadioButton(AS_IT_IS)
                    else:
                        yield Static("no setting mends this: mend the file, or pick another label column (o)",
                                     classes="table-no-fix")
            yield Static("a: apply · Escape: leave the settings as they are · Tab: next problem · ↑↓ Enter: choose",
                         id="table-hint", classes="ask-hint")

    def chosen(self) -> list[Fix]:
        """The fix chosen for each problem that has some (none where "as it is" is chosen)."""
        out = []
        for k, problem in enumerate(self.problems, 1):
            fixes = self.fixes.get(problem, ())
            if fixes:
                index = self.query_one(f"#fixes-{k}", RadioSet).pressed_index
                if 0 <= index < len(fixes):
                    out.append(fixes[index])
        return out

    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        self.dismiss(None)
