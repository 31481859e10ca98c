"""The settings form, generated from the engine's schema: one field per setting, checked as it is typed.

A new schema field appears here with no code written for it: Choice settings become selects,
Bool settings checkboxes, everything else an input whose text goes through the setting's own parser.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Collapsible, Input, Label, Select

from engine import kinds
from engine.datasets.catalog import CATALOG
from engine.errors import SettingError
from engine.schema import SCHEMA, SECTIONS, Setting, Settings, find_problems

TITLES = {"data": "Data", "model": "Network", "training": "Training"}


def _placeholder(setting: Setting) -> str:
    return "default" if setting.default is None else setting.format(setting.default)


class SettingField(Vertical):
    """Label, editor and the reason a value is refused, for one setting."""

    def __init__(self, setting: Setting, value: Any):
        super().__init__(id=f"field-{setting.name}", classes="setting-field")
        self.setting = setting
        self.initial = value
        self._problem: str | None = None

    def compose(self) -> ComposeResult:
        s = self.setting
        with Horizontal(classes="field-row"):
            yield Label(s.label, classes="field-label")
            if isinstance(s.kind, kinds.Bool):
                yield Checkbox("", bool(self.initial), id=f"input-{s.name}", compact=True)
            elif isinstance(s.kind, kinds.Choice):
                yield Select([(v, v) for v in s.kind.values], value=self.initial, allow_blank=False,
                             id=f"input-{s.name}", compact=True)
            else:
                yield Input(s.format(self.initial), placeholder=_placeholder(s), id=f"input-{s.name}",
                            tooltip=f"{s.help}: {s.kind.describe()}", compact=True)
        yield Label("", classes="field-problem")

    @property
    def editor(self) -> Input | Select | Checkbox:
        return self.query_one(f"#input-{self.setting.name}")

    def read(self) -> Any:
        """The typed value (the default for an empty field); SettingError if it is refused."""
        editor = self.editor
        if isinstance(editor, Checkbox):
            return editor.value
        if isinstance(editor, Select):
            return editor.value
        text = editor.value.strip()
        if not text:
            return self.setting.default  # what the placeholder shows an empty field stands for
        return self.setting.parse(text)

    def write(self, value: Any) -> None:
        editor = self.editor
        if isinstance(editor, Input):
            editor.value = self.setting.format(value)
        else:
            editor.value = value

    def show_problem(self, problem: str | None) -> None:
        if problem == self._problem:  # a restyle per field per keystroke is what made typing lag
            return
        self._problem = problem
        label = self.query_one(".field-problem", Label)
        label.update(problem or "")
        label.display = bool(problem)
        self.set_class(bool(problem), "has-problem")


class SettingsForm(VerticalScroll):
    """Posts `Changed` with valid Settings, or with the problems found, after every edit."""

    can_focus = False  # Tab goes straight to the fields; the form scrolls to follow the focus

    class Changed(Message):
        def __init__(self, settings: Settings | None, problems: dict[str, str]):
            super().__init__()
            self.settings = settings
            self.problems = problems

    def __init__(self, settings: Settings, **kwargs):
        super().__init__(**kwargs)
        self._initial = settings
        self._fields: list[SettingField] = []
        self._check_due = False

    def compose(self) -> ComposeResult:
        for section in SECTIONS:
            with Collapsible(title=TITLES[section], collapsed=False, id=f"section-{section}"):
                for setting in SCHEMA:
                    if setting.section == section:
                        yield SettingField(setting, getattr(self._initial, setting.name))

    def on_mount(self) -> None:
        self._fields = list(self.query(SettingField))
        self._show_applicable(self._initial.dataset)

    def fields(self) -> list[SettingField]:
        return self._fields

    def field(self, name: str) -> SettingField:
        return self.query_one(f"#field-{name}", SettingField)

    def _show_applicable(self, dataset: str) -> None:
        if dataset not in CATALOG:
            return
        for f in self.fields():
            shown = f.setting.applies_to(dataset)
            if f.display != shown:
                f.display = shown

    def load(self, settings: Settings) -> None:
        """Put `settings` into the fields (a config, a preset, a checkpoint)."""
        for f in self.fields():
            f.write(getattr(settings, f.setting.name))  # each write posts a change, which checks the form

    def check(self) -> tuple[Settings | None, dict[str, str]]:
        """Read every field; show each refusal next to its field; post and return the result."""
        values, problems = {}, {}
        for f in self.fields():
            try:
                values[f.setting.name] = f.read()
            except SettingError as error:
                problems[f.setting.name] = error.problem
        settings = None
        if not problems:
            candidate = Settings(**values)
            problems = {p.subject: p.problem for p in find_problems(candidate)}
            settings = None if problems else candidate
        for f in self.fields():
            f.show_problem(problems.get(f.setting.name))
        self._show_applicable(values.get("dataset", ""))
        self.post_message(self.Changed(settings, problems))
        return settings, problems

    def _check_soon(self) -> None:
        """One check for a burst of changes (a preset or a config writes every field at once)."""
        if not self._check_due:
            self._check_due = True
            self.call_later(self._check_now)

    def _check_now(self) -> None:
        self._check_due = False
        self.check()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_soon()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._check_soon()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._check_soon()
