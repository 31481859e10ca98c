"""A sweep's news, drained from its feed, as the messages the sweep view takes: one message per kind of news
in a batch (one map per configuration, the newest), never one per epoch."""

from __future__ import annotations

from textual.message import Message

from tui.app.messages import SweepFinished, SweepNotices, SweepProgressArrived, SweepRunsArrived, TileArrived


def messages(events: list) -> list[Message]:
    if not events:
        return []  # no import either: before the first frame the engine is not loaded yet
    from engine.training.events import (ConfigurationDrawn, RunFinishedInSweep, SweepEnded, SweepNoticed,
                                        SweepProgressed)

    progress = end = None
    tiles: dict[int, TileArrived] = {}
    runs, notices = [], []
    for event in events:
        if isinstance(event, SweepProgressed):
            progress = SweepProgressArrived(event.done, event.runs)
        elif isinstance(event, ConfigurationDrawn):
            tiles.pop(event.index, None)  # in the order they came: the newest last
            tiles[event.index] = TileArrived(event)
        elif isinstance(event, RunFinishedInSweep):
            runs.append(event)
        elif isinstance(event, SweepNoticed):
            notices.append(event.text)
        elif isinstance(event, SweepEnded):
            end = SweepFinished(event.finished, event.error)
    out: list[Message] = [m for m in (progress,) if m is not None] + list(tiles.values())
    if notices:
        out.append(SweepNotices(tuple(notices)))
    if runs:
        out.append(SweepRunsArrived(tuple(runs)))
    return out + ([end] if end is not None else [])
