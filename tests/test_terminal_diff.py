"""The terminal is sent only the cells that changed, and shows exactly what Textual's frames would have shown.

A terminal emulator (pyte) is fed Textual's frames as they are and, beside it, what `ScreenCopy` makes of
them; after every frame both screens must hold the same characters, colours and attributes, and the cursor
the same place. The frames are made as Textual's compositor makes them: strips rendered by Rich, each
chop reached with a cursor move, line feeds between lines.
"""

from __future__ import annotations

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.driver import Driver
from textual.strip import Strip

from tui.terminal.screen_copy import PLAIN, Attributes, ScreenCopy, apply_sgr, transition
from tui.terminal.driver import changes_only

COLUMNS, ROWS = 24, 6
CHARS = "ab ▀●━⣿x·"
COLOURS = [None, Color.parse("red"), Color.parse("bright_blue"), Color.from_ansi(24), Color.from_ansi(130),
           Color.from_rgb(31, 119, 180), Color.from_rgb(250, 250, 250), Color.from_rgb(24, 24, 28)]

styles = st.builds(lambda fg, bg, bold, dim, italic, underline, reverse, strike: Style(
    color=fg, bgcolor=bg, bold=bold, dim=dim, italic=italic, underline=underline, reverse=reverse, strike=strike),
    st.sampled_from(COLOURS), st.sampled_from(COLOURS), *[st.booleans()] * 6)
segments = st.lists(st.tuples(st.text(CHARS, min_size=1, max_size=6), styles), min_size=1, max_size=5)
# a chop: where on its line it starts, and its segments (cut to the line's width)
chops = st.lists(st.tuples(st.integers(0, ROWS - 1), st.integers(0, COLUMNS - 1), segments), min_size=1, max_size=8)


def terminal() -> tuple[pyte.Screen, pyte.Stream]:
    screen = pyte.Screen(COLUMNS, ROWS)
    return screen, pyte.Stream(screen)


def frame(lines, color_system: str, cursor=(0, 0)) -> str:
    """A frame as Textual's ChopsUpdate writes one: per line its chops, each after a cursor move, a line feed
    between lines, and the cursor put where the app wants it."""
    console = Console(color_system=color_system, force_terminal=True, width=COLUMNS)
    by_row: dict[int, list[str]] = {}
    for row, column, parts in sorted(lines, key=lambda chop: chop[:2]):
        strip = Strip([Segment(text, style) for text, style in parts]).crop(0, COLUMNS - column)
        by_row.setdefault(row, []).append(f"\x1b[{row + 1};{column + 1}H" + strip.render(console))
    body = "\n".join("".join(chop) for _, chop in sorted(by_row.items()))
    return body + f"\x1b[{cursor[1] + 1};{cursor[0] + 1}H"


def same_screens(a: pyte.Screen, b: pyte.Screen) -> bool:
    cells = lambda s: [[s.buffer[y][x] for x in range(COLUMNS)] for y in range(ROWS)]
    return cells(a) == cells(b) and (a.cursor.x, a.cursor.y) == (b.cursor.x, b.cursor.y)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(chops, st.sampled_from(["truecolor", "256", "standard"]),
                          st.tuples(st.integers(0, COLUMNS - 1), st.integers(0, ROWS - 1)),
                          st.sampled_from(["", "\x1b[?25l", "\x1b[2J", "中", "\x1b[?2026h"])),
                min_size=1, max_size=6))
@pytest.mark.slow
def test_what_the_terminal_shows_is_what_the_frames_would_have_shown(frames):
    as_drawn, sent = terminal(), terminal()
    copy = ScreenCopy(lambda: (COLUMNS, ROWS))
    for lines, color_system, cursor, extra in frames:
        # now and then something the copy does not model: a clear, a wide character, a mode
        data = (extra if extra.startswith("\x1b[?") else "") + frame(lines, color_system, cursor)
        if extra in ("\x1b[2J", "中"):
            data = data.replace("H", "H" + extra, 1)
        as_drawn[1].feed(data)
        sent[1].feed(copy.frame(data))
        assert same_screens(as_drawn[0], sent[0])


def test_a_frame_that_changes_no_cell_sends_only_the_cursor():
    copy = ScreenCopy(lambda: (COLUMNS, ROWS))
    lines = [(row, 0, [("▀" * COLUMNS, Style(color=Color.from_ansi(24), bgcolor=Color.from_ansi(130)))])
             for row in range(ROWS)]
    first = copy.frame(frame(lines, "256", (3, 2)))
    again = copy.frame(frame(lines, "256", (3, 2)))
    assert first.count("▀") == COLUMNS * ROWS
    assert again == ""  # the cursor is where it was left, too


def test_one_changed_cell_at_the_end_of_a_line_is_all_that_is_sent():
    copy = ScreenCopy(lambda: (COLUMNS, ROWS))
    blue, orange = Style(bgcolor=Color.from_ansi(24)), Style(bgcolor=Color.from_ansi(130))
    copy.frame(frame([(2, 0, [(" " * COLUMNS, blue)])], "256"))
    data = frame([(2, 0, [(" " * (COLUMNS - 1), blue), ("●", orange)])], "256")
    sent = copy.frame(data)
    assert sent == f"\x1b[3;{COLUMNS}H\x1b[48;5;130m●\x1b[1;1H\x1b[0m"
    assert len(sent) < len(data) / 2


def test_a_frame_it_cannot_model_goes_as_it_is_and_the_copy_is_forgotten():
    copy = ScreenCopy(lambda: (COLUMNS, ROWS))
    lines = [(0, 0, [("abc", Style(color=Color.from_ansi(24)))])]
    copy.frame(frame(lines, "256"))
    wide = frame([(1, 0, [("中文", Style())])], "256")
    assert copy.frame(wide) == wide
    assert copy.frame(frame(lines, "256")).count("abc") == 1  # sent again: what the terminal shows is not known


def test_a_resized_terminal_is_sent_every_cell_again():
    size = [(COLUMNS, ROWS)]
    copy = ScreenCopy(lambda: size[0])
    lines = [(0, 0, [("abc", Style(color=Color.from_ansi(24)))])]
    copy.frame(frame(lines, "256"))
    assert "abc" not in copy.frame(frame(lines, "256"))
    size[0] = (COLUMNS + 10, ROWS)  # a terminal may reflow or drop its cells when it is resized
    assert "abc" in copy.frame(frame(lines, "256"))


def test_a_line_feed_at_the_bottom_is_not_dropped():
    copy = ScreenCopy(lambda: (COLUMNS, ROWS))
    data = f"\x1b[{ROWS};1Hx\n"  # it would scroll the screen: sent as it is
    assert copy.frame(data) == data


def test_attributes_change_by_the_shortest_sequence():
    bold_dim = Attributes(fg="38;5;24", flags=frozenset({1, 2}))
    dim = Attributes(fg="38;5;24", flags=frozenset({2}))
    assert transition(bold_dim, dim) == "\x1b[22;2m"  # 22 ends bold and dim together: dim again
    assert transition(dim, dim._replace(bg="48;5;130")) == "\x1b[48;5;130m"
    assert transition(dim, PLAIN) == "\x1b[0m"
    assert transition(None, dim) == "\x1b[0;2;38;5;24m"  # not known: from a reset
    assert apply_sgr(PLAIN, "1;2;38;5;24") == bold_dim
    assert apply_sgr(bold_dim, "22;2") == dim
    assert apply_sgr(PLAIN, "38;5") is None  # cut short: not modelled, so the frame goes as it is


def test_the_apps_driver_sends_each_frame_through_the_copy():
    class Recording(Driver):
        def __init__(self, *args, **kwargs):  # no app: only what is written counts here
            self.sent: list[str] = []

        def write(self, data: str) -> None:
            self.sent.append(data)

        def start_application_mode(self) -> None: ...
        def disable_input(self) -> None: ...
        def stop_application_mode(self) -> None: ...

    driver = changes_only(Recording)()
    lines = [(0, 0, [("abc", Style(color=Color.from_ansi(24)))])]
    driver.write(frame(lines, "256"))
    driver.write(frame(lines, "256"))
    assert "abc" in driver.sent[0] and driver.sent[1] == ""
