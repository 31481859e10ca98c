"""The sweep's results: one row a configuration, the best mean test accuracy first."""

from __future__ import annotations

from textual.widgets import DataTable


class SweepTable(DataTable, can_focus=False):
    def __init__(self, **kwargs):
        super().__init__(zebra_stripes=True, cursor_type="none", **kwargs)
        self.order: list[str] = []  # the configurations as listed, by their labels (for tests and reading)

    def show(self, rows: list, varying: list[str]) -> None:
        """`rows`: engine Configuration, ranked (engine.sweep.rank); `varying`: the settings that make a row."""
        from engine.sweep import label

        self.clear(columns=True)
        self.add_columns("#", *(n.replace("_", " ") for n in varying), "test accuracy", "min…max", "test loss",
                         "runs")
        self.order = []
        for rank, row in enumerate(rows, 1):
            loss = row.test_loss
            runs = f"{len(row.runs)}" + (f" ({row.diverged} diverged)" if row.diverged else "")
            cells = [label(n, row.values[n]) for n in varying]
            self.order.append(" ".join(cells))
            self.add_row(str(rank), *cells, f"{row.mean:.3f} ± {row.std:.3f}",
                         f"{min(row.accuracies):.3f}…{max(row.accuracies):.3f}",
                         "—" if loss is None else f"{loss:.4f}", runs)
