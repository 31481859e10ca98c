"""The one settings schema: every setting of data, model and training, with its default and range.

A setting is added here and nowhere else: the CLI flags, the TOML files, the TUI forms and the
checkpoints are all built from `SCHEMA`. A default of `None` means "the dataset's own default"
(see `datasets/catalog.py`); `resolve()` fills those in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from . import kinds
from .datasets.catalog import (CATALOG, DATASET_NAMES, FALLBACK_DEFAULTS, IRIS_FEATURES, ONEHOT_MOST,
                               dataset_default)
from .errors import SettingError

SECTIONS = ("data", "model", "training")

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "identity")
INITS = ("default", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "zeros")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("none", "step", "cosine", "plateau")
SCHEDULE_SETTINGS = {"step_size": ("step",), "gamma": ("step", "plateau"), "plateau_patience": ("plateau",)}
SCALINGS = ("none", "standard", "minmax")
MISSING_CELLS = ("refuse", "drop", "impute")  # what a CSV file's missing cells do
CATEGORICAL = ("refuse", "onehot")  # what a CSV file's text feature columns do
DEVICES = ("auto", "cpu", "cuda")
# the model's possible input columns, made from the two scaled features (the browser playground's "features");
# engine/standalone/data.py computes them and holds the same names: the schema must not import it (torch)
INPUTS = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
DEFAULT_INPUTS = ("x1", "x2")

# Settings that every dataset reads; the rest are read only by datasets whose catalog entry names them.
_COMMON_DATA = {"dataset", "label_noise", "scale", "seed", "data_seed", "test_size", "val_size"}


@dataclass(frozen=True)
class Setting:
    name: str
    section: str
    kind: Any  # one of engine.kinds
    default: Any
    help: str
    label: str  # short name for forms and tables

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        """Text (a CLI flag, a form field) to a value, or SettingError naming this setting."""
        try:
            return self.kind.parse(text)
        except kinds.Refused as refused:
            raise SettingError(self.name, str(refused)) from None

    def check(self, value: Any) -> Any:
        if value is None and self.default is None:
            return None
        try:
            return self.kind.check(value)
        except kinds.Refused as refused:
            raise SettingError(self.name, str(refused)) from None

    def format(self, value: Any) -> str:
        return "" if value is None else self.kind.format(value)

    def applies_to(self, dataset: str) -> bool:
        if self.section != "data" or self.name in _COMMON_DATA:
            return True
        return self.name in CATALOG[dataset].uses


def _setting(section: str, default: Any, kind: Any, label: str, help: str) -> Any:
    meta = {"section": section, "kind": kind, "label": label, "help": help}
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    # --- data
    dataset: str = _setting("data", "circles", kinds.Choice(DATASET_NAMES), "dataset", "which dataset to train on")
    samples: int | None = _setting("data", None, kinds.Int(10, 10_000_000), "samples", "number of points (default: the dataset's)")
    noise: float | None = _setting("data", None, kinds.Float(0.0, 10.0), "noise", "spread of the points (default: the dataset's)")
    factor: float = _setting("data", 0.8, kinds.Float(0.0, 1.0, True, True), "factor", "circles: inner radius over outer radius")
    classes: int | None = _setting("data", None, kinds.Int(2, 10), "classes", "blobs: number of centres (2-10); iris: 2 (versicolor vs virginica) or 3")
    cluster_std: float = _setting("data", 1.5, kinds.Float(0.0, 20.0, True), "cluster std", "blobs: standard deviation of each blob")
    features: list[str] | None = _setting("data", None, kinds.NameList(), "features", "iris: the two features; csv: the feature columns (default all but the label; one category of a text column as column=text)")
    csv: str | None = _setting("data", None, kinds.Text("a path to a CSV file"), "CSV file", "csv: the file to read")
    label: str | None = _setting("data", None, kinds.Text("a column name"), "label column", "csv: the label column (default the last, announced)")
    exclude: list[str] | None = _setting("data", None, kinds.NameList(), "exclude", "csv: columns left out of the features (an id, a date, a leak)")
    missing: str = _setting("data", "refuse", kinds.Choice(MISSING_CELLS), "missing cells", "csv: rows with a missing cell are refused, dropped, or imputed (the median of a number column, the most frequent text; from the training rows)")
    categorical: str = _setting("data", "refuse", kinds.Choice(CATEGORICAL), "text columns", f"csv: text feature columns are refused, or one-hot encoded (categories of the training rows; at most {ONEHOT_MOST} of them)")
    label_noise: float = _setting("data", 0.0, kinds.Float(0.0, 0.5), "label noise", "fraction of the training labels flipped to another class at random (validation and test keep the true labels)")
    scale: str | None = _setting("data", None, kinds.Choice(SCALINGS), "scaling", "feature scaling, fitted on the training split (default none; standard for a CSV file)")
    seed: int | None = _setting("data", None, kinds.Int(0, 2**31 - 1), "seed", "one seed for data, initial weights and batch order (default: the dataset's, else 0)")
    data_seed: int | None = _setting("data", None, kinds.Int(0, 2**31 - 1), "data seed", "seed of the data sample and split (default: seed)")
    test_size: float = _setting("data", 0.2, kinds.Float(0.0, 0.9, True), "test fraction", "fraction held out for testing (stratified)")
    val_size: float = _setting("data", 0.0, kinds.Float(0.0, 0.8), "val fraction", "fraction held out for validation: early stopping, the plateau schedule and the best epoch watch it, so the test set stays unseen (0 = none)")
    # --- model
    inputs: list[str] = _setting("model", list(DEFAULT_INPUTS), kinds.Subset(INPUTS), "inputs", "the model's input columns, in this order, made from the two features after scaling, e.g. x1^2,x2^2 (data of more features: its columns as they are)")
    hidden: list[int] = _setting("model", [10, 10], kinds.IntList(), "hidden layers", 'widths of the hidden layers, e.g. 16,16, or "none" for logistic regression')
    activation: str = _setting("model", "relu", kinds.Choice(ACTIVATIONS), "activation", "activation between layers")
    init: str = _setting("model", "default", kinds.Choice(INITS), "weight init", "weight initialisation (default: PyTorch's)")
    dropout: float = _setting("model", 0.0, kinds.Float(0.0, 1.0, False, True), "dropout", "dropout rate after each hidden layer")
    init_seed: int | None = _setting("model", None, kinds.Int(0, 2**31 - 1), "init seed", "seed of the initial weights and dropout (default: seed)")
    # --- training
    optimizer: str = _setting("training", "adam", kinds.Choice(OPTIMIZERS), "optimizer", "optimisation algorithm")
    lr: float = _setting("training", 0.01, kinds.Float(0.0, 100.0, True), "learning rate", "learning rate")
    epochs: int = _setting("training", 1000, kinds.Int(1, 10_000_000), "epochs", "epochs to train (in all, counting any resumed ones)")
    batch_size: int = _setting("training", 0, kinds.Int(0, 10_000_000), "batch size", "mini-batch size; 0 = full batch")
    momentum: float = _setting("training", 0.0, kinds.Float(0.0, 1.0, False, True), "momentum", "sgd and rmsprop: momentum")
    nesterov: bool = _setting("training", False, kinds.Bool(), "nesterov", "sgd: Nesterov momentum (needs momentum > 0)")
    weight_decay: float = _setting("training", 0.0, kinds.Float(0.0, 10.0), "weight decay", "L2 penalty (decoupled for adamw)")
    l1: float = _setting("training", 0.0, kinds.Float(0.0, 10.0), "L1 penalty", "L1 penalty on the weights, added to the loss")
    schedule: str = _setting("training", "none", kinds.Choice(SCHEDULES), "lr schedule", "learning-rate schedule")
    step_size: int = _setting("training", 100, kinds.Int(1, 10_000_000), "step every", "step schedule: epochs between decays")
    gamma: float = _setting("training", 0.5, kinds.Float(0.0, 1.0, True, True), "decay factor", "step and plateau schedules: factor applied to the learning rate")
    plateau_patience: int = _setting("training", 10, kinds.Int(1, 1_000_000), "plateau patience", "plateau schedule: epochs without improvement before a decay")
    patience: int = _setting("training", 0, kinds.Int(0, 1_000_000), "early stop patience", "early stopping: epochs without a better test loss; 0 = off")
    device: str = _setting("training", "auto", kinds.Choice(DEVICES), "device", "auto (CUDA when available), cpu or cuda")
    shuffle_seed: int | None = _setting("training", None, kinds.Int(0, 2**31 - 1), "shuffle seed", "seed of the mini-batch order (default: seed)")

    def __post_init__(self) -> None:
        # a setting left to the dataset holds the dataset's value at once (the forms show a choice, never a
        # blank): a CSV file is scaled by default, the generated sets are not
        for name in FALLBACK_DEFAULTS:
            if getattr(self, name) is None:
                object.__setattr__(self, name, dataset_default(self.dataset, name))

    def replace(self, **changes: Any) -> "Settings":
        """A copy with `changes`; a setting that held the old dataset's default takes the new dataset's."""
        if changes.get("dataset", self.dataset) != self.dataset:
            for name in FALLBACK_DEFAULTS:
                if name not in changes and getattr(self, name) == dataset_default(self.dataset, name):
                    changes[name] = None
        return dataclasses.replace(self, **changes)

    def resolve(self) -> "Settings":
        """Validated, with every dataset-dependent default filled in."""
        checked = validate(self)
        defaults = CATALOG[checked.dataset].defaults
        fill: dict[str, Any] = {}
        for name in ("samples", "noise", "classes"):
            if getattr(checked, name) is None and name in defaults:
                fill[name] = defaults[name]
        seed = checked.seed if checked.seed is not None else defaults.get("seed", 0)
        fill["seed"] = seed
        for name in ("data_seed", "init_seed", "shuffle_seed"):
            if getattr(checked, name) is None:
                fill[name] = seed
        return dataclasses.replace(checked, **fill)

    def to_sections(self) -> dict[str, dict[str, Any]]:
        """Nested by section, `None` left out: the shape of the TOML file and of checkpoints."""
        out: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
        for setting in SCHEMA:
            value = getattr(self, setting.name)
            if value is not None:
                out[setting.section][setting.name] = list(value) if isinstance(value, list) else value
        return out

    def to_flat(self) -> dict[str, Any]:
        return {s.name: getattr(self, s.name) for s in SCHEMA}

    def differences(self, other: "Settings") -> list[str]:
        return [s.name for s in SCHEMA if getattr(self, s.name) != getattr(other, s.name)]


SCHEMA: tuple[Setting, ...] = tuple(
    Setting(name=f.name, default=f.default if f.default is not dataclasses.MISSING else f.default_factory(),
            **f.metadata)
    for f in dataclasses.fields(Settings)
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SCHEMA}


def default_text(setting: Setting, dataset: str) -> str:
    """What an empty field stands for with this dataset, as its placeholder shows it: the value itself
    where it is known (the toy sets' seed 2, circles' 1000 samples), "= seed" for the seeds that follow it."""
    if setting.default is not None:
        return setting.format(setting.default)
    defaults = CATALOG[dataset].defaults if dataset in CATALOG else {}
    if setting.name == "seed":
        return str(defaults.get("seed", 0))
    if setting.name in ("data_seed", "init_seed", "shuffle_seed"):
        return "= seed"
    if setting.name in defaults:
        return setting.format(defaults[setting.name])
    if setting.name == "features":
        return "the dataset's" if dataset == "iris" else "all but the label"
    if setting.name in FALLBACK_DEFAULTS:
        return setting.format(dataset_default(dataset, setting.name))
    if setting.name == "label":
        return "the last column"
    if setting.name == "exclude":
        return "none"
    return "a path (or the o key)" if setting.name == "csv" else ""


def field_help(setting: Setting, dataset: str) -> str:
    """A field's help in the forms: what the setting does and takes, and what it means for this dataset."""
    text = f"{setting.help}: {setting.kind.describe()}"
    if setting.name == "inputs" and dataset == "csv":
        text += ". The transforms apply only to a file of two feature columns (or two chosen with features)"
    return text


def implied(values: dict[str, Any]) -> dict[str, Any]:
    """A CSV file given without a dataset means the csv dataset (a flag or a TOML file alike)."""
    if values.get("csv") and "dataset" not in values:
        return {**values, "dataset": "csv"}
    return values


def datasets_using(name: str) -> list[str]:
    return [d for d, info in CATALOG.items() if name in info.uses]


def from_values(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Settings from typed values (as TOML gives them); unknown names and bad values raise."""
    changes = {}
    for name, value in implied(values).items():
        if name not in BY_NAME:
            raise SettingError(name, "is not a setting; known settings: " + ", ".join(BY_NAME))
        changes[name] = BY_NAME[name].check(value)
    return (base or Settings()).replace(**changes)


def validate(settings: Settings) -> Settings:
    """Raise SettingError for the first problem found; return the settings unchanged otherwise."""
    problems = find_problems(settings)
    if problems:
        raise problems[0]
    return settings


def find_problems(settings: Settings) -> list[SettingError]:
    """Every problem, each naming its setting: the forms show all of them at once."""
    problems: list[SettingError] = []
    for setting in SCHEMA:
        try:
            setting.check(getattr(settings, setting.name))
        except SettingError as error:
            problems.append(error)
    if problems:
        return problems
    s = settings

    def refuse(name: str, why: str) -> None:
        problems.append(SettingError(name, why))

    if s.dataset == "iris":
        if s.classes is not None and s.classes not in (2, 3):
            refuse("classes", f"iris takes 2 (versicolor vs virginica) or 3 (all species), not {s.classes}")
        if s.features is not None:
            unknown = [f for f in s.features if f not in IRIS_FEATURES]
            if unknown or len(s.features) != 2:
                refuse("features", "iris takes two of " + ", ".join(IRIS_FEATURES)
                       + f"; got {','.join(s.features)}")
    if tuple(s.inputs) != DEFAULT_INPUTS and s.dataset == "csv" and s.features is not None and len(s.features) != 2:
        refuse("inputs", f"the transforms ({','.join(s.inputs)}) need exactly two feature columns, and features "
                         f"names {len(s.features)}: choose two, or keep inputs x1,x2")
    if s.test_size + s.val_size > 0.9:
        refuse("val_size", f"test {s.test_size:g} and validation {s.val_size:g} leave less than a tenth of the "
                           "data for training; make them smaller")
    if s.dataset == "csv" and not s.csv:
        refuse("csv", "the csv dataset needs a file: give its path")
    if s.exclude and s.label in s.exclude:
        refuse("exclude", f"names {s.label!r}, the label column; leave it out of exclude")
    if s.exclude and s.features and set(s.exclude) & set(s.features):
        both = ", ".join(n for n in s.exclude if n in s.features)
        refuse("exclude", f"names {both}, which features names too; name a column in one of them")
    for setting in SCHEMA:  # a value given to a dataset that does not read it would be silently ignored
        if not setting.applies_to(s.dataset) and getattr(s, setting.name) != setting.default:
            refuse(setting.name, f"does not apply to {s.dataset}; it applies to " + ", ".join(datasets_using(setting.name)))
    if s.nesterov and (s.optimizer != "sgd" or s.momentum <= 0):
        refuse("nesterov", "Nesterov momentum needs optimizer sgd and a momentum above 0")
    if s.momentum > 0 and s.optimizer not in ("sgd", "rmsprop"):
        refuse("momentum", f"{s.optimizer} has no momentum setting; it applies to sgd and rmsprop")
    # a schedule's own settings given to another schedule would be silently ignored, as momentum would be
    for name, schedules in SCHEDULE_SETTINGS.items():
        if s.schedule not in schedules and getattr(s, name) != BY_NAME[name].default:
            refuse(name, f"does not apply to schedule {s.schedule}; it applies to the {' and '.join(schedules)} "
                         f"schedule{'s' if len(schedules) > 1 else ''}")
    return problems
