"""Every key of the app in one table: the bindings, the footer, the F1 help, the command palette and the
README's key table are all made from it (a test holds the README to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

# where a key works: the sections of the help
ANYWHERE, OUTSIDE_FIELDS, RUNS, NETWORK, SWEEP, COMPARE = (
    "anywhere", "outside text fields", "in the runs view (u)", "in the network view (w)",
    "in the sweep view (s), outside its fields", "in the compare view")
PLAIN_NAMES = {"escape": "Escape", "enter": "Enter", "space": "space", "slash": "/", "delete": "Delete",
               "up": "↑", "down": "↓", "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn"}
PACES = (None, 300, 100, 30, 10)  # epochs a second; p goes through them in turn


@dataclass(frozen=True)
class Key:
    key: str  # Textual's key names; several separated by commas ("d,delete"); "" for a palette-only action
    action: str  # the action it runs, e.g. "show_tab('report')"
    help: str  # what it does, for F1, the palette and the README
    where: str = ANYWHERE
    footer: str = ""  # the footer's short label; empty: not in the footer
    priority: bool = False  # works even while a field has the focus
    rank: int = 3  # in the footer, the least needed (highest) are left out first when it is narrow
    group: str = ""  # footer keys of one group share one entry, named by it

    @property
    def name(self) -> str:
        """As the help writes it: F5, ctrl+s, Escape, /."""
        first = self.key.split(",")[0]
        if first.startswith("f") and first[1:].isdigit():
            return first.upper()
        return PLAIN_NAMES.get(first, first)

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.footer or self.help, show=bool(self.footer),
                       priority=self.priority)


KEYS: tuple[Key, ...] = (
    # in the footer's order, the most needed first: what does not fit at 80 columns is in F1's help
    Key("f1", "help", "help: every key, and how to read the map", footer="Help", priority=True, rank=0),
    Key("f5", "start_pause", "start training; pause (at once: an epoch under way starts over on resume); resume "
                             "(in the sweep view: train the sweep)",
        footer="Run/Pause", priority=True, rank=1),
    Key("f6", "step", "train one epoch (pauses a running run first)", footer="Step", priority=True, rank=5),
    Key("f7", "stop", "stop the run at once (it is kept as of its last whole epoch; change epochs, lr or optimiser "
                      "and F5 continues it; in the sweep view: stop the sweep)",
        footer="Stop", priority=True, rank=2),
    Key("f8", "reset", "reset to the initial weights (a running run stops first; its kept run is replaced "
                       "once this one has trained as far, unless you renamed it)", footer="Reset", priority=True,
        rank=6),
    Key("f9", "new_data", "a new data sample: a new data seed (a running run stops first)", footer="New data",
        priority=True, rank=7),
    Key("ctrl+s", "save", "save a checkpoint and the settings (TOML) in the current directory", footer="Save",
        priority=True, rank=8),
    Key("ctrl+o", "export", "export the run there: per-epoch metrics (CSV), the run (JSON), the dataset (CSV), "
                            "settings (TOML), a standalone PyTorch script", footer="Export", priority=True, rank=10),
    Key("f12", "screenshot_svg", "SVG screenshot in the current directory", footer="Screenshot", priority=True, rank=11),
    Key("ctrl+f", "goto_setting", "go to a setting: type a few letters of its name, Enter", priority=True),
    Key("ctrl+p", "command_palette", "command palette: actions, datasets, presets", priority=True),
    Key("ctrl+q", "quit", "quit, also while training (the run is kept)", footer="Quit", priority=True, rank=1),
    Key("escape", "leave_field", "leave the field being edited, so that the letter keys work"),
    Key("slash", "goto_setting", "go to a setting (as ctrl+f)", OUTSIDE_FIELDS),
    Key("l", "toggle_log", "loss curve on a log / linear scale", OUTSIDE_FIELDS),
    Key("t", "toggle_target", "the exact target boundary (toy sets: easy, hard, xor, cross, ring)", OUTSIDE_FIELDS),
    Key("a", "toggle_ascii", "ASCII map (automatic when NO_COLOR is set)", OUTSIDE_FIELDS),
    Key("v", "show_tab('train')", "the training view", OUTSIDE_FIELDS, footer="views", rank=4, group="views"),
    Key("r", "show_tab('report')", "the report view", OUTSIDE_FIELDS, footer="views", rank=4, group="views"),
    Key("w", "show_tab('network')", "the network view: every unit's picture, the weights, per-layer statistics",
        OUTSIDE_FIELDS, footer="views", rank=4, group="views"),
    Key("s", "show_tab('sweep')", "the sweep view: lists of values, every combination trained at once, ranked",
        OUTSIDE_FIELDS, footer="views", rank=4, group="views"),
    Key("u", "show_tab('runs')", "the runs view: every training run is kept there", OUTSIDE_FIELDS,
        footer="views", rank=4, group="views"),
    Key("p", "pace", "the pace: as fast as possible, or 300, 100, 30, 10 epochs a second, to watch it learn",
        OUTSIDE_FIELDS),
    Key("P", "pace(-2)", "the pace before (slower to faster)", OUTSIDE_FIELDS),
    Key("o", "pick_csv", "your own data: open a CSV file (type its path or walk the tree), then pick its "
                         "label column; a file's problems come up with their fixes to choose", OUTSIDE_FIELDS),
    Key("x", "slice(0)", "with 3 or more numeric features: the next one along the map's x axis (the rest at "
                         "their median, a text column at its most frequent category)", OUTSIDE_FIELDS),
    Key("y", "slice(1)", "with 3 or more numeric features: the next one along the map's y axis", OUTSIDE_FIELDS),
    Key("space", "mark", "mark the run under the cursor (again: unmark)", RUNS, footer="Mark"),
    Key("c", "compare", "compare the marked runs: maps side by side, test curves overlaid, what differs", RUNS,
        footer="Compare"),
    Key("enter", "reopen", "reopen the run: its model, curves and settings; F5 continues it", RUNS,
        footer="Reopen"),
    Key("n", "rename", "rename the run under the cursor", RUNS, footer="Rename"),
    Key("d,delete", "delete", "delete the run under the cursor (asks first)", RUNS, footer="Delete"),
    Key("up", "select(0,-1)", "select the unit above", NETWORK),
    Key("down", "select(0,1)", "select the unit below", NETWORK),
    Key("left", "select(-1,0)", "select a unit of the layer before", NETWORK),
    Key("right", "select(1,0)", "select a unit of the layer after", NETWORK),
    Key("b", "order", "wide layers: show the units by outgoing weight, activation variance or index", NETWORK,
        footer="Order"),
    Key("h", "histogram", "a histogram of the weights into the selected layer (again: close it)", NETWORK,
        footer="Histogram"),
    Key("left", "move(-1)", "the configuration before", SWEEP),
    Key("right", "move(1)", "the configuration after", SWEEP),
    Key("up", "move(-2)", "the configuration above", SWEEP),
    Key("down", "move(2)", "the configuration below", SWEEP),
    Key("pageup", "page(-1)", "the page of small maps before", SWEEP),
    Key("pagedown", "page(1)", "the next page of small maps", SWEEP),
    Key("space", "mark", "mark the configuration (again: unmark)", SWEEP, footer="Mark"),
    Key("c", "compare", "compare the marked configurations (their first seed's runs)", SWEEP, footer="Compare"),
    Key("enter", "open", "open the configuration's run (its first seed) in the training view", SWEEP),
    Key("escape,q", "app.pop_screen", "back to the runs view", COMPARE, footer="Back"),
    Key("l", "toggle_log", "test loss on a log / linear scale", COMPARE, footer="Log scale"),
    # the palette's own: a part of the export on its own
    Key("", "export('metrics')", "export: per-epoch metrics as CSV"),
    Key("", "export('json')", "export: the run as JSON"),
    Key("", "export('data')", "export: the dataset as CSV"),
    Key("", "export('settings')", "export: settings as TOML"),
    Key("", "export('script')", "export: a standalone PyTorch script of the run"),
    # "refresh fast" and "slow" are what a user types for them (--refresh is the flag)
    *(Key("", f"refresh('{mode}')", f"refresh {mode}: redraw the map and curves {words}") for mode, words in (
        ("auto", "once a second over SSH, else every 0.3 s (the default)"), ("fast", "every 0.3 s"),
        ("slow", "once a second (the epoch counter keeps ticking)"))),
    *(Key("", f"pace({pace or 0})", f"pace: {pace} epochs a second" if pace else "pace: as fast as possible")
      for pace in PACES),
)


def next_pace(pace: float | None, step: int = 1) -> float | None:
    return PACES[(PACES.index(pace) + step) % len(PACES)] if pace in PACES else PACES[0]


def bindings(where: str) -> list[Binding]:
    return [k.binding() for k in KEYS if k.where == where and k.key and k.action != "command_palette"]


def app_bindings() -> list[Binding]:
    return bindings(ANYWHERE) + bindings(OUTSIDE_FIELDS)


def keyed(where: str) -> list[Key]:
    return [k for k in KEYS if k.where == where and k.key]


def palette_entries() -> list[tuple[str, str]]:
    """(text, action) of every app action: its help, and its key when it has one."""
    entries: dict[str, str] = {}  # action → text: an action with two keys is listed once, with the first
    for k in KEYS:
        if k.where in (ANYWHERE, OUTSIDE_FIELDS) and k.action not in ("command_palette", "leave_field"):
            text = k.help[0].upper() + k.help[1:]
            entries.setdefault(k.action, f"{text} ({k.name})" if k.key else text)
    return [(text, action) for action, text in entries.items()]
