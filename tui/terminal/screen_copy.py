"""What the terminal already shows, so that each frame sends it only the cells that differ.

Textual resends a changed line of a widget whole, from the widget's left edge, and Rich opens and closes
every run of text with its full style. Over SSH those bytes are most of what the app writes while it
trains, though most cells of a map or a plot look the same from one frame to the next. As curses does,
`ScreenCopy` keeps a copy of the screen and turns a frame into the cells that change, each run of them
reached with the shortest cursor move and opened with only the attributes that differ.

It models only what Textual's frames are made of: cursor positions, SGR attributes, one-cell characters
and the line feeds between lines. A frame with anything else (a clear, the alternate screen, a wide
character, a cursor move it does not know) goes to the terminal as it is, and the copy is forgotten; so is
the copy when the terminal's size changes. The worst case is the frame as Textual wrote it.
"""

from __future__ import annotations

import re
from itertools import repeat
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len

_TOKEN = re.compile(
    r"\x1b\[(?P<row>\d*)(?:;(?P<col>\d*))?H"  # cursor position
    r"|\x1b\[(?P<sgr>[0-9;]*)m"  # attributes
    r"|(?P<quiet>\x1b\[\?(?:12|25|1000|1002|1003|1004|1005|1006|1015|1016|2004|2026|2048)[hl]"
    r"|\x1b\[\?7[hl]|\x1b\[6n|\x1b\[\?\d+\$p|\x1b\[[<>=][0-9;]*u|\x1b\[\?u"
    r"|\x1b\](?!8;)[^\x07\x1b]*(?:\x07|\x1b\\))"  # modes, queries, and OSCs but links: they leave the cells be
    r"|(?P<feed>\n)"
    r"|(?P<text>[^\x00-\x1f\x7f\x1b]+)"
)

_OFF = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 51: 54, 52: 54, 53: 55}


class Attributes(NamedTuple):
    """The attributes a terminal draws a character with, as SGR codes: colours as their code strings."""

    fg: str | None = None
    bg: str | None = None
    flags: frozenset = frozenset()

    def codes(self) -> list[str]:
        return [str(flag) for flag in sorted(self.flags)] + [c for c in (self.fg, self.bg) if c]


PLAIN = Attributes()


def apply_sgr(style: Attributes, params: str) -> Attributes | None:
    """The style after an SGR sequence with these parameters (None: one this module does not model)."""
    codes = params.split(";") if params else ["0"]
    fg, bg, flags = style.fg, style.bg, set(style.flags)
    at = 0
    while at < len(codes):
        if not codes[at].isdigit():
            return None
        code = int(codes[at])
        if code in (38, 48):
            width = {"5": 3, "2": 5}.get(codes[at + 1] if at + 1 < len(codes) else "")
            if width is None or at + width > len(codes) or not all(c.isdigit() for c in codes[at + 1:at + width]):
                return None
            colour = ";".join(codes[at:at + width])
            fg, bg = (colour, bg) if code == 38 else (fg, colour)
            at += width
            continue
        if code == 0:
            fg, bg, flags = None, None, set()
        elif code in _OFF:
            flags.add(code)
        elif code in (22, 23, 24, 25, 27, 28, 29, 54, 55):
            flags -= {flag for flag, off in _OFF.items() if off == code}
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        else:
            return None
        at += 1
    return Attributes(fg, bg, frozenset(flags))


def transition(before: Attributes | None, after: Attributes) -> str:
    """The shortest SGR sequence that turns `before` (None: not known) into `after`."""
    if before == after:
        return ""
    reset = "\x1b[" + ";".join(["0", *after.codes()]) + "m"
    if before is None:
        return reset
    codes = []
    lost = before.flags - after.flags
    offs = {_OFF[flag] for flag in lost}
    codes += [str(off) for off in sorted(offs)]
    switched_off = {flag for flag, off in _OFF.items() if off in offs}
    codes += [str(flag) for flag in sorted(after.flags - (before.flags - switched_off))]
    if after.fg != before.fg:
        codes.append(after.fg or "39")
    if after.bg != before.bg:
        codes.append(after.bg or "49")
    change = "\x1b[" + ";".join(codes) + "m"
    return change if len(change) < len(reset) else reset


class ScreenCopy:
    """The cells a terminal shows, as far as the frames written to it say; `frame()` turns a frame into what
    the terminal must be sent to show what the frame would have shown."""

    def __init__(self, size: Callable[[], tuple[int, int]] | None = None):
        self._size = size or (lambda: (0, 0))  # the terminal's size, read at each frame
        self._known_size: tuple[int, int] | None = None
        self._shown: dict[tuple[int, int], tuple[str, Attributes]] = {}  # (row, column) → (character, attributes)
        self._style: Attributes | None = None  # the terminal's attributes (None: not known)
        self._cursor: tuple[int, int] | None = None  # (row, column), 1-based as the terminal counts
        self._moves: dict[tuple[Attributes | None, Attributes], str] = {}
        self._sgr: dict[tuple[Attributes, str], Attributes | None] = {}  # Rich sends the same few again and again

    def forget(self) -> None:
        self._shown.clear()
        self._style = self._cursor = None

    def frame(self, data: str) -> str:
        size = self._size()
        if size != self._known_size:
            self._known_size = size
            self.forget()  # a terminal may move or drop what it shows when it is resized
        tokens = self._tokens(data)
        if tokens is None:
            self.forget()
            return data
        return self._send(tokens)

    @staticmethod
    def _tokens(data: str) -> list[re.Match] | None:
        tokens, at = [], 0
        for match in _TOKEN.finditer(data):
            if match.start() != at:
                return None
            text = match.group("text")
            if text is not None and cell_len(text) != len(text):
                return None  # a wide or zero-width character: where a terminal puts what follows is its own
            tokens.append(match)
            at = match.end()
        return tokens if at == len(data) else None

    def _send(self, tokens: list[re.Match]) -> str:
        """Apply the frame to a copy of where it writes; send what differs. None of the frame's own effects
        are trusted until the whole of it has been read, so a frame this cannot model is sent as it is."""
        out: list[str] = []
        cursor, style = self._cursor, self._style if self._style is not None else PLAIN
        written: dict[tuple[int, int], tuple[str, Attributes]] = {}
        plan: list[tuple[dict, tuple[int, int] | None, Attributes, str]] = []
        for token in tokens:
            kind = token.lastgroup
            if kind == "row" or kind == "col":
                cursor = (int(token.group("row") or 1), int(token.group("col") or 1))
            elif kind == "sgr":
                key = (style, token.group("sgr"))
                after = self._sgr.get(key, False)
                if after is False:
                    if len(self._sgr) > 4096:
                        self._sgr.clear()
                    after = self._sgr[key] = apply_sgr(*key)
                if after is None:
                    return self._as_it_is(tokens)
                style = after
            elif kind == "feed":
                if cursor is None or cursor[0] >= self._known_size[1] > 0:
                    return self._as_it_is(tokens)  # at the bottom a line feed scrolls the screen
                cursor = (cursor[0] + 1, -1)  # its column: as the terminal is set; Textual moves there next
            elif kind == "text":
                if cursor is None or cursor[1] < 1:
                    return self._as_it_is(tokens)
                row, column = cursor
                text = token.group("text")
                written.update(zip(zip(repeat(row), range(column, column + len(text))), zip(text, repeat(style))))
                cursor = (row, column + len(text))
            else:  # a quiet sequence: everything before it must be on the screen when it arrives
                plan.append((written, cursor, style, token.group(0)))
                written = {}
        plan.append((written, cursor, style, ""))
        for cells, at, then, sequence in plan:
            self._draw(cells, out)
            self._arrive(at, then, out)
            out.append(sequence)
        return "".join(out)

    def _as_it_is(self, tokens: list[re.Match]) -> str:
        """The frame as it came, after which what the terminal shows is no longer known."""
        self.forget()
        return "".join(t.group(0) for t in tokens)

    def _draw(self, cells: dict[tuple[int, int], tuple[str, Attributes]], out: list[str]) -> None:
        shown = self._shown
        changed = sorted(pos for pos, cell in cells.items() if shown.get(pos) != cell)
        if not changed:
            return
        for pos in changed:
            shown[pos] = cells[pos]
        cursor, style = self._cursor, self._style
        for row, column in changed:
            if cursor is not None and cursor[0] == row and cursor[1] < column:
                bridge = self._bridge(row, cursor[1], column, style)
                if bridge is not None:
                    out.append(bridge[0])
                    style = bridge[1]
                else:
                    out.append(_forward(column - cursor[1]))
            elif cursor != (row, column):
                out.append(f"\x1b[{row}H" if column == 1 else f"\x1b[{row};{column}H")
            char, attributes = shown[(row, column)]
            out.append(self._move(style, attributes))
            out.append(char)
            style, cursor = attributes, (row, column + 1)
        self._cursor, self._style = cursor, style

    def _bridge(self, row: int, start: int, stop: int, style: Attributes | None) -> tuple[str, Attributes | None] | None:
        """The unchanged cells [start, stop) of a row written again, when that is shorter than jumping them."""
        jump = len(_forward(stop - start))
        parts, cost = [], 0
        for column in range(start, stop):
            cell = self._shown.get((row, column))
            if cell is None:
                return None
            char, attributes = cell
            parts += [self._move(style, attributes), char]
            cost += len(parts[-2]) + len(char.encode())
            if cost >= jump:
                return None
            style = attributes
        return "".join(parts), style

    def _move(self, before: Attributes | None, after: Attributes) -> str:
        key = (before, after)
        if key not in self._moves:
            if len(self._moves) > 4096:  # truecolour plots can make many: keep the cache small
                self._moves.clear()
            self._moves[key] = transition(before, after)
        return self._moves[key]

    def _arrive(self, cursor: tuple[int, int] | None, style: Attributes, out: list[str]) -> None:
        """Leave the terminal's cursor and attributes where the frame leaves them, at this point of it."""
        if cursor is not None and cursor != self._cursor:
            if cursor[1] < 1:
                cursor = None  # after a line feed: unknown; the frame goes on with a cursor position
            else:
                out.append(f"\x1b[{cursor[0]};{cursor[1]}H")
        self._cursor = cursor
        out.append(self._move(self._style, style))
        self._style = style


def _forward(columns: int) -> str:
    return "\x1b[C" if columns == 1 else f"\x1b[{columns}C"
