"""A sweep's grid: settings given as lists of values, and every combination of them.

The list syntax is the flags' own: values separated by `,`; for settings whose one value is already a list
(hidden widths, feature or input names) the values are separated by `;`, since `,` separates the widths
(`--hidden "8;16,16;64,64,64"`); `A..B` is an inclusive range of whole numbers (`--seed 0..4`).
No torch here: a sweep is planned, counted and refused before anything loads.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Iterator

from . import kinds
from .errors import SettingError
from .schema import BY_NAME, Settings, find_problems, implied

MAX_RUNS = 500  # a sweep larger than this is refused before anything is built (the CLI's --max-runs)

# the seeds a configuration is repeated over: the table's rows are the rest, mean ± std over these
SEEDS = ("seed", "data_seed", "init_seed", "shuffle_seed")
LIST_KINDS = (kinds.IntList, kinds.NameList, kinds.Subset)


def separator(name: str) -> str:
    return ";" if isinstance(BY_NAME[name].kind, LIST_KINDS) else ","


class Values(Sequence):
    """One setting's values in a sweep: the values given one by one, and whole-number ranges kept as ranges,
    never expanded until the combinations are made: `--seed 0..2147483647` is counted (and refused over
    --max-runs) at once, as it is typed in the app, instead of being built in memory first."""

    def __init__(self, pieces: list):
        self._pieces = pieces  # lists of single values and ranges, in the order given
        self.size = sum(p.stop - p.start if isinstance(p, range) else len(p) for p in pieces)  # never len(range)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Any]:
        return itertools.chain.from_iterable(self._pieces)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(itertools.islice(self, *index.indices(self.size)))
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        for piece in self._pieces:
            length = piece.stop - piece.start if isinstance(piece, range) else len(piece)
            if index < length:
                return piece[index]
            index -= length
        raise AssertionError("unreachable")

    def __eq__(self, other) -> bool:
        if isinstance(other, Values):
            other_size = other.size
        elif isinstance(other, Sequence) and not isinstance(other, str):
            other_size = len(other)
        else:
            return NotImplemented
        return self.size == other_size and all(a == b for a, b in zip(self, other))

    __hash__ = None  # as a list's

    def __repr__(self) -> str:
        return f"Values({self._pieces!r})"


def parse_values(name: str, text: str) -> Values:
    """The values of one setting's flag: one or more, each parsed as the setting's kind; SettingError names
    the setting and the piece that is wrong. Ranges are counted, not expanded (Values)."""
    setting = BY_NAME[name]
    pieces = [p.strip() for p in text.split(separator(name))]
    if not any(pieces):
        raise SettingError(name, f"no value given: it takes {setting.kind.describe()}, or several separated by "
                                 f"'{separator(name)}'")
    parts: list = []
    for piece in pieces:
        if not piece:
            raise SettingError(name, f"an empty value in {text!r}: separate the values by '{separator(name)}'")
        if ".." in piece and isinstance(setting.kind, kinds.Int):
            parts.append(_range(setting, piece))
        elif parts and isinstance(parts[-1], list):
            parts[-1].append(setting.parse(piece))
        else:
            parts.append([setting.parse(piece)])
    duplicates = _given_twice(setting, parts)
    if duplicates:
        raise SettingError(name, f"{', '.join(duplicates)} given twice")
    return Values(parts)


def _given_twice(setting, parts: list) -> list[str]:
    """The values given more than once, as the flag writes them (an overlap of two ranges as a range):
    counted from the ranges' ends, never by expanding them (a quadratic count took 17 s for 0..20000)."""
    singles = [v for part in parts if isinstance(part, list) for v in part]
    ranges = sorted((part for part in parts if isinstance(part, range)), key=lambda r: r.start)
    seen: dict = {}
    for value in singles:
        seen[_hashable(value)] = seen.get(_hashable(value), 0) + 1
    twice = {setting.format(v) for v in singles if seen[_hashable(v)] > 1 or any(v in r for r in ranges)}
    reach = None  # the end of the ranges so far, as they start one after the other
    for r in ranges:
        if reach is not None and r.start < reach:
            last = min(reach, r.stop) - 1
            twice.add(str(r.start) if last == r.start else f"{r.start}..{last}")
        reach = r.stop if reach is None else max(reach, r.stop)
    return sorted(twice)


def _range(setting, piece: str) -> range:
    first, _, last = piece.partition("..")
    start, stop = setting.parse(first), setting.parse(last)
    if stop < start:
        raise SettingError(setting.name, f"the range {piece} is empty: write it from the smaller to the larger")
    return range(start, stop + 1)


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
        """The number of runs, from the number of each setting's values: nothing is built to count them."""
        total = 1
        for values in self.axes.values():
            total *= values.size if isinstance(values, Values) else len(values)
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
