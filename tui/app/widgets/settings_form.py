"""The settings form, generated from the engine's schema: one field per setting, checked as it is typed.

A new schema field appears here with no code written for it: Choice settings become selects,
Bool settings checkboxes, everything else an input whose text goes through the setting's own parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from engine import kinds
from engine.datasets.catalog import CATALOG, dataset_default
from engine.errors import SettingError
from engine.schema import SCHEMA, SECTIONS, Setting, Settings, default_text, field_help, find_problems

from tui.app.widgets.on_off import OnOff

TITLES = {"data": "Data", "model": "Network", "training": "Training"}


class SettingField(Vertical):
    """Label, editor and the reason a value is refused, for one setting."""

    def __init__(self, setting: Setting, value: Any, dataset: str):
        super().__init__(id=f"field-{setting.name}", classes="setting-field")
        self.setting = setting
        self.initial = value
        self.dataset = dataset
        self._problem: str | None = None

    def compose(self) -> ComposeResult:
        s = self.setting
        with Horizontal(classes="field-row"):
            yield Label(s.label, classes="field-label")
            if isinstance(s.kind, kinds.Bool):
                yield OnOff("", bool(self.initial), id=f"input-{s.name}", compact=True)
            elif isinstance(s.kind, kinds.Choice):
                yield Select([(v, v) for v in s.kind.values], value=self.initial, allow_blank=False,
                             id=f"input-{s.name}", compact=True)
            else:
                yield Input(s.format(self.initial), placeholder=default_text(s, self.dataset), id=f"input-{s.name}",
                            tooltip=field_help(s, self.dataset), compact=True)
        yield Label("", classes="field-problem")

    @property
    def editor(self) -> Input | Select | OnOff:
        return self.query_one(f"#input-{self.setting.name}")

    def read(self) -> Any:
        """The typed value (the default for an empty field); SettingError if it is refused."""
        if not self.query(f"#input-{self.setting.name}"):
            return self.initial  # still being mounted: it will show the value it was made with
        editor = self.editor
        if isinstance(editor, (OnOff, Select)):
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

    def for_dataset(self, dataset: str) -> None:
        """Shown only if the setting applies; its placeholder the value an empty field means for this data, its
        help what the setting means for it (the inputs of a CSV file: two columns only)."""
        shown = self.setting.applies_to(dataset)
        if self.display != shown:
            self.display = shown
        for editor in self.query(Input):  # none yet while the field is being mounted: composed right then
            placeholder = default_text(self.setting, dataset)
            if editor.placeholder != placeholder:
                editor.placeholder = placeholder
            help_text = field_help(self.setting, dataset)
            if editor.tooltip != help_text:
                editor.tooltip = help_text

    def show_fixed(self, text: str | None) -> None:
        """In place of the editor, what the setting is for this data and cannot be changed (a file's inputs are
        its columns); None: the editor again."""
        fixed = self.query(".field-fixed")
        if text is not None and not fixed:
            self.query_one(".field-row").mount(Label(text, classes="field-fixed"))
        elif fixed:
            fixed.first(Label).update(text or "")
            fixed.first().display = text is not None
        self.editor.display = text is None

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

    @dataclass
    class Changed(Message):
        settings: Settings | None
        problems: dict[str, str]

    def __init__(self, settings: Settings, **kwargs):
        super().__init__(**kwargs)
        self._initial = settings
        self._fields: list[SettingField] = []
        self._check_due = False
        self._dataset = settings.dataset

    def compose(self) -> ComposeResult:
        for section in SECTIONS:
            # a plain header, not a Tab stop: Tab moves from field to field
            yield Static(TITLES[section], classes="form-section")
            for setting in SCHEMA:
                if setting.section == section:
                    yield SettingField(setting, getattr(self._initial, setting.name), self._initial.dataset)

    def on_mount(self) -> None:
        self._fields = list(self.query(SettingField))
        self._for_dataset(self._initial.dataset, force=True)
        self._check_soon()  # the first reading: the app learns the settings it starts from

    def fields(self) -> list[SettingField]:
        return self._fields

    def field(self, name: str) -> SettingField:
        return self.query_one(f"#field-{name}", SettingField)

    def focus_setting(self, name: str) -> None:
        """Put the keyboard on a setting's editor; the form scrolls to it."""
        self.field(name).editor.focus()

    def show_inputs(self, features: list[str]) -> None:
        """The model's inputs for this data: the transforms of two features (x1, x2, x1^2, …), else the file's
        columns by name, as they are (shown, not editable, while the default stands for them)."""
        field = self.field("inputs")
        default = field.setting.format(field.setting.default)
        editor = field.editor
        as_they_are = len(features) != 2 and isinstance(editor, Input) and editor.value.strip() in ("", default)
        field.show_fixed(", ".join(features) if as_they_are else None)

    def shown_settings(self) -> list[Setting]:
        return [f.setting for f in self._fields if f.display]

    def _for_dataset(self, dataset: str, force: bool = False) -> None:
        if dataset not in CATALOG or (dataset == self._dataset and not force):
            return
        previous, self._dataset = self._dataset, dataset
        scale = self.field("scale")
        if not force and scale.read() == dataset_default(previous, "scale"):
            scale.write(dataset_default(dataset, "scale"))  # a file is scaled standard unless one chose otherwise
        for f in self._fields:
            f.for_dataset(dataset)

    def load(self, settings: Settings) -> None:
        """Put `settings` into the fields (a config, a preset, a checkpoint)."""
        for f in self.fields():
            f.write(getattr(settings, f.setting.name))  # each write posts a change, which checks the form

    def check(self) -> tuple[Settings | None, dict[str, str]]:
        """Read every field; show each refusal next to its field; post and return the result."""
        values, problems = {}, {}
        for f in self.fields():  # the dataset first: a field hidden for it stands for its default
            dataset = values.get("dataset", self._dataset)
            if f.setting.name != "dataset" and dataset in CATALOG and not f.setting.applies_to(dataset):
                values[f.setting.name] = f.setting.default
                continue
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
        self._for_dataset(values.get("dataset", ""))
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

    def on_checkbox_changed(self, event: OnOff.Changed) -> None:
        event.stop()
        self._check_soon()
