"""Text a user or a file gave (a run's name, a CSV label, a folder's name), made safe to show in a terminal.

A control character written to a terminal is obeyed, not shown: one CSV label holding ESC sequences can
clear the screen, retitle the window, or hide the lines after it. Each is shown escaped instead, as Python
writes it in a string (`\\x1b`, `\\n`, `\\u202e`), so that the name is still recognisable and nothing
reaches the terminal but text. Shared by the command line and the app.
"""

from __future__ import annotations

import unicodedata

# control characters (C0, DEL, C1), format characters (bidirectional overrides that reorder what follows),
# line and paragraph separators, lone surrogates
_ESCAPED = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: part of emoji and of several scripts' words
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """`text` with each control character written as an escape (`\\x1b`); printable text unchanged."""
    if text.isprintable():  # nearly every name: one pass in C
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _ESCAPED and ch not in _JOINERS else ch
                   for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _SHORT:
        return _SHORT[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
