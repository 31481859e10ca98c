"""The app's files: checkpoint and settings (ctrl+s), the run's exports (ctrl+o), SVG screenshots (F12).
A part of AnnclfApp, in its own file."""

from __future__ import annotations

from textual import work

from engine.errors import AnnclfError


class Files:
    def action_save(self) -> None:
        self.action_export("checkpoint,settings")

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
        from .exports import SCREENSHOT, free_stem

        dataset = self.link.session.settings.dataset if self.link.session is not None else "app"
        name = free_stem(self.output_dir, dataset).name + SCREENSHOT
        self.save_screenshot(filename=name, path=str(self.output_dir))
        self.notify(f"Wrote {name} in {self.output_dir.resolve()}", title="screenshot")
