"""The app's own-data keys: a CSV file and its label column picked from the keyboard, and the two features
the map spans when there are more. A part of AnnclfApp, in its own file."""

from __future__ import annotations

from pathlib import Path

from engine.errors import AnnclfError

from .screens.pick_csv import PickColumn, PickCsv


class OwnData:
    def action_pick_csv(self) -> None:
        if self.link.running:
            self.notify("Stop the run (F7) before changing the data", severity="warning")
            return
        self.push_screen(PickCsv(Path.cwd()), self._csv_picked)

    def _csv_picked(self, path: str | None) -> None:
        if path is None:
            return
        from engine.datasets.csv_table import columns

        try:
            names = columns(path)
        except AnnclfError as error:
            self.notify(str(error), title="cannot use this file", severity="error", timeout=10)
            return
        self.push_screen(PickColumn(path, names), lambda label: self._use_csv(path, label))

    def _use_csv(self, path: str, label: str | None) -> None:
        if label is None:
            return
        form = self.form
        form.field("dataset").write("csv")
        form.field("csv").write(path)
        form.field("label").write(label)
        form.field("features").write(None)  # every other column
        self.views.active = "train"

    def action_slice(self, axis: int) -> None:
        """Move the map's horizontal (0) or vertical (1) axis to the next feature."""
        session = self.link.session
        if session is None:
            return
        names = session.dataset.feature_names
        if len(names) <= 2:
            self.notify("The map spans both features of this data; x and y choose the slice when there are "
                        "three or more", severity="warning")
            return
        chosen = list(self._slice)
        nxt = (chosen[axis] + 1) % len(names)
        if nxt == chosen[1 - axis]:
            nxt = (nxt + 1) % len(names)
        chosen[axis] = nxt
        self._slice = (chosen[0], chosen[1])
        self._title_map(session)
        self._ask_for_grid()

    def _title_map(self, session) -> None:
        names = session.dataset.feature_names
        if len(names) <= 2:
            self.map.border_title = "decision map"
        else:
            fx, fy = (names[i] for i in self._slice)
            self.map.border_title = f"decision map: {fx} (x) × {fy} (y), the others at their median"
