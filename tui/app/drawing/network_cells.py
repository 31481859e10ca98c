"""The network diagram as terminal cells: which units fit, their pictures as half-block tiles, and the
weight strips between layers. Pure numpy and rich styles, no widget, so that it is tested alone.

A unit's picture uses the decision map's palette: the hue is the sign (the colours of classes 0 and 1),
the shade the size, each picture scaled to its own largest value; a K-class output shows each class's
probability in that class's colour. A weight strip sits left of a layer's column: on each unit's row, one
cell per unit of the layer before, in that column's order top to bottom, coloured by the weight's sign and
shaded by its size against the layer's largest weight. In ASCII a blank column parts the strip's arrow from
the pictures it points at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style

from tui.app.drawing.map_cells import SHADES, Palette, merge_runs, resample

ORDERINGS = ("outgoing weight", "activation variance", "index")
# shade characters for ASCII (NO_COLOR): the size of a positive and of a negative value, faintest first
ASCII_POSITIVE, ASCII_NEGATIVE = " ':+*#", " .-~=%"
SHORT = {"inputs": "in", "output": "out"}  # layer titles where a tile is narrow ("hidden 2": "h2")
_PLAIN = Style()
_DIM = Style(dim=True)
_SELECTED = Style(reverse=True, bold=True)


def ranking(layer, ordering: str) -> np.ndarray:
    """The layer's unit indices, the most telling first: by the norm of their outgoing weights (the
    output's: incoming), by their activation's variance over the training rows, or by index."""
    if ordering == "index" or layer.size <= 1:
        return np.arange(layer.size)
    if ordering == "activation variance":
        key = layer.variance
    else:
        key = layer.outgoing if layer.outgoing is not None else np.linalg.norm(layer.weights, axis=1)
    return np.argsort(-key, kind="stable")


def unit_order(layer, ordering: str, capacity: int) -> list[int]:
    """The order a column lists its units in: by index when they all fit, else the ranking."""
    if layer.size <= capacity:
        return list(range(layer.size))
    return ranking(layer, ordering).tolist()


def shown_units(layer, ordering: str, capacity: int, selected: int | None = None) -> list[int]:
    """The `capacity` units a column shows: the first of its order, or, when the selected unit lies further
    down, the stretch that ends with it (the arrows scroll a wide layer)."""
    order = unit_order(layer, ordering, capacity)
    start = 0
    if selected is not None and selected in order:
        start = max(0, order.index(selected) - capacity + 1)
    return order[start:start + capacity]


def signed_codes(values: np.ndarray) -> np.ndarray:
    """Palette codes of a picture whose sign matters: class 1's colour above zero, class 0's below."""
    top = float(np.abs(values).max()) or 1.0
    shade = np.clip((np.abs(values) / top * SHADES).astype(int), 0, SHADES - 1)
    return np.where(values > 0, SHADES, 0) + shade


def probability_codes(values: np.ndarray, k: int) -> np.ndarray:
    return k * SHADES + np.clip((values * SHADES).astype(int), 0, SHADES - 1)


def picture_codes(layer, unit: int, pictures: np.ndarray) -> np.ndarray:
    return probability_codes(pictures[unit], unit) if layer.probability else signed_codes(pictures[unit])


def half_block_rows(codes: np.ndarray, palette: Palette, ascii_only: bool) -> list[list[Segment]]:
    """A picture of 2·rows × columns pixels as `rows` lines of cells (in ASCII one line per two pixels,
    the top pixel's shade)."""
    lines = []
    for row in range(codes.shape[0] // 2):
        top, bottom = codes[2 * row].tolist(), codes[2 * row + 1].tolist()
        if ascii_only:
            lines.append([Segment("".join(ascii_char(c) for c in top), _PLAIN)])
        else:
            lines.append(merge_runs([("▀", palette.pair(t, b)) for t, b in zip(top, bottom)]))
    return lines


def ascii_char(code: int) -> str:
    k, shade = divmod(code, SHADES)
    return (ASCII_POSITIVE if k % 2 else ASCII_NEGATIVE)[shade]


def weight_codes(weights: np.ndarray, top: float) -> np.ndarray:
    """Codes of single weights against `top`, the layer's largest |weight|; the faintest shade is kept for
    zero, so that every weight from a unit shows as a cell."""
    shade = np.clip((np.abs(weights) / (top or 1.0) * (SHADES - 1)).astype(int) + 1, 1, SHADES - 1)
    return np.where(weights > 0, SHADES, 0) + shade


@dataclass(frozen=True)
class Geometry:
    tile_columns: int  # cells (= pixels) across a tile
    tile_rows: int  # lines of text a tile takes (two pixels each)
    capacity: int  # units a column holds
    layers: tuple[int, ...]  # which of the network's layers are drawn, left to right

    @property
    def block(self) -> int:
        return self.tile_rows + 1  # a label line above the tile


def geometry(widths: list[int], width: int, height: int, selected_layer: int = 0, first: int = 0) -> Geometry:
    """The largest tiles that show every unit of the widest layer (never below two lines), else up to eight
    units a column; and as many consecutive layers as the width holds, the selected one among them (the
    arrows move the window along a deep network)."""
    rows = _tile_rows(max(widths), height)
    capacity = max(1, (height - 1) // (rows + 1))
    columns = max(2 * rows, 5)
    count = len(widths)
    while count > 2 and _diagram_width(widths[:count], list(range(count)), columns, capacity) > width:
        count -= 1
    first = min(first, selected_layer)  # the window drawn before, moved only as far as the selection needs
    if selected_layer >= first + count:
        first = selected_layer - count + 1
    first = max(0, min(first, len(widths) - count))
    layers = list(range(first, first + count))
    # the width left over widens the tiles, up to twice square (the plane is seldom square either)
    spare = (width - _diagram_width(widths, layers, columns, capacity)) // len(layers)
    columns = max(columns, min(columns + spare, 4 * rows))
    return Geometry(columns, rows, capacity, tuple(layers))


def _tile_rows(most: int, height: int) -> int:
    fits = lambda rows: max(1, (height - 1) // (rows + 1))  # noqa: E731  (units a column holds)
    for rows in (4, 3, 2):
        if fits(rows) >= most:
            return rows
    for rows in (4, 3, 2):
        if fits(rows) >= min(most, 8):
            return rows
    # tiles of one line are two pixels high: on a short terminal, fewer units of two lines say more
    return 2 if fits(2) >= 3 else 1


def _diagram_width(widths: list[int], layers: list[int], columns: int, capacity: int) -> int:
    strips = sum(min(widths[a], capacity) + 2 for a in layers[:-1])
    return len(layers) * (columns + 1) + strips


@dataclass(frozen=True)
class Selection:
    layer: int  # index into the picture's layers
    unit: int  # the unit's index within its layer


def diagram_lines(picture, shown: dict[int, list[int]], geo: Geometry, selected: Selection | None,
                  palette: Palette, ascii_only: bool, width: int, height: int) -> list[list[Segment]]:
    """The diagram's lines: a title line, then each layer's column of labelled tiles, a weight strip before
    each layer that follows the one drawn before it."""
    lines: list[list[Segment]] = [[] for _ in range(height)]
    previous = None
    for index in geo.layers:
        layer = picture.layers[index]
        units = shown[index]
        if previous is not None:
            _strip(lines, layer, shown[previous], units, geo, palette, ascii_only)
        title = layer.name if len(layer.name) <= geo.tile_columns else SHORT.get(layer.name, "h" + layer.name[7:])
        _put(lines, 0, title[:geo.tile_columns].ljust(geo.tile_columns + 1), _DIM)
        for slot, unit in enumerate(units):
            top = 1 + slot * geo.block
            if top + geo.block > height:
                break
            mark = _mark(layer, unit, ascii_only)
            label = (_cut(layer.units[unit], geo.tile_columns - len(mark)) + mark).ljust(geo.tile_columns)
            chosen = selected is not None and selected.layer == index and selected.unit == unit
            _put(lines, top, label + " ", _SELECTED if chosen else _PLAIN)
            codes = picture_codes(layer, unit, layer.tiles)  # tiles of another size are stretched until theirs come
            codes = resample(codes[..., None], (2 * geo.tile_rows, geo.tile_columns))[..., 0]
            for offset, row in enumerate(half_block_rows(codes, palette, ascii_only)):
                lines[top + 1 + offset].extend(row + [Segment(" ", _PLAIN)])
        _pad_column(lines, geo.tile_columns + 1)
        previous = index
    return [line if _length(line) <= width else _crop(line, width) for line in lines]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _mark(layer, unit: int, ascii_only: bool) -> str:
    """A dead unit's label ends in a cross."""
    return ("!" if ascii_only else "✗") if layer.dead is not None and layer.dead[unit] else ""


def _strip(lines, layer, sources: list[int], targets: list[int], geo: Geometry, palette: Palette,
           ascii_only: bool) -> None:
    """Left of `layer`'s column: on the middle line of each unit's tile, its weights from `sources`."""
    columns = len(sources) + 2
    top = float(np.abs(layer.weights).max()) if layer.weights.size else 1.0
    for slot, unit in enumerate(targets):
        line = 1 + slot * geo.block + 1 + geo.tile_rows // 2
        if line >= len(lines):
            break
        codes = weight_codes(layer.weights[unit, sources], top).tolist()
        if ascii_only:
            # the weights are written in the pictures' characters: the gap goes between the arrow and the
            # picture it points at (the picture before has its own gap), else they read as one picture
            cells = [Segment("".join(ascii_char(c) for c in codes), _PLAIN)]
            lines[line].extend(cells + [Segment("→", _DIM), Segment(" ", _PLAIN)])
        else:
            cells = merge_runs([("■", palette.pair(c, c)) for c in codes])
            lines[line].extend([Segment(" ", _PLAIN)] + cells + [Segment("→", _DIM)])
    _pad_column(lines, columns)


def _put(lines, row: int, text: str, style: Style) -> None:
    if row < len(lines):
        lines[row].append(Segment(text, style))


def _length(line: list[Segment]) -> int:
    return sum(len(s.text) for s in line)


def _pad_column(lines, columns: int) -> None:
    """Every line as long as the longest: the next column starts at the same place on every line."""
    end = max(_length(line) for line in lines)
    for line in lines:
        short = end - _length(line)
        if short:
            line.append(Segment(" " * short, _PLAIN))


def _crop(line: list[Segment], width: int) -> list[Segment]:
    out, used = [], 0
    for segment in line:
        if used + len(segment.text) > width:
            out.append(Segment(segment.text[:width - used], segment.style))
            break
        out.append(segment)
        used += len(segment.text)
    return out
