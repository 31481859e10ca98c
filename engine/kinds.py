"""The kinds of value a setting can hold: how each is parsed from text, checked and described.

The CLI, the TUI's input fields and the TOML loader all go through `parse`/`check`, so a value is
accepted or refused with the same words everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class Refused(ValueError):
    """A value was refused; the message says what the kind accepts."""


def _number_text(x: float) -> str:
    return f"{x:g}"


def _shown(value: Any) -> str:
    """A refused value as the file or flag gave it: TOML's true and dates, not Python's True and
    datetime.date(1979, 5, 27)."""
    if isinstance(value, bool):
        return str(value).lower()
    if hasattr(value, "isoformat"):  # a TOML date, time or date-time
        return f"the date {value.isoformat()}"
    return repr(value)


@dataclass(frozen=True)
class Int:
    minimum: int | None = None
    maximum: int | None = None

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum:,} to {self.maximum:,}"
        if self.minimum is not None:
            return f"a whole number of at least {self.minimum:,}"
        return "a whole number"

    def parse(self, text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise Refused(f"{text.strip()!r} is not {self.describe()}") from None
        return self.check(value)

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise Refused(f"{value:,} is out of range: it takes {self.describe()}")
        return value

    def format(self, value: int) -> str:
        return str(value)


@dataclass(frozen=True)
class Float:
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False  # True: the minimum itself is refused (e.g. a learning rate of 0)
    below_maximum: bool = False

    def describe(self) -> str:
        low = self.minimum is not None
        high = self.maximum is not None
        if low and high:
            lo = "above" if self.above_minimum else "from"
            hi = "below" if self.below_maximum else "up to"
            return f"a number {lo} {_number_text(self.minimum)} {hi} {_number_text(self.maximum)}"
        if low:
            return f"a number {'above' if self.above_minimum else 'of at least'} {_number_text(self.minimum)}"
        return "a number"

    def parse(self, text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise Refused(f"{text.strip()!r} is not {self.describe()}") from None
        return self.check(value)

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        value = float(value)
        if not math.isfinite(value):
            raise Refused(f"{value} is not {self.describe()}")
        too_low = self.minimum is not None and (
            value < self.minimum or (self.above_minimum and value == self.minimum)
        )
        too_high = self.maximum is not None and (
            value > self.maximum or (self.below_maximum and value == self.maximum)
        )
        if too_low or too_high:
            raise Refused(f"{_number_text(value)} is out of range: it takes {self.describe()}")
        return value

    def format(self, value: float) -> str:
        return repr(value)


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(self.values)

    def parse(self, text: str) -> str:
        return self.check(text.strip().lower().replace("-", "_"))

    def check(self, value: Any) -> str:
        if value not in self.values:
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        return value

    def format(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Bool:
    _TRUE = ("true", "yes", "on", "1")
    _FALSE = ("false", "no", "off", "0")

    def describe(self) -> str:
        return "true or false"

    def parse(self, text: str) -> bool:
        word = text.strip().lower()
        if word in self._TRUE:
            return True
        if word in self._FALSE:
            return False
        raise Refused(f"{text.strip()!r} is not {self.describe()}")

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        return value

    def format(self, value: bool) -> str:
        return "true" if value else "false"


@dataclass(frozen=True)
class IntList:
    """Layer widths: "16,16", or "none" (or an empty text) for no layers at all."""

    minimum: int = 1
    maximum: int = 100_000
    most: int = 32

    def describe(self) -> str:
        return (
            f"a comma-separated list of whole numbers from {self.minimum} to {self.maximum:,} "
            f'(at most {self.most} of them), or "none"'
        )

    def parse(self, text: str) -> list[int]:
        words = text.strip().lower()
        if words in ("", "none", "[]"):
            return []
        parts = [p.strip() for p in words.strip("[]").split(",")]
        try:
            widths = [int(p) for p in parts]
        except ValueError:
            raise Refused(f"{text.strip()!r} is not {self.describe()}") from None
        return self.check(widths)

    def check(self, value: Any) -> list[int]:
        if isinstance(value, str):  # hidden = "16,16" in a TOML file means what --hidden 16,16 means
            return self.parse(value)
        if not isinstance(value, (list, tuple)) or any(
            isinstance(v, bool) or not isinstance(v, int) for v in value
        ):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        if len(value) > self.most or any(not self.minimum <= v <= self.maximum for v in value):
            raise Refused(f"{self.format(list(value))} is out of range: it takes {self.describe()}")
        return list(value)

    def format(self, value: list[int]) -> str:
        return ",".join(str(v) for v in value) if value else "none"


@dataclass(frozen=True)
class NameList:
    """Column or feature names, comma-separated."""

    def describe(self) -> str:
        return "a comma-separated list of feature names"

    def parse(self, text: str) -> list[str]:
        names = [p.strip() for p in text.split(",")]
        return self.check([n for n in names if n])

    def check(self, value: Any) -> list[str]:
        if isinstance(value, str):  # features = "a,b" in a TOML file means what --features a,b means
            return self.parse(value)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        if not value:
            raise Refused("the list is empty: it takes " + self.describe())
        if len(set(value)) != len(value):
            raise Refused(f"{', '.join(value)} names a feature twice")
        return list(value)

    def format(self, value: list[str]) -> str:
        return ",".join(value)


@dataclass(frozen=True)
class Subset:
    """Some of `values`, comma-separated, each at most once, in the order given (the order can mean
    something: the model's input columns follow it)."""

    values: tuple[str, ...]

    def describe(self) -> str:
        return "a comma-separated list of one or more of " + ", ".join(self.values)

    def parse(self, text: str) -> list[str]:
        return self.check(text)

    def check(self, value: Any) -> list[str]:
        if isinstance(value, str):  # inputs = "x1,x2" in a TOML file means what --inputs x1,x2 means
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        # "X1 ^ 2" is x1^2: spaces and case are how people type, not part of a name
        names = ["".join(v.split()).lower() for v in value]
        if not names:
            raise Refused("the list is empty: it takes " + self.describe())
        unknown = [n for n in names if n not in self.values]
        if unknown:
            raise Refused(f"{unknown[0]!r} is not a name it knows: it takes {self.describe()}")
        twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if twice is not None:
            raise Refused(f"{twice} is named twice: it takes {self.describe()}, each at most once")
        return names

    def format(self, value: list[str]) -> str:
        return ",".join(value)


@dataclass(frozen=True)
class Text:
    what: str = "a text"

    def describe(self) -> str:
        return self.what

    def parse(self, text: str) -> str:
        return self.check(text.strip())

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise Refused(f"{_shown(value)} is not {self.describe()}")
        return value

    def format(self, value: str) -> str:
        return value
