"""Text that must stay on one line (the status line, the legends): the parts that fit, the least needed
dropped first, so that nothing wraps and the layout never jumps."""

from __future__ import annotations

from rich.text import Text


def fit(parts: list[tuple[str | Text, int]], width: int, separator: str = " · ") -> Text:
    """`parts` in the order shown, each with its rank (0: kept longest). Parts are dropped from the highest
    rank until the rest fits `width`; the last one left is cut with an ellipsis if need be."""
    kept = [(Text(p) if isinstance(p, str) else p.copy(), rank) for p, rank in parts]
    for part, _ in kept:
        part.plain = part.plain.replace("\n", " ")  # a message with a line break must not break the line
    while True:
        line = Text(separator).join(p for p, _ in kept)
        if line.cell_len <= width or len(kept) <= 1:
            break
        worst = max(range(len(kept)), key=lambda i: (kept[i][1], i))
        kept.pop(worst)
    if line.cell_len > width:
        line.truncate(max(width, 1), overflow="ellipsis")
    return line
