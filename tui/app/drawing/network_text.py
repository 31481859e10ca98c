"""The network view's words: the architecture line, the selected unit's figures, the per-layer table."""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from tui.app.drawing.one_line import fit


def architecture(picture, activation: str) -> str:
    """"2 inputs → 16 → 16 → 1 output · relu · 609 parameters"."""
    widths = [layer.size for layer in picture.layers]
    middle = " → ".join(str(w) for w in widths[1:-1])
    outputs = f"{widths[-1]} output" + ("s" if widths[-1] > 1 else "")
    inputs = f"{widths[0]} input" + ("s" if widths[0] > 1 else "")
    chain = " → ".join(part for part in (inputs, middle, outputs) if part)
    return f"{chain} · {activation} · {picture.parameters:,} parameters"


def others_held(dataset) -> str:
    """Where a slice holds the features off its plane, in words (engine: Split.held)."""
    if (dataset.preprocessing or {}).get("categories"):
        return "the others at their median or most frequent category"
    return "the others at their median"


def plane(session, features: tuple[int, int]) -> str:
    """With more than two features, which two the pictures span (as the map does)."""
    names = session.dataset.feature_names
    if len(names) <= 2:
        return ""
    return f" · plane {names[features[0]]} × {names[features[1]]}, {others_held(session.dataset)}"


def left_out(picture, shown: dict[int, list[int]], drawn: tuple[int, ...], ordering: str, capacity: int,
             width: int) -> Text:
    """What the diagram does not show, on one line: the units of wide layers (which stretch of their order
    is on screen), dead units off screen, and the layers beyond the window."""
    from tui.app.drawing.network_cells import unit_order

    groups: dict[tuple, list[str]] = {}  # (first, last, units) → the layers: equal ones are said once
    hidden_dead = 0
    for i in drawn:
        layer = picture.layers[i]
        if len(shown[i]) < layer.size:
            order = unit_order(layer, ordering, capacity)
            first = order.index(shown[i][0])
            groups.setdefault((first + 1, first + len(shown[i]), layer.size), []).append(layer.name)
            if layer.dead is not None:
                hidden_dead += int(layer.dead.sum() - layer.dead[shown[i]].sum())
    wide = [(f"{a}–{b}" if a > 1 else f"{b}") + f" of {size:,} ({', '.join(names)})"
            for (a, b, size), names in groups.items()]
    parts: list[tuple[str, int]] = []
    if wide:
        parts.append(("showing " + ", ".join(wide) + f", by {ordering} (b; ↑↓ scroll)", 0))
    if hidden_dead:
        parts.append((f"{hidden_dead} dead not shown", 2))
    if len(drawn) < len(picture.layers):
        names = [picture.layers[i].name for i in (drawn[0], drawn[-1])]
        parts.append((f"layers {names[0]} to {names[1]} of {len(picture.layers)} (← → for the others)", 1))
    return fit(parts, width) if parts else Text("")


def unit_details(picture, layer_index: int, unit: int, width: int) -> Text:
    """The selected unit: what it is, its bias and strongest incoming weights, its activity."""
    layer = picture.layers[layer_index]
    lines = [Text(f"{layer.units[unit]} · {layer.name}", style="bold")]
    if layer.weights is not None:
        before = picture.layers[layer_index - 1]
        w = layer.weights[unit]
        lines.append(Text(f"bias {layer.bias[unit]:+.3f} · |w| {np.linalg.norm(w):.2f}"))
        strongest = np.argsort(-np.abs(w), kind="stable")[:6]
        parts = [(f"{before.units[i]} {w[i]:+.2f}", rank) for rank, i in enumerate(strongest)]
        lines.append(Text("in: ") + fit(parts, max(width - 4, 8), "  "))
    rows = f"{picture.measured_rows:,} training rows"
    if layer.dead is not None and layer.dead[unit]:
        lines.append(Text(f"DEAD: never active on the {rows}", style="bold red"))
    elif not layer.probability:
        lines.append(Text(f"active (> 0) on {layer.active[unit]:.0%} of {rows}"))
    lines.append(Text(f"mean {layer.mean[unit]:+.3f} · var {layer.variance[unit]:.3f}"))
    return Text("\n").join(lines)


def layer_table(picture, selected_layer: int) -> Table:
    """One row a layer, live: its weight and gradient norms, its share of dead units, its mean |activation|."""
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    for name, justify in (("layer", "left"), ("units", "right"), ("|W|", "right"), ("|∇W|", "right"),
                          ("dead", "right"), ("mean |a|", "right")):
        table.add_column(name, justify=justify, no_wrap=True)
    for index, layer in enumerate(picture.layers):
        dead = "—" if layer.dead_share is None else f"{layer.dead_share:.0%}"
        table.add_row(
            ("▸ " if index == selected_layer else "  ") + layer.name, f"{layer.size:,}",
            _number(layer.weight_norm), _number(layer.grad_norm), dead, f"{layer.mean_abs:.3f}",
            style="bold" if index == selected_layer else None)
    return table


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"
