"""Opening the terminal app."""

from __future__ import annotations

import sys

from engine.schema import Settings


def launch(settings: Settings) -> int:
    print("annclf-tui: the interactive app is not built yet; use `annclf-tui train --help`", file=sys.stderr)
    return 2
