"""The map's shades in the terminal's 256-colour palette, kept apart and in their class's hue.

A terminal of 256 colours is sent, for each 24-bit colour, the nearest of its palette (Rich picks it). The
map's shades of a class differ by small steps of brightness, and in a dark theme four of a class's six fell
on one palette colour: confidence could no longer be read. Here a class's shades are a path through the
palette: each lighter than the one before (darker in a light theme), as the 24-bit shades are; none a
colour that another class, a point or the boundary has; and of such paths the one nearest to the 24-bit
shades. Two classes' faint shades alike would hide which side of the boundary is which.

Nearest alone is not enough: the palette has few dark colours, and the nearest to a dark orange is a
maroon or an olive, to a faint shade a grey darker than the background (speckles of unrelated colours at
a region's edge). So every shade is taken from the class's hue family (OKLab hue, which keeps its angle
from dark to light where CIE-Lab's drifts), the faintest two may be greys (their 24-bit shades nearly
are) but none as dark as a dark background (as light as a light one), and the most confident is as
saturated as the class's points: a confident region paler than its own points reads as an unsure one.
The palette's first 16 colours are never used: their RGB is the terminal theme's choice.
"""

from __future__ import annotations

import math
from functools import lru_cache

from rich.color import Color, ColorSystem

RGB = tuple[int, int, int]
FAINT = 2  # shades below this may be greys
GREY = 0.02  # OKLab chroma under which a colour has no hue to speak of
TINTED = 0.04  # OKLab chroma a colour needs to wear a hue
HUE = 15.0  # degrees of OKLab hue a shade may turn from its class's colour
AWAY = 0.06  # OKLab lightness between the background and the faintest shade
POINT = 0.06  # OKLab distance between a shade and its class's points, drawn on it
SLACK = 0.02  # of saturation: the cube's pure colours differ by rounding alone
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


def sent_as(rgb: RGB) -> int:
    """The palette number Rich sends for a 24-bit colour."""
    return Color.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).number


@lru_cache(maxsize=4096)
def oklab(rgb: RGB) -> tuple[float, float, float]:
    """OKLab (Ottosson 2020): lightness 0–1, and a and b, whose angle is a hue the eye sees as one from
    dark to light."""
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    l, m, s = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
               0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
               0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    l, m, s = (math.copysign(abs(x) ** (1 / 3), x) for x in (l, m, s))
    return (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s)


def chroma(rgb: RGB) -> float:
    return math.hypot(*oklab(rgb)[1:])


def saturation(rgb: RGB) -> float:
    """Chroma for its lightness: low in a colour washed towards grey or white, whatever its brightness."""
    return chroma(rgb) / max(oklab(rgb)[0], 1e-6)


def hue_turn(rgb: RGB, other: RGB) -> float:
    """Degrees between two colours' OKLab hues."""
    (_, a1, b1), (_, a2, b2) = oklab(rgb), oklab(other)
    turn = abs(math.degrees(math.atan2(b1, a1) - math.atan2(b2, a2))) % 360
    return min(turn, 360 - turn)


def in_family(rgb: RGB, colour: RGB, hue: float = HUE) -> bool:
    """Whether a colour reads as one of `colour`'s: of its hue, or for a grey class, a grey."""
    if chroma(colour) < GREY:
        return chroma(rgb) < GREY
    return chroma(rgb) >= TINTED and hue_turn(rgb, colour) <= hue


def apart(shades: list[RGB], background: RGB, colour: RGB, taken: set[int] = frozenset()) -> list[int]:
    """A palette colour for each of `shades` (faintest first) of the class drawn in `colour`: none of them
    in `taken`, each farther in lightness from `background` than the one before, in the class's hue
    family (the faintest may be greys, then tinted), the strongest as saturated as the class's points; of
    those, the ones nearest to the shades in all (a shortest path through the palette sorted by
    lightness). Where the palette has too few such colours left (many classes), the hue family widens,
    then anything in order will do."""
    ground = oklab(background)[0]
    away = 1 if oklab(shades[-1])[0] >= ground else -1  # lighter in a dark theme, darker in a light
    point = palette_rgb(sent_as(colour))
    palette = sorted((n for n in _sendable() if n not in taken
                      and away * (oklab(palette_rgb(n))[0] - ground) >= AWAY
                      and math.dist(oklab(palette_rgb(n)), oklab(point)) >= POINT),
                     key=lambda n: away * oklab(palette_rgb(n))[0])
    keys = [away * oklab(palette_rgb(n))[0] for n in palette]
    targets = [oklab(rgb) for rgb in shades]
    strength = saturation(point) - SLACK

    def cost(n: int, shade: int, hue: float | None, greys: int, strong: bool) -> float:
        rgb = palette_rgb(n)
        if hue is not None and not (chroma(rgb) < GREY if shade < greys else in_family(rgb, colour, hue)):
            return math.inf
        if strong and shade == len(shades) - 1 and saturation(rgb) < strength:
            return math.inf
        return math.dist(oklab(rgb), targets[shade])

    for hue, strong in ((HUE, True), (2 * HUE, True), (3 * HUE, False), (None, False)):
        best = None
        # greys first if any (a grey between two tints would read as a gap in the region), then tints
        for greys in range(FAINT + 1) if hue is not None and chroma(colour) >= GREY else (0,):
            costs = [[cost(n, shade, hue, greys, strong) for n in palette] for shade in range(len(shades))]
            chain = _path(costs, keys)
            if chain is not None:
                total = sum(row[j] for row, j in zip(costs, chain))
                if best is None or total < best[0]:
                    best = (total, chain)
        if best is not None:
            return [palette[j] for j in best[1]]
    raise AssertionError("a palette of 240 colours always has a path")


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
