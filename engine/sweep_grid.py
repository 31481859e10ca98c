"""A sweep's grid: settings given as lists of values, and every combination of them.

The list syntax is the flags' own: values separated by `,`; for settings whose one value is already a list
(hidden widths, feature or input names) the values are separated by `;`, since `,` separates the widths
(`--hidden "8;16,16;64,64,64"`); `A..B` is an inclusive range of whole numbers (`--seed 0..4`).
No torch here: a sweep is planned, counted and refused before anything loads.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from . import kinds
from .errors import SettingError
from .schema import BY_NAME, Settings, find_problems, implied

# the seeds a configuration is repeated over: the table's rows are the rest, mean ± std over these
SEEDS = ("seed", "data_seed", "init_seed", "shuffle_seed")
LIST_KINDS = (kinds.IntList, kinds.NameList, kinds.Subset)


def separator(name: str) -> str:
    return ";" if isinstance(BY_NAME[name].kind, LIST_KINDS) else ","


def parse_values(name: str, text: str) -> list[Any]:
    """The values of one setting's flag: one or more, each parsed as the setting's kind; SettingError names
    the setting and the piece that is wrong."""
    setting = BY_NAME[name]
    pieces = [p.strip() for p in text.split(separator(name))]
    if not any(pieces):
        raise SettingError(name, f"no value given: it takes {setting.kind.describe()}, or several separated by "
                                 f"'{separator(name)}'")
    values: list[Any] = []
    for piece in pieces:
        if not piece:
            raise SettingError(name, f"an empty value in {text!r}: separate the values by '{separator(name)}'")
        if ".." in piece and isinstance(setting.kind, kinds.Int):
            values += _range(setting, piece)
        else:
            values.append(setting.parse(piece))
    duplicates = sorted({setting.format(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise SettingError(name, f"{', '.join(duplicates)} given twice")
    return values


def _range(setting, piece: str) -> list[int]:
    first, _, last = piece.partition("..")
    start, stop = setting.parse(first), setting.parse(last)
    if stop < start:
        raise SettingError(setting.name, f"the range {piece} is empty: write it from the smaller to the larger")
    return list(range(start, stop + 1))


@dataclass(frozen=True)
class Grid:
    base: Settings  # the settings every combination starts from (a --config file, the defaults)
    axes: dict[str, list[Any]]  # the settings given as flags, each with its values, in the schema's order

    @property
    def varying(self) -> list[str]:
        """The settings that take more than one value: the table's columns."""
        return [name for name, values in self.axes.items() if len(values) > 1]

    @property
    def count(self) -> int:
        total = 1
        for values in self.axes.values():
            total *= len(values)
        return total

    def combinations(self) -> list[Settings]:
        """Every combination (the last setting varies fastest); SettingError for the first
        combination the schema refuses, naming it."""
        names = list(self.axes)
        out = []
        for values in itertools.product(*(self.axes[n] for n in names)):
            changes = implied(dict(zip(names, values)))
            settings = self.base.replace(**changes)
            problems = find_problems(settings)
            if problems:
                problem = problems[0]
                where = ", ".join(f"{n} {BY_NAME[n].format(v)}" for n, v in zip(names, values)
                                  if n in self.varying)
                raise SettingError(problem.subject, f"{problem.problem} (in the combination {where})"
                                   if where else problem.problem)
            out.append(settings)
        return out


def configuration_key(settings: Settings, varying: list[str]) -> tuple:
    """What a table row is: the varying settings but the seeds (a row's runs differ in their seeds only)."""
    return tuple((name, _hashable(getattr(settings, name))) for name in varying if name not in SEEDS)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
