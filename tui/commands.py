"""The command palette: every action, every dataset, and the presets."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from engine.datasets.catalog import CATALOG

from .presets import PRESETS

ACTIONS = [
    ("Start / pause / resume training (F5)", "start_pause"), ("Train one epoch (F6)", "step"),
    ("Stop training (F7)", "stop"), ("Reset weights (F8)", "reset"), ("New data sample (F9)", "new_data"),
    ("Save checkpoint and settings (ctrl+s)", "save"), ("SVG screenshot (F12)", "screenshot_svg"),
    ("Export the run: metrics CSV and JSON, dataset CSV, settings TOML, PyTorch script (ctrl+o)", "export"),
    ("Export: per-epoch metrics as CSV", "export('metrics')"), ("Export: the run as JSON", "export('json')"),
    ("Export: the dataset as CSV", "export('data')"), ("Export: settings as TOML", "export('settings')"),
    ("Export: a standalone PyTorch script of the run", "export('script')"),
    ("Show the kept runs (u)", "show_tab('runs')"), ("Open a CSV file as the dataset (o)", "pick_csv"),
    ("Map: next feature along x (x)", "slice(0)"), ("Map: next feature along y (y)", "slice(1)"),
    ("Toggle log scale of the loss (l)", "toggle_log"), ("Toggle exact target (t)", "toggle_target"),
    ("Toggle ASCII map (a)", "toggle_ascii"), ("Show the report (r)", "show_tab('report')"),
    ("Show the training view (v)", "show_tab('train')"), ("Help: key map (F1)", "help"),
]


class AppCommands(Provider):
    def _commands(self):
        app = self.app
        for text, action in ACTIONS:
            yield text, partial(app.run_action, action), "action"
        for name, info in CATALOG.items():
            yield f"Dataset: {name} — {info.summary}", partial(app.choose_dataset, name), "dataset"
        for title, settings in PRESETS.items():
            yield f"Preset: {title}", partial(app.apply_preset, settings), "preset"

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
