"""The app's files: checkpoint and settings (ctrl+s), the run's exports (ctrl+o), SVG screenshots (F12).
A part of AnnclfApp, in its own file."""

from __future__ import annotations

import time

from textual import work

from engine.errors import AnnclfError


class Files:
    def action_save(self) -> None:
        session = self.link.session
        if session is None:
            self.notify("Nothing to save yet", severity="warning")
            return
        from engine.checkpoint import save_checkpoint
        from engine.config_file import save_settings

        stem = self.output_dir / f"annclf-{session.settings.dataset}-{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            save_checkpoint(session, stem.with_suffix(".pt"))
            save_settings(session.settings, stem.with_suffix(".toml"))
        except AnnclfError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"Wrote {stem.name}.pt and {stem.name}.toml in {self.output_dir.resolve()}", title="saved")

    def action_export(self, what: str = "metrics,json,data,settings,script") -> None:
        if self.link.session is None:
            self.notify("Nothing to export yet", severity="warning")
            return
        self._export(what.split(","))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, kinds: list[str]) -> None:
        from .exports import export_run

        try:
            paths = export_run(self.link.session, self._last_outcome, self.output_dir, kinds)
        except AnnclfError as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        names = ", ".join(p.name for p in paths)
        self.call_from_thread(self.notify, f"Wrote {names} in {self.output_dir.resolve()}", title="exported")

    def action_screenshot_svg(self) -> None:
        name = f"annclf-{time.strftime('%Y%m%d-%H%M%S')}.svg"
        self.save_screenshot(filename=name, path=str(self.output_dir))
        self.notify(f"Wrote {name} in {self.output_dir.resolve()}", title="screenshot")
