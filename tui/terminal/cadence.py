"""How often the live views redraw the map, the network's pictures and the curves: `fast` (every 0.3 s),
`slow` (once a second), or `auto`: slow over SSH, where every redraw is bytes over a link that may carry
less than the app would write, fast elsewhere. The epoch counter keeps its own pace in every mode."""

from __future__ import annotations

import os
from typing import Mapping

MODES = ("auto", "fast", "slow")
# seconds between two redraws; slow is a little under a second, so that with an epoch's length and the
# app's 10 Hz drain added the map still comes at least once a second
FAST, SLOW = 0.3, 0.9


def over_ssh(environ: Mapping[str, str] = os.environ) -> bool:
    return bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))


def interval(mode: str, environ: Mapping[str, str] = os.environ) -> float:
    if mode == "auto":
        return SLOW if over_ssh(environ) else FAST
    return SLOW if mode == "slow" else FAST


def label(mode: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """What the status line says of it: nothing at the usual cadence."""
    if interval(mode, environ) == FAST:
        return None
    return "redraws 1/s" + (" (SSH)" if mode == "auto" else "")
