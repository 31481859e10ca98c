"""The map's shades in the terminal's 256-colour palette, kept apart.

A terminal of 256 colours is sent, for each 24-bit colour, the nearest of its palette (Rich picks it). The
map's shades of a class differ by small steps of brightness, and in a dark theme four of a class's six fell
on one palette colour: confidence could no longer be read. Here a class's shades are a path through the
palette: each lighter than the one before (darker in a light theme), as the 24-bit shades are; none a
colour that another class, a point or the boundary has; the stronger four in the class's hue; and of such
paths the one nearest to the 24-bit shades (CIE-Lab). Two classes' faint shades alike would hide which
side of the boundary is which.
"""

from __future__ import annotations

import math
from functools import lru_cache

from rich.color import Color, ColorSystem

RGB = tuple[int, int, int]
FAINT = 2  # shades below this may be greys
_LEVELS = (0, 95, 135, 175, 215, 255)  # the colour cube's steps (xterm's)


def palette_rgb(number: int) -> RGB:
    """The colour a 256-colour terminal shows for `number` (16–255; 0–15 follow the terminal's theme)."""
    if number >= 232:
        grey = 8 + 10 * (number - 232)
        return grey, grey, grey
    cube = number - 16
    return _LEVELS[cube // 36], _LEVELS[cube // 6 % 6], _LEVELS[cube % 6]


@lru_cache(maxsize=1)
def _sendable() -> dict[int, RGB]:
    """Palette number → a 24-bit colour that Rich sends as that number. Most are their own colour, but
    Rich's grey formula sends some greys of the ramp as their neighbour: those are reached through
    another grey."""
    by_number: dict[int, RGB] = {}
    for rgb in [palette_rgb(n) for n in range(16, 256)] + [(g, g, g) for g in range(256)]:
        number = Color.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).number
        if number is not None and number >= 16 and (number not in by_number or rgb == palette_rgb(number)):
            by_number[number] = rgb
    return by_number


def send(number: int) -> RGB:
    """The 24-bit colour to give Rich for it to send `number`."""
    return _sendable()[number]


def _stable() -> list[int]:
    return list(_sendable())


def _lab(rgb: RGB) -> tuple[float, float, float]:
    """CIE L*a*b* (D65): distances in it are near to the differences the eye sees."""
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@lru_cache(maxsize=1024)
def _lab_of(number: int) -> tuple[float, float, float]:
    return _lab(palette_rgb(number))


def _likeness(lab: tuple[float, float, float], target: tuple[float, float, float], tinted: bool) -> float:
    """How far a palette colour is from a shade (CIE76). `tinted`: the shade must read as its class, so
    a colour of another hue, or a grey, does not do (a ramp of greys reads as no class at all)."""
    if tinted:
        chroma = math.hypot(lab[1], lab[2])
        turn = abs(math.degrees(math.atan2(lab[2], lab[1]) - math.atan2(target[2], target[1]))) % 360
        if chroma < 12 or min(turn, 360 - turn) > 30:
            return math.inf
    return math.dist(lab, target)


def sent_as(rgb: RGB) -> int:
    """The palette number Rich sends for a 24-bit colour."""
    return Color.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).number


def apart(shades: list[RGB], background: RGB, taken: set[int] = frozenset()) -> list[int]:
    """A palette colour for each of `shades` (faintest first), none of them in `taken` and each farther in
    lightness from `background` than the one before, as the shades are: of those, the ones nearest to the
    shades in all (a shortest path through the palette sorted by lightness)."""
    away = 1 if _lab(shades[-1])[0] >= _lab(background)[0] else -1  # lighter in a dark theme, darker in a light
    palette = sorted((n for n in _stable() if n not in taken), key=lambda n: away * _lab_of(n)[0])
    keys = [away * _lab_of(n)[0] for n in palette]
    targets = [_lab(rgb) for rgb in shades]
    # the two faintest may be greys, as their 24-bit shades nearly are; the others must wear the class's hue
    # (where the palette has too few such colours, any will do)
    for tinted in (True, False):
        costs = [[_likeness(_lab_of(n), target, tinted and shade >= FAINT) for n in palette]
                 for shade, target in enumerate(targets)]
        chain = _path(costs, keys)
        if chain is not None:
            return [palette[j] for j in chain]
    raise AssertionError("a palette of 236 colours always has a path")


def _path(costs: list[list[float]], keys: list[float]) -> list[int] | None:
    """The cheapest choice of one column per row of `costs`, their keys strictly rising (None: none finite)."""
    best, came_from = costs[0][:], []
    for cost in costs[1:]:
        step, links = [math.inf] * len(keys), [-1] * len(keys)
        low, low_at, j = math.inf, -1, 0
        while j < len(keys):  # a group of equal keys takes only from the groups before it
            end = j + 1
            while end < len(keys) and keys[end] == keys[j]:
                end += 1
            group = range(j, end)
            for g in group:
                step[g], links[g] = low + cost[g], low_at
            for g in group:
                if best[g] < low:
                    low, low_at = best[g], g
            j = group[-1] + 1
        best = step
        came_from.append(links)
    at = min(range(len(best)), key=best.__getitem__)
    if best[at] == math.inf:
        return None
    chain = [at]
    for links in reversed(came_from):
        at = links[at]
        chain.append(at)
    return chain[::-1]
