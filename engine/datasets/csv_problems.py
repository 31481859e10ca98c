"""The problems of a table, found before any is reported: text columns, empty, constant and index columns,
values the model's float32 cannot hold, missing cells, spreads far apart; each with the settings that
mend it (`Fix`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import Fix
from ..standalone import csv_file as rules
from .csv_columns import BEYOND_NUMBER, BEYOND_WORD, DISTINCT_MOST, Column, Lines
from .csv_words import plural, rows_named, some

SPREAD_RATIO = 100  # feature spreads further apart than this get a notice
DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+")
DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}([ T].*)?")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    fixes: dict[str, tuple[Fix, ...]] = field(default_factory=dict)  # a problem's settings that mend it

    def refuse(self, problem: str, fixes: tuple[Fix, ...] = ()) -> None:
        self.problems.append(problem)
        if fixes:
            self.fixes[problem] = fixes


def _leave_out(name: str) -> Fix:
    return Fix("exclude", name, f"leave column {name!r} out")


SCALE_STANDARD = Fix("scale", "standard", "scale the features standard (mean 0, spread 1)")


def _looks_like_dates(texts: list[str]) -> bool:
    shown = texts[:50]
    dated = sum(bool(DATE.fullmatch(t)) for t in shown)
    return bool(shown) and dated >= 0.8 * len(shown)


def as_numbers(column: Column) -> Column:
    """A column read as a label's texts, as the feature it is: numbers if every text is one."""
    values = [rules.number(t) for t in column.texts]
    if None in values or column.more_texts:
        return column
    numbers = np.array(values + [math.nan])[column.codes]
    return Column(column.name, numbers=numbers, integer=all(v.is_integer() for v in values))


def _empty(name: str) -> str:
    return f"column {name!r} has no value in any row; exclude={name} leaves it out"


def text_problem(column: Column, lines: Lines, categorical: str, text_at) -> tuple[str, tuple[Fix, ...]] | None:
    """Why a text feature column is refused and the settings that mend it, or None (it is one-hot encoded).
    `text_at(row, name)`: a cell's text as the file has it (one beyond the texts kept)."""
    name, texts, codes = column.name, column.texts, column.codes
    if not texts and not column.more_texts:
        return _empty(name), (_leave_out(name),)
    words = [k for k, t in enumerate(texts) if rules.number(t) is None]
    wordy, numeric, word_count = np.isin(codes, words), len(texts) - len(words), len(words)
    if column.more_texts:  # cells beyond the kept texts (nearly all distinct: each counts as one)
        beyond = codes == BEYOND_WORD
        wordy |= beyond
        numeric += int((codes == BEYOND_NUMBER).sum())
        word_count += int(beyond.sum())
    at = int(np.flatnonzero(wordy if wordy.any() else codes != -1)[0])
    first = texts[codes[at]] if codes[at] >= 0 else text_at(at, name)
    where = f"row {lines[at]}: {first!r}"
    count = f"more than {DISTINCT_MOST:,}" if column.more_texts else f"{len(texts):,}"
    if words and all(DECIMAL_COMMA.fullmatch(texts[k]) for k in words):
        return (f"column {name!r} holds numbers with a decimal comma ({where}); write them with a decimal point "
                f"(and the columns apart with ; or a tab), or exclude={name} leaves it out"), (_leave_out(name),)
    if numeric and numeric >= word_count:  # numbers with a few texts among them: a mistake, not categories
        cells = int(wordy.sum())
        return (f"column {name!r} is not numeric ({where}): {plural(cells, 'cell')} of text among its numbers "
                f"({some([texts[k] for k in words] or [first])}); fix them (an empty cell is a missing one), or "
                f"exclude={name} leaves it out"), (_leave_out(name),)
    # too many texts to one-hot (dates, ids): leaving the column out is the fix offered first
    onehot_fits = not column.more_texts and len(texts) <= rules.ONEHOT_MOST
    if categorical == "refuse":
        return (f"column {name!r} is not numeric ({where}; {count} distinct texts: {some(texts)}): "
                f"categorical=onehot encodes it, exclude={name} leaves it out"), (
            (Fix("categorical", "onehot", "one-hot encode the text columns"), _leave_out(name)) if onehot_fits
            else (_leave_out(name), Fix("categorical", "onehot", "one-hot encode the text columns")))
    if column.more_texts or len(texts) > rules.ONEHOT_MOST:
        if _looks_like_dates(texts):
            kind = ": they look like dates"
        elif column.more_texts or len(texts) >= 0.9 * len(codes):
            kind = ": nearly every row has its own, an id"
        else:
            kind = ""
        return (f"column {name!r} has {count} distinct texts ({some(texts)}), too many to one-hot (at most "
                f"{rules.ONEHOT_MOST}){kind}; exclude={name} leaves it out"), (_leave_out(name),)
    return None


def too_coarse(low: float, high: float) -> bool:
    """Whether float32 holds fewer than 256 distinct steps between `low` and `high` (low < high): a column
    whose values the model's float32 would turn into a few, or into one."""
    step = max(abs(low), abs(high)) * 2.0 ** -23  # float32's spacing near the larger end
    return high - low < 256 * step


def _scaled_range(stats: dict, how: str) -> tuple[float, float] | None:
    """The lowest and highest of a number column once scaled `how` in float64 (the scaling fitted on all its
    rows: the training rows are not known yet, and split() checks those), or None when the scaling itself
    overflows (a spread beyond float64)."""
    low, high = stats["low"], stats["high"]
    with np.errstate(over="ignore", invalid="ignore"):
        if how == "standard":
            shift, spread = stats["mean"], stats["spread"] or 1.0
        elif how == "minmax":
            shift, spread = low, (high - low) or 1.0
        else:
            shift, spread = 0.0, 1.0
        if not (math.isfinite(shift) and math.isfinite(spread)):
            return None
        return (low - shift) / spread, (high - shift) / spread


def number_problems(column: Column, lines: Lines, text_at, scale: str,
                     chosen: bool) -> list[tuple[str, tuple[Fix, ...]]]:
    """Infinite values; an index column; a constant one; values the model's float32 cannot hold, scaled: each
    with the settings that mend it."""
    name, values, stats = column.name, column.numbers, column.stats()
    if not stats["count"]:
        return [(_empty(name), (_leave_out(name),))]
    if stats["infinite"]:
        where = np.isinf(values)
        return [(f"column {name!r} holds infinite values ({rows_named(lines, where)}: "
                 f"{text_at(int(np.flatnonzero(where)[0]), name)!r}): fix those cells, or exclude={name} leaves it out",
                 (_leave_out(name),))]
    out, n = [], len(values)
    low, high = stats["low"], stats["high"]
    if not chosen and stats["count"] == n > 2 and low == 0 and high == n - 1 and column.integer and (
            np.array_equal(values, np.arange(n, dtype=np.float64))):
        out.append((f"column {name!r} counts the rows, 0 to {n - 1}: an index, not a measurement (a perfect label "
                   f"leak when the rows are sorted); exclude={name} leaves it out, features naming it keeps it",
                    (_leave_out(name),)))
    if not chosen and low == high and stats["count"] > 1:
        out.append((f"column {name!r} holds one value ({rules.number_name(low)}) in every row: it cannot tell "
                   f"classes apart; exclude={name} leaves it out", (_leave_out(name),)))
    scaled = _scaled_range(stats, scale)
    if scaled is None or max(abs(scaled[0]), abs(scaled[1])) > rules.FLOAT32_MAX:
        at = int(np.nanargmax(np.abs(values)))
        fits = _scaled_range(stats, "standard")
        fixes = (_leave_out(name),)
        if scale != "none":
            how = f", even after {scale} scaling"
        elif fits is not None and max(map(abs, fits)) <= rules.FLOAT32_MAX:
            how = " unscaled; scale=standard brings it within"
            fixes = (SCALE_STANDARD, *fixes)
        else:
            how = ""
        out.append((f"row {lines[at]}, column {name!r}: {text_at(at, name)} is beyond what the model's 32-bit "
                   f"numbers hold (±{rules.FLOAT32_MAX:.3g}){how}; rescale the column, or exclude={name} leaves "
                   "it out", fixes))
    elif low != high and too_coarse(*scaled):
        out.append((f"column {name!r} varies only in digits the model's 32-bit numbers drop ({low!r} to {high!r}); "
                    "scale=standard keeps them", (SCALE_STANDARD, _leave_out(name))))
    return out


def missing_text(counts: dict[str, int], label: str) -> str:
    return ", ".join(f"{name!r}{' (the label)' if name == label else ''} {count:,}" for name, count in counts.items())


def spread_notice(columns: list[Column], scale: str) -> str | None:
    spreads = {}
    for column in columns:
        spread = column.stats().get("spread", 0.0)
        if spread > 0 and math.isfinite(spread):
            spreads[column.name] = spread
    if len(spreads) < 2:
        return None
    wide, narrow = max(spreads, key=spreads.get), min(spreads, key=spreads.get)
    ratio = spreads[wide] / spreads[narrow]
    if ratio <= SPREAD_RATIO:
        return None
    said = (f"the feature spreads differ {ratio:,.0f}-fold ({wide!r} {spreads[wide]:.3g} against {narrow!r} "
            f"{spreads[narrow]:.3g})")
    if scale == "none":
        return said + ": unscaled, the widest decides alone; scale=standard or scale=minmax evens them out"
    return said + f"; {scale} scaling evens them out"
