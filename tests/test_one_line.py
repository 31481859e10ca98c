"""Lines that must not wrap: the least needed parts go first, and what is left never exceeds the width."""

from hypothesis import given
from hypothesis import strategies as st

from tui.app.drawing.one_line import fit


def test_the_least_needed_parts_are_dropped_first_and_the_order_is_kept():
    parts = [("epoch 12/1000", 0), ("3,456 epochs/s", 2), ("cpu", 4), ("running", 1)]
    assert fit(parts, 80).plain == "epoch 12/1000 · 3,456 epochs/s · cpu · running"
    assert fit(parts, 40).plain == "epoch 12/1000 · 3,456 epochs/s · running"
    assert fit(parts, 25).plain == "epoch 12/1000 · running"
    assert fit(parts, 8).plain == "epoch 1…"


@given(st.lists(st.tuples(st.text(min_size=1, max_size=30), st.integers(0, 5)), min_size=1, max_size=8),
       st.integers(1, 120))
def test_a_fitted_line_is_never_wider_than_asked(parts, width):
    line = fit(parts, width)
    assert line.cell_len <= width and "\n" not in line.plain
